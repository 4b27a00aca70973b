namespace Testkit.Benchmarks.Clients;

/// <summary>What a script without readiness logic does, as the floors do: try, and after a "not yet" failure try again
/// after a fixed pause, until it works or the run is cancelled.</summary>
internal static class FixedPolling
{
    public static async Task UntilAsync(Func<CancellationToken, Task> attempt, Func<Exception, bool> notYet, TimeSpan interval, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await attempt(cancellationToken);
                return;
            }
            catch (Exception e) when (notYet(e) && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(interval, cancellationToken);
            }
        }
    }
}
