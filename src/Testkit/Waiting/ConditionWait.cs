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

    /// <summary>The longest pause between two checks; the first checks come about 10 ms apart and back off to it.</summary>
    public TimeSpan MaxInterval { get; init; } = Polling.DefaultMaxDelay;

    /// <inheritdoc />
    public TimeSpan? Timeout { get; init; }

    /// <summary>Caps the pause between checks at <paramref name="interval"/> instead of 250 ms; the first checks still come about 10 ms apart.</summary>
    public ConditionWait Every(TimeSpan interval) =>
        interval > TimeSpan.Zero
            ? this with { MaxInterval = interval }
            : throw new ArgumentOutOfRangeException(nameof(interval), interval, "The interval between checks must be positive, e.g. TimeSpan.FromMilliseconds(100).");

    /// <summary>Gives this wait its own deadline.</summary>
    public ConditionWait WithTimeout(TimeSpan timeout) => this with { Timeout = Wait.CheckTimeout(timeout) };

    /// <inheritdoc />
    public ValueTask WaitAsync(IWaitTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        return Polling.UntilAsync(static (s, ct) => s.condition(s.target, ct), (condition, target), cancellationToken, MaxInterval);
    }

    /// <inheritdoc />
    public override string ToString() => Description;
}
