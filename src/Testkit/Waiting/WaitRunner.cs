namespace Testkit.Waiting;

/// <summary>Runs one strategy under its own deadline and turns that deadline into a clear error.</summary>
internal static class WaitRunner
{
    public static async ValueTask RunAsync(IWaitStrategy strategy, IWaitTarget target, CancellationToken cancellationToken)
    {
        if (strategy.Timeout is not { } timeout)
        {
            await strategy.WaitAsync(target, cancellationToken).ConfigureAwait(false);
            return;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await strategy.WaitAsync(target, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new WaitTimeoutException(strategy.ToString() ?? strategy.GetType().Name, timeout, startupTimeout: false, []);
        }
    }
}
