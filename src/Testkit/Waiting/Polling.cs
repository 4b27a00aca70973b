using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Testkit.Waiting;

/// <summary>The one polling loop every polling wait uses: the first retry after about 10 ms, then
/// exponential back-off with jitter up to a cap (250 ms by default), with no limit on attempts.</summary>
/// <remarks>Most services become ready within a few hundred milliseconds, so a fixed 50-100 ms period
/// wastes most of it on the first checks; a capped back-off keeps slow starters from being hammered.
/// Only the deadline (the wait's own timeout or the container's startup timeout) ends the loop.</remarks>
internal static class Polling
{
    /// <summary>The pause before the first retry.</summary>
    public static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(10);

    /// <summary>The longest pause between two attempts unless a wait asks for another.</summary>
    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromMilliseconds(250);

    private static readonly ResiliencePipeline<bool> Default = Create(DefaultMaxDelay, attemptTimeout: null);

    /// <summary>Calls <paramref name="check"/> until it returns true. False, or an attempt that outlived
    /// <paramref name="attemptTimeout"/>, means "not ready yet"; any other exception ends the wait.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public static async ValueTask UntilAsync<TState>(
        Func<TState, CancellationToken, ValueTask<bool>> check,
        TState state,
        CancellationToken cancellationToken,
        TimeSpan? maxDelay = null,
        TimeSpan? attemptTimeout = null)
    {
        var pipeline = maxDelay is null && attemptTimeout is null ? Default : Create(maxDelay ?? DefaultMaxDelay, attemptTimeout);
        if (!await pipeline.ExecuteAsync(check, state, cancellationToken).ConfigureAwait(false))
        {
            // Retries are unlimited, so a "not ready" outcome only comes back when Polly saw the cancellation.
            cancellationToken.ThrowIfCancellationRequested();
            throw new InvalidOperationException("Polling stopped before the condition held although nobody cancelled it; this is a Testkit bug.");
        }
    }

    /// <summary>Builds the retry pipeline; with <paramref name="attemptTimeout"/>, each attempt is cut off after it.</summary>
    internal static ResiliencePipeline<bool> Create(TimeSpan maxDelay, TimeSpan? attemptTimeout)
    {
        var builder = new ResiliencePipelineBuilder<bool>().AddRetry(new RetryStrategyOptions<bool>
        {
            ShouldHandle = static args => ValueTask.FromResult(
                args.Outcome is { Exception: null, Result: false } or { Exception: TimeoutRejectedException }),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = FirstDelay < maxDelay ? FirstDelay : maxDelay,
            MaxDelay = maxDelay,
            MaxRetryAttempts = int.MaxValue,
        });
        if (attemptTimeout is { } timeout)
        {
            builder.AddTimeout(timeout);
        }

        return builder.Build();
    }
}
