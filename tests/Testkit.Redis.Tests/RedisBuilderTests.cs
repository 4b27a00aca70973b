namespace Testkit.Redis.Tests;

/// <summary>What a builder shows of itself, without an engine: it reaches test names and logs.</summary>
public class RedisBuilderTests
{
    [Fact]
    public void Printing_the_builder_never_shows_the_password()
    {
        var text = new RedisBuilder().WithPassword("redis-pw-91c3").ToString();

        Assert.Contains("Password = *****", text, StringComparison.Ordinal);
        Assert.Contains("Image = " + RedisContainer.DefaultImage, text, StringComparison.Ordinal);
        Assert.DoesNotContain("redis-pw-91c3", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("redis::7")]
    [InlineData("Redis:7")]
    public void A_bad_image_name_fails_at_once(string image) =>
        Assert.Contains($"Image reference '{image}' is not valid", Assert.Throws<ArgumentException>(() => new RedisBuilder().WithImage(image)).Message, StringComparison.Ordinal);
}
