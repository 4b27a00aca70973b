using Testkit.Containers;
using Testkit.Waiting;

namespace Testkit.Tests.Waiting;

/// <summary>What a timeout says: the exact limit, which limit fired and the fix for it, and the log lines it quotes.</summary>
public class WaitTimeoutMessageTests
{
    private static readonly ContainerBuilder OneLine = new ContainerBuilder("debian:bookworm").ReplaceCommand("sh", "-c", "echo only line; exec sleep infinity");

    [Theory]
    [InlineData(1, "1 ms")]
    [InlineData(250, "250 ms")]
    [InlineData(999.5, "999.5 ms")]
    [InlineData(1000, "1 s")]
    [InlineData(2500, "2.5 s")]
    [InlineData(90_000, "90 s")]
    public void The_limit_is_said_exactly(double milliseconds, string expected) =>
        Assert.Equal(expected, WaitTimeoutException.Describe(TimeSpan.FromMilliseconds(milliseconds)));

    [Fact]
    public void The_quoted_log_lines_are_counted_in_the_singular_and_the_plural()
    {
        var one = new WaitTimeoutException("x", TimeSpan.FromSeconds(1), startupTimeout: true, ["a"]);
        var two = new WaitTimeoutException("x", TimeSpan.FromSeconds(1), startupTimeout: true, ["a", "b"]);
        var none = new WaitTimeoutException("x", TimeSpan.FromSeconds(1), startupTimeout: true, []);

        Assert.Contains("Last 1 log line:", one.Message, StringComparison.Ordinal);
        Assert.Contains("Last 2 log lines:", two.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Last ", none.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_waits_own_timeout_is_named_with_its_fix_without_an_engine()
    {
        var wait = Wait.Until("the moon to turn blue", (_, _) => ValueTask.FromResult(false)).WithTimeout(TimeSpan.FromMilliseconds(300));

        var error = await Assert.ThrowsAsync<WaitTimeoutException>(() => WaitRunner.RunAsync(wait, new FakeTarget(), CancellationToken.None).AsTask());

        Assert.StartsWith("Timed out after 300 ms waiting for the moon to turn blue", error.Message, StringComparison.Ordinal);
        Assert.Contains("the wait's own timeout fired", error.Message, StringComparison.Ordinal);
        Assert.Contains("WithTimeout", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("WithStartupTimeout", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsStartupTimeout);
    }

    [Fact]
    public async Task A_startup_timeout_of_1_ms_says_1_ms_and_names_WithStartupTimeout()
    {
        var container = OneLine.WithWaitStrategy(Wait.ForLogMessage("never printed")).WithStartupTimeout(TimeSpan.FromMilliseconds(1)).Build();

        var error = await Assert.ThrowsAsync<WaitTimeoutException>(() => container.StartAsync());

        // The startup timeout bounds the whole start: 1 ms ends it in whichever step was running (creating, most likely).
        Assert.StartsWith("Timed out after 1 ms waiting for ", error.Message, StringComparison.Ordinal);
        Assert.Contains("startup timeout", error.Message, StringComparison.Ordinal);
        Assert.Contains("(WithStartupTimeout)", error.Message, StringComparison.Ordinal);
        Assert.True(error.IsStartupTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(1), error.Timeout);
    }

    [Fact]
    public async Task A_waits_own_timeout_on_a_container_names_that_wait_and_quotes_the_one_log_line()
    {
        // The first wait makes sure the one line is written before the second, which never holds, runs out of its 300 ms.
        var container = OneLine
            .WithWaitStrategy(Wait.ForLogMessage("^only line$"))
            .AddWaitStrategy(Wait.ForLogMessage("never printed").WithTimeout(TimeSpan.FromMilliseconds(300)))
            .Build();

        var error = await Assert.ThrowsAsync<WaitTimeoutException>(() => container.StartAsync());

        Assert.StartsWith("Timed out after 300 ms waiting for log line /never printed/ on container ", error.Message, StringComparison.Ordinal);
        Assert.Contains("the wait's own timeout fired", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("WithStartupTimeout", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsStartupTimeout);
        Assert.Contains("Last 1 log line:" + Environment.NewLine + "  | only line", error.Message, StringComparison.Ordinal);
        Assert.Equal(["only line"], error.LastLogLines);
    }
}
