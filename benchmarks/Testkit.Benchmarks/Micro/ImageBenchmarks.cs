using BenchmarkDotNet.Attributes;
using Testkit.Images;

namespace Testkit.Benchmarks.Micro;

/// <summary>Image names: parsed for every container and every <c>FROM</c> line, and run through the substitution rules.</summary>
[MemoryDiagnoser]
public class ImageBenchmarks
{
    private const string Rules = """
        # official-name[:tag] = replacement
        debian = testkit-local/debian:bookworm-d65b2554ba90
        postgres = testkit-local/postgres:15-8c67ec34b93f
        redis = testkit-local/redis:7-7678b020e450
        confluentinc/cp-zookeeper = testkit-local/cp-zookeeper:3.4.6-592dc72988d3
        confluentinc/ = mirror/confluentinc/
        """;

    private readonly ImageSubstitutions substitutions = ImageSubstitutions.Parse(Rules);

    [Params("redis", "postgres:15", "confluentinc/cp-kafka:7.6.1", "team/app:1.2@sha256:6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b")]
    public string Image { get; set; } = "";

    [Benchmark(Description = "ImageReference.Parse")]
    public ImageReference Parse() => ImageReference.Parse(Image);

    [Benchmark(Description = "ImageSubstitutions.Apply (5 rules)")]
    public string Substitute() => substitutions.Apply(Image);
}
