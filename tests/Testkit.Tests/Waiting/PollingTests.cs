using System.Diagnostics;
using Testkit.Waiting;

namespace Testkit.Tests.Waiting;

/// <summary>The shared polling loop, through ConditionWait and the runner; no engine needed.</summary>
public class PollingTests
{
    private static readonly FakeTarget Target = new();

    [Fact]
    public async Task The_first_retries_come_quickly_then_back_off()
    {
        var checks = new List<TimeSpan>();
        var clock = Stopwatch.StartNew();
        var wait = Wait.Until("the 8th check", (_, _) =>
        {
            checks.Add(clock.Elapsed);
            return ValueTask.FromResult(checks.Count == 8);
        });

        await wait.WaitAsync(Target, CancellationToken.None);

        var gaps = checks.Zip(checks.Skip(1), (a, b) => b - a).ToList();
        Assert.Equal(8, checks.Count);
        Assert.True(gaps[0] < TimeSpan.FromMilliseconds(200), $"first retry after {gaps[0].TotalMilliseconds} ms");
        Assert.True(gaps[^1] > gaps[0], $"gaps did not grow: {string.Join(", ", gaps.Select(g => g.TotalMilliseconds))}");
        // Loose bounds: the checks share the machine with the engine tests running in parallel.
        Assert.All(gaps, g => Assert.True(g < TimeSpan.FromSeconds(1), $"a gap of {g.TotalMilliseconds} ms is far beyond the 250 ms cap"));
    }

    [Fact]
    public async Task Every_caps_the_pause_between_checks()
    {
        var checks = new List<TimeSpan>();
        var clock = Stopwatch.StartNew();
        var wait = Wait.Until("the 15th check", (_, _) =>
        {
            checks.Add(clock.Elapsed);
            return ValueTask.FromResult(checks.Count == 15);
        }).Every(TimeSpan.FromMilliseconds(30));

        await wait.WaitAsync(Target, CancellationToken.None);

        // Uncapped, 15 checks take about 2.5 s (the gaps grow to 250 ms); capped at 30 ms, about 0.4 s. The bound
        // between leaves room for a machine busy with the engine tests running in parallel.
        Assert.True(checks[^1] < TimeSpan.FromSeconds(1.8), $"15 checks took {checks[^1].TotalMilliseconds:0} ms despite a 30 ms cap");
    }

    [Fact]
    public async Task A_condition_that_never_holds_times_out_with_its_description()
    {
        var calls = 0;
        var wait = Wait.Until("the moon to turn blue", (_, _) =>
        {
            Interlocked.Increment(ref calls);
            return ValueTask.FromResult(false);
        }).WithTimeout(TimeSpan.FromMilliseconds(300));

        var error = await Assert.ThrowsAsync<WaitTimeoutException>(() => WaitRunner.RunAsync(wait, Target, CancellationToken.None).AsTask());

        Assert.Contains("the moon to turn blue", error.Message, StringComparison.Ordinal);
        Assert.Equal("the moon to turn blue", error.Awaited);
        Assert.True(calls >= 2, $"only {calls} checks in 300 ms");
    }

    [Fact]
    public async Task Cancelling_stops_the_polling()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var wait = Wait.Until("never", (_, _) => ValueTask.FromResult(false));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(Target, cancel.Token).AsTask());
    }

    [Fact]
    public async Task An_exception_from_the_condition_ends_the_wait_at_once()
    {
        var calls = 0;
        var wait = Wait.Until("a broken check", (_, _) =>
        {
            calls++;
            throw new InvalidOperationException("broken");
        });

        await Assert.ThrowsAsync<InvalidOperationException>(() => wait.WaitAsync(Target, CancellationToken.None).AsTask());
        Assert.Equal(1, calls);
    }
}
