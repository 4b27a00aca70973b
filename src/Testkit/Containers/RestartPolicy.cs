namespace Testkit.Containers;

/// <summary>What the engine does when the container's process exits.</summary>
public enum RestartPolicy
{
    /// <summary>Nothing: the container stays exited (the default, and right for tests).</summary>
    No,

    /// <summary>Restart whatever the exit code.</summary>
    Always,

    /// <summary>Restart after a non-zero exit code.</summary>
    OnFailure,

    /// <summary>Restart unless it was stopped on purpose.</summary>
    UnlessStopped,
}
