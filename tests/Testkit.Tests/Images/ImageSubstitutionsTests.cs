using Testkit.Images;

namespace Testkit.Tests.Images;

public class ImageSubstitutionsTests
{
    private static readonly ImageSubstitutions Rules = ImageSubstitutions.Parse("""
        # comments and blank lines are ignored

        postgres:16 = mirror/postgres:16-pinned
        postgres = local/postgres:15-abc   # any other tag
        confluentinc/ = registry.example/confluent-mirror/
        """);

    [Theory]
    [InlineData("postgres:16", "mirror/postgres:16-pinned")]
    [InlineData("postgres:15", "local/postgres:15-abc")]
    [InlineData("postgres", "local/postgres:15-abc")]
    [InlineData("docker.io/library/postgres:15", "local/postgres:15-abc")]
    [InlineData("confluentinc/cp-kafka:7.6.1", "registry.example/confluent-mirror/cp-kafka:7.6.1")]
    [InlineData("redis:7", "redis:7")]
    [InlineData("postgresql:15", "postgresql:15")]
    public void Maps_official_names(string requested, string expected) => Assert.Equal(expected, Rules.Apply(requested));

    [Fact]
    public void The_first_matching_rule_wins()
    {
        var rules = ImageSubstitutions.Parse("redis = first/redis:7\nredis = second/redis:7");

        Assert.Equal("first/redis:7", rules.Apply("redis:7"));
    }

    [Fact]
    public void A_malformed_line_is_reported_with_its_number()
    {
        var error = Assert.Throws<TestkitException>(() => ImageSubstitutions.Parse("redis = a/redis\npostgres local/postgres"));

        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_rules_change_nothing() => Assert.Equal("postgres:15", ImageSubstitutions.None.Apply("postgres:15"));
}
