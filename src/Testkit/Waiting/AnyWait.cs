using System.Collections.Immutable;

namespace Testkit.Waiting;

/// <summary>Waits for several conditions at once: the first that holds wins and the others are cancelled.</summary>
public sealed record AnyWait(ImmutableArray<IWaitStrategy> Strategies) : IWaitStrategy
{
    /// <inheritdoc />
    public TimeSpan? Timeout { get; init; }

    /// <summary>Gives the race its own deadline (each contender keeps its own too).</summary>
    public AnyWait WithTimeout(TimeSpan timeout) => this with { Timeout = Wait.CheckTimeout(timeout) };

    /// <inheritdoc />
    public async ValueTask WaitAsync(IWaitTarget target, CancellationToken cancellationToken)
    {
        using var losers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pending = Strategies.ToDictionary(s => WaitRunner.RunAsync(s, target, losers.Token).AsTask(), s => s);
        var failures = new List<Exception>();
        try
        {
            while (pending.Count > 0)
            {
                var done = await Task.WhenAny(pending.Keys).ConfigureAwait(false);
                pending.Remove(done, out var strategy);
                if (done.IsCompletedSuccessfully)
                {
                    return;
                }

                cancellationToken.ThrowIfCancellationRequested();

                // One contender failing (its own timeout, a missing health check) leaves the others in the race.
                failures.Add(done.Exception?.InnerException
                             ?? new OperationCanceledException($"Waiting for {strategy} was cancelled from inside."));
            }
        }
        finally
        {
            await losers.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(pending.Keys).ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }

        throw new TestkitException(
            $"Every alternative failed while waiting for {this}: " + string.Join(" / ", failures.Select(f => f.Message))
            + " Fix the cause of one of them, or wait for something else.",
            new AggregateException(failures));
    }

    /// <inheritdoc />
    public override string ToString() => $"any of ({string.Join("; ", Strategies)})";
}
