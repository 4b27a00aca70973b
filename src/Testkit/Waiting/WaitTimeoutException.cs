namespace Testkit.Waiting;

/// <summary>A container did not become ready in time.</summary>
public sealed class WaitTimeoutException : TestkitException
{
    internal WaitTimeoutException(string awaited, TimeSpan timeout, IReadOnlyList<string> lastLogLines, string? container = null)
        : base($"Timed out after {timeout.TotalSeconds:0.#} s waiting for {awaited}"
            + (container is null ? "" : $" on container {container}") + ". "
            + "Check the log lines below for why it is not ready, or give it longer (WithStartupTimeout)."
            + LogTail.Format(lastLogLines))
    {
        Awaited = awaited;
        Timeout = timeout;
        LastLogLines = lastLogLines;
    }

    /// <summary>The last lines the container wrote, when known.</summary>
    public IReadOnlyList<string> LastLogLines { get; }

    /// <summary>What was awaited, in words.</summary>
    public string Awaited { get; }

    /// <summary>How long it was awaited.</summary>
    public TimeSpan Timeout { get; }
}
