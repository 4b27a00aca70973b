namespace Testkit.Compose;

/// <summary>The kind of a service mount.</summary>
public enum ComposeMountType
{
    /// <summary>A named or anonymous volume.</summary>
    Volume,

    /// <summary>A host path.</summary>
    Bind,

    /// <summary>A memory file system.</summary>
    Tmpfs,
}
