using Testkit.Formats;

namespace Testkit.Tests.Formats;

[Trait("Category", "Unit")]
public sealed class DurationsTests
{
    [Theory]
    [InlineData("10s", 10_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("250ms", 250)]
    [InlineData(" 2m ", 120_000)]
    [InlineData("1h2m3s4ms", 3_723_004)]
    [InlineData("1500us", 1.5)]
    [InlineData("1500µs", 1.5)]
    [InlineData("2000000ns", 2)]
    public void Go_style_durations_are_read(string text, double milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Durations.Parse(text));

    [Theory]
    [InlineData("", "empty duration")]
    [InlineData("   ", "empty duration")]
    [InlineData("30", "a number needs a unit (h, m, s, ms, us, ns), such as \"30s\"")]
    [InlineData("s", "write a duration such as \"30s\"")]
    [InlineData("5d", "unit \"d\" is not one of h, m, s, ms, us, ns")]
    public void Text_that_is_not_a_duration_is_refused_with_an_example(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => Durations.Parse(text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.False(Durations.TryParse(text, out _));
    }

    [Fact]
    public void TryParse_gives_the_duration_or_false()
    {
        Assert.True(Durations.TryParse("90s", out var duration));
        Assert.Equal(TimeSpan.FromSeconds(90), duration);
        Assert.False(Durations.TryParse(null, out _));
    }
}
