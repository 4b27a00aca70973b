using BenchmarkDotNet.Attributes;
using Testkit.Images;

namespace Testkit.Benchmarks.Micro;

/// <summary><c>.dockerignore</c> parsing and matching, which runs for every file of a build context (<c>DockerIgnore</c> is
/// internal to Testkit, which lets this assembly see it).</summary>
[MemoryDiagnoser]
public class DockerIgnoreBenchmarks
{
    private const string IgnoreFile = """
        # build output and tools
        **/bin
        **/obj
        .git
        .vs
        *.md
        !README.md
        docs/**/*.png
        logs/
        !logs/keep.log
        node_modules
        **/*.tmp
        secrets/*.key
        """;

    private static readonly string[] Paths = BuildPaths();

    private DockerIgnore ignore = null!;

    [GlobalSetup]
    public void Parse() => ignore = DockerIgnore.Parse(IgnoreFile, ".dockerignore");

    [Benchmark(Description = "DockerIgnore.Parse: 12 patterns")]
    public object ParseFile() => DockerIgnore.Parse(IgnoreFile, ".dockerignore");

    [Benchmark(Description = "DockerIgnore.IsExcluded: 200 paths", OperationsPerInvoke = 200)]
    public int MatchPaths()
    {
        var excluded = 0;
        foreach (var path in Paths)
        {
            excluded += ignore.IsExcluded(path) ? 1 : 0;
        }

        return excluded;
    }

    private static string[] BuildPaths()
    {
        string[] shapes = ["src/App/Program.cs", "src/App/bin/Debug/app.dll", "docs/images/a/b.png", "logs/keep.log", "logs/today.log",
            "README.md", "CHANGES.md", "node_modules/x/index.js", "secrets/prod.key", "tests/data/file.tmp"];
        return [.. Enumerable.Range(0, 200).Select(i => shapes[i % shapes.Length].Replace("App", $"App{i / shapes.Length}", StringComparison.Ordinal))];
    }
}
