namespace Testkit.Compose;

/// <summary>One mount of a service.</summary>
/// <param name="Type">Volume, bind or tmpfs.</param>
/// <param name="Source">The volume key or the full host path; null for anonymous volumes and tmpfs.</param>
/// <param name="Target">The path in the container.</param>
/// <param name="ReadOnly">Whether the mount is read-only.</param>
public sealed record ComposeMount(ComposeMountType Type, string? Source, string Target, bool ReadOnly);
