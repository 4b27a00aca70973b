namespace Testkit.Postgres.Tests;

/// <summary>What a builder shows of itself, without an engine: it reaches test names and logs.</summary>
public class PostgresBuilderTests
{
    [Fact]
    public void Printing_the_builder_never_shows_the_password()
    {
        var builder = new PostgresBuilder().WithPassword("pg-pw-4e7a02").WithDatabase("orders");

        var text = builder.ToString();

        Assert.Contains("Password = *****", text, StringComparison.Ordinal);
        Assert.Contains("Database = orders", text, StringComparison.Ordinal);
        Assert.DoesNotContain("pg-pw-4e7a02", text, StringComparison.Ordinal);
        var generated = new PostgresBuilder();
        Assert.DoesNotContain(generated.Password, generated.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_image_name_fails_at_once() =>
        Assert.Contains("'re$dis' is not a valid repository name", Assert.Throws<ArgumentException>(() => new PostgresBuilder().WithImage("re$dis:7")).Message, StringComparison.Ordinal);
}
