using Testkit.Waiting;

namespace Testkit.Containers;

/// <summary>A container stopped while it was expected to start and become ready.</summary>
public sealed class ContainerExitedException : TestkitException
{
    internal ContainerExitedException(string container, string image, long exitCode, bool oomKilled, string? awaited, IReadOnlyList<string> lastLogLines)
        : base($"Container {container} ({image}) exited with code {exitCode}"
            + (oomKilled ? " after running out of memory (OOM-killed: raise the memory limit)" : "")
            + (awaited is null ? " while starting" : $" while waiting for {awaited}") + ". "
            + "Its last log lines below usually name the cause: check the image's command, environment and mounts."
            + LogTail.Format(lastLogLines))
    {
        ExitCode = exitCode;
        OomKilled = oomKilled;
        LastLogLines = lastLogLines;
    }

    /// <summary>The container's exit code.</summary>
    public long ExitCode { get; }

    /// <summary>True when the kernel killed the container for using too much memory.</summary>
    public bool OomKilled { get; }

    /// <summary>The last lines the container wrote.</summary>
    public IReadOnlyList<string> LastLogLines { get; }
}
