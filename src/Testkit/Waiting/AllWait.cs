using System.Collections.Immutable;

namespace Testkit.Waiting;

/// <summary>Waits for several conditions, one after the other.</summary>
public sealed record AllWait(ImmutableArray<IWaitStrategy> Strategies) : IWaitStrategy
{
    /// <inheritdoc />
    public TimeSpan? Timeout { get; init; }

    /// <summary>Gives the whole sequence its own deadline (each step keeps its own too).</summary>
    public AllWait WithTimeout(TimeSpan timeout) => this with { Timeout = Wait.CheckTimeout(timeout) };

    /// <inheritdoc />
    public async ValueTask WaitAsync(IWaitTarget target, CancellationToken cancellationToken)
    {
        foreach (var strategy in Strategies)
        {
            await WaitRunner.RunAsync(strategy, target, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override string ToString() => string.Join(", then ", Strategies);
}
