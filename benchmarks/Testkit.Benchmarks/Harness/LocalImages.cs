using Testkit.Images;

namespace Testkit.Benchmarks.Harness;

/// <summary>The images every tool runs, resolved once through Testkit's own substitution rules (the environment,
/// <c>.testkit/images.conf</c>, <c>~/.testkit/images.conf</c>): Testcontainers and the CLI get the resolved names, so
/// all rows run identical images. Where no rule applies the official name is used as is.</summary>
internal static class LocalImages
{
    private static readonly ImageSubstitutions Substitutions = ImageSubstitutions.FromEnvironment();

    public static string Postgres { get; } = Substitutions.Apply(Testkit.Postgres.PostgresContainer.DefaultImage);

    public static string Redis { get; } = Substitutions.Apply(Testkit.Redis.RedisContainer.DefaultImage);

    public static string Kafka { get; } = Substitutions.Apply(Testkit.Kafka.KafkaContainer.DefaultImage);

    public static IEnumerable<(string Official, string Local)> All =>
    [
        (Testkit.Postgres.PostgresContainer.DefaultImage, Postgres),
        (Testkit.Redis.RedisContainer.DefaultImage, Redis),
        (Testkit.Kafka.KafkaContainer.DefaultImage, Kafka),
    ];
}
