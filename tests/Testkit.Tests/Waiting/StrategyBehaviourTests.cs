using Testkit.Containers;
using Testkit.Waiting;

namespace Testkit.Tests.Waiting;

/// <summary>How the strategies react to what a target answers, with a fake target; no engine needed.</summary>
public class StrategyBehaviourTests
{
    [Fact]
    public async Task ForHealthy_without_a_health_check_fails_at_once_and_names_the_fix()
    {
        var target = new FakeTarget { State = _ => FakeTarget.Running(health: null) };

        var error = await Assert.ThrowsAsync<TestkitException>(() => Wait.ForHealthy().WaitAsync(target, CancellationToken.None).AsTask());

        Assert.Contains("has no health check", error.Message, StringComparison.Ordinal);
        Assert.Contains("WithHealthCheck", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, target.StateCalls);
    }

    [Fact]
    public async Task ForHealthy_keeps_polling_through_starting_and_unhealthy()
    {
        string[] answers = ["starting", "starting", "unhealthy", "healthy"];
        var target = new FakeTarget { State = call => FakeTarget.Running(answers[call - 1]) };

        await Wait.ForHealthy().WaitAsync(target, CancellationToken.None);

        Assert.Equal(4, target.StateCalls);
    }

    [Fact]
    public async Task ForExec_retries_until_the_command_exits_0()
    {
        var calls = 0;
        var target = new FakeTarget { Exec = _ => new ExecResult(++calls < 3 ? 1 : 0, "", "") };

        await Wait.ForExec("pg_isready", "-q").WaitAsync(target, CancellationToken.None);

        Assert.Equal(3, target.ExecCalls.Count);
        Assert.All(target.ExecCalls, c => Assert.Equal(["pg_isready", "-q"], c));
    }

    [Fact]
    public async Task ForExec_of_a_program_the_image_lacks_fails_at_once()
    {
        var target = new FakeTarget
        {
            Exec = _ => new ExecResult(126, "OCI runtime exec failed: exec failed: unable to start container process: exec: \"pg_isready\": executable file not found in $PATH: unknown\r\n", ""),
        };

        var error = await Assert.ThrowsAsync<TestkitException>(() => Wait.ForExec("pg_isready").WaitAsync(target, CancellationToken.None).AsTask());

        Assert.Contains("`pg_isready` cannot run", error.Message, StringComparison.Ordinal);
        Assert.Contains("executable file not found", error.Message, StringComparison.Ordinal);
        Assert.Single(target.ExecCalls);
    }

    [Fact]
    public async Task ForFile_tests_the_path_inside_the_container()
    {
        var target = new FakeTarget();

        await Wait.ForFile("/var/run/app.pid").WaitAsync(target, CancellationToken.None);

        Assert.Equal(["test", "-e", "/var/run/app.pid"], Assert.Single(target.ExecCalls));
    }

    [Fact]
    public async Task ForListeningPort_of_an_unpublished_port_fails_at_once_with_the_fix()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Wait.ForListeningPort(8080).WaitAsync(new FakeTarget(), CancellationToken.None).AsTask());

        Assert.Contains("WithPortBinding(8080)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForAny_returns_with_the_first_that_holds_and_cancels_the_others()
    {
        var loserCancelled = new TaskCompletionSource();
        var loser = Wait.Until("never", async (_, ct) =>
        {
            try
            {
                await Task.Delay(System.Threading.Timeout.Infinite, ct);
            }
            finally
            {
                loserCancelled.TrySetResult();
            }

            return false;
        });
        var calls = 0;
        var winner = Wait.Until("the third check", (_, _) => ValueTask.FromResult(Interlocked.Increment(ref calls) == 3));

        await Wait.ForAny(loser, winner).WaitAsync(new FakeTarget(), CancellationToken.None);

        Assert.Equal(3, calls);
        Assert.True(loserCancelled.Task.IsCompleted, "the losing wait still runs");
    }

    [Fact]
    public async Task ForAny_survives_a_contender_that_fails()
    {
        var target = new FakeTarget { State = _ => FakeTarget.Running(health: null) };

        await Wait.ForAny(Wait.ForHealthy(), Wait.ForFile("/ready")).WaitAsync(target, CancellationToken.None);
    }

    [Fact]
    public async Task ForAny_fails_when_every_contender_failed_and_says_why()
    {
        var target = new FakeTarget { State = _ => FakeTarget.Running(health: null) };
        var any = Wait.ForAny(Wait.ForHealthy(), Wait.Until("never", (_, _) => ValueTask.FromResult(false)).WithTimeout(TimeSpan.FromMilliseconds(100)));

        var error = await Assert.ThrowsAsync<TestkitException>(() => any.WaitAsync(target, CancellationToken.None).AsTask());

        Assert.Contains("has no health check", error.Message, StringComparison.Ordinal);
        Assert.Contains("waiting for never", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForAny_is_cancelled_as_a_whole()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var never = Wait.Until("never", (_, _) => ValueTask.FromResult(false));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Wait.ForAny(never, never).WaitAsync(new FakeTarget(), cancel.Token).AsTask());
    }
}
