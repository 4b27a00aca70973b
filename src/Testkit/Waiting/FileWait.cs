namespace Testkit.Waiting;

/// <summary>Waits until a path exists inside the container.</summary>
public sealed record FileWait : IWaitStrategy
{
    internal FileWait(string path) => Path = path;

    /// <summary>The path awaited, as the container sees it.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public TimeSpan? Timeout { get; init; }

    /// <summary>Gives this wait its own deadline.</summary>
    public FileWait WithTimeout(TimeSpan timeout) => this with { Timeout = Wait.CheckTimeout(timeout) };

    /// <inheritdoc />
    public ValueTask WaitAsync(IWaitTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        return Polling.UntilAsync(
            static (s, ct) => ExecWait.SucceedsAsync(s.target, s.command, ct), (target, command: (string[])["test", "-e", Path]), cancellationToken);
    }

    /// <inheritdoc />
    public override string ToString() => $"file {Path} to exist";
}
