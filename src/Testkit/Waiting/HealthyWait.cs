namespace Testkit.Waiting;

/// <summary>Waits until the engine reports the container's health check as healthy.</summary>
public sealed record HealthyWait : IWaitStrategy
{
    internal const string Healthy = "healthy";

    /// <inheritdoc />
    public TimeSpan? Timeout { get; init; }

    /// <summary>Gives this wait its own deadline.</summary>
    public HealthyWait WithTimeout(TimeSpan timeout) => this with { Timeout = Wait.CheckTimeout(timeout) };

    /// <inheritdoc />
    public ValueTask WaitAsync(IWaitTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        return Polling.UntilAsync(static (t, ct) => IsHealthyAsync(t, ct), target, cancellationToken);
    }

    /// <inheritdoc />
    public override string ToString() => "the container's health check to report healthy";

    private static async ValueTask<bool> IsHealthyAsync(IWaitTarget target, CancellationToken cancellationToken)
    {
        var state = await target.GetStateAsync(cancellationToken).ConfigureAwait(false);

        // Without a health check the engine never reports health, so waiting could only end in a timeout.
        return state.Health switch
        {
            null => throw new TestkitException(
                $"Container {Wait.ShortId(target)} has no health check, so Wait.ForHealthy() can never succeed. "
                + "Define one with WithHealthCheck(...) on the builder (or a HEALTHCHECK in the image), "
                + "or wait for something else, e.g. Wait.ForListeningPort(port)."),
            var health => string.Equals(health, Healthy, StringComparison.OrdinalIgnoreCase),
        };
    }
}
