namespace Testkit.Waiting;

/// <summary>Polls a condition until it holds: a query that answers, a file that exists, an HTTP status.</summary>
public sealed record ConditionWait : IWaitStrategy
{
    private readonly Func<IWaitTarget, CancellationToken, ValueTask<bool>> condition;

    internal ConditionWait(string description, Func<IWaitTarget, CancellationToken, ValueTask<bool>> condition)
    {
        Description = description;
        this.condition = condition;
    }

    /// <summary>What is awaited, in words.</summary>
    public string Description { get; }

    /// <summary>The pause between two checks.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <inheritdoc />
    public TimeSpan? Timeout { get; init; }

    /// <summary>Checks every <paramref name="interval"/> instead of every 50 ms.</summary>
    public ConditionWait Every(TimeSpan interval) => this with { Interval = interval };

    /// <summary>Gives this wait its own deadline.</summary>
    public ConditionWait WithTimeout(TimeSpan timeout) => this with { Timeout = timeout };

    /// <inheritdoc />
    public async ValueTask WaitAsync(IWaitTarget target, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (!await condition(target, cancellationToken).ConfigureAwait(false))
        {
            await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override string ToString() => Description;
}
