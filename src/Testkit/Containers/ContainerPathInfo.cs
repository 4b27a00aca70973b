namespace Testkit.Containers;

/// <summary>What a path inside a container is (<see cref="Container.GetPathInfoAsync"/>), read from the engine's archive of it.</summary>
/// <param name="Path">The path asked for.</param>
/// <param name="IsDirectory">True for a directory.</param>
/// <param name="Size">The size in bytes of a regular file; 0 for others.</param>
/// <param name="Mode">The permission bits.</param>
/// <param name="Uid">The numeric owner.</param>
/// <param name="Gid">The numeric group.</param>
/// <param name="Modified">When it last changed.</param>
/// <param name="LinkTarget">Where a symbolic link points, else null.</param>
public sealed record ContainerPathInfo(string Path, bool IsDirectory, long Size, UnixFileMode Mode, int Uid, int Gid, DateTimeOffset Modified, string? LinkTarget);
