namespace Testkit.Containers;

/// <summary>The kinds of storage a container can mount.</summary>
public enum MountType
{
    /// <summary>A host file or directory.</summary>
    Bind,

    /// <summary>A named volume managed by the engine.</summary>
    Volume,

    /// <summary>Memory-backed storage that disappears with the container.</summary>
    Tmpfs,
}

/// <summary>Storage mounted into a container.</summary>
/// <param name="Type">Bind, volume or tmpfs.</param>
/// <param name="Source">The host path (bind), the volume's name (volume), or empty (tmpfs).</param>
/// <param name="Target">The path inside the container.</param>
/// <param name="ReadOnly">True to mount read-only.</param>
public sealed record Mount(MountType Type, string Source, string Target, bool ReadOnly = false)
{
    /// <summary>The volume Testkit creates on first use and removes with its owner, when the mount names one.</summary>
    public Volumes.Volume? OwnedVolume { get; init; }
}
