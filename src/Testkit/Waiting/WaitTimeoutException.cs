using System.Globalization;

namespace Testkit.Waiting;

/// <summary>A container did not become ready in time.</summary>
public sealed class WaitTimeoutException : TestkitException
{
    internal WaitTimeoutException(string awaited, TimeSpan timeout, bool startupTimeout, IReadOnlyList<string> lastLogLines, string? container = null)
        : base($"Timed out after {Describe(timeout)} waiting for {awaited}"
            + (container is null ? "" : $" on container {container}")
            + (startupTimeout
                ? ": the container's startup timeout, counted from its start, fired. Check the log lines below for why it is not ready, "
                  + "or give it longer (WithStartupTimeout)."
                : ": the wait's own timeout fired. Check the log lines below for why it is not ready, "
                  + "or give that wait longer (the WithTimeout(…) on it).")
            + LogTail.Format(lastLogLines))
    {
        Awaited = awaited;
        Timeout = timeout;
        IsStartupTimeout = startupTimeout;
        LastLogLines = lastLogLines;
    }

    /// <summary>The last lines the container wrote, when known.</summary>
    public IReadOnlyList<string> LastLogLines { get; }

    /// <summary>What was awaited, in words.</summary>
    public string Awaited { get; }

    /// <summary>How long it was awaited: the limit that fired.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>True when the container's startup timeout fired, false when the wait's own <c>WithTimeout</c> did.</summary>
    public bool IsStartupTimeout { get; }

    // Exact, in the unit a person would have written: "1 ms", "250 ms", "2.5 s", "90 s" (whole seconds would say "0 s" for 1 ms).
    internal static string Describe(TimeSpan timeout) =>
        timeout < TimeSpan.FromSeconds(1)
            ? string.Create(CultureInfo.InvariantCulture, $"{timeout.TotalMilliseconds:0.###} ms")
            : string.Create(CultureInfo.InvariantCulture, $"{timeout.TotalSeconds:0.###} s");
}
