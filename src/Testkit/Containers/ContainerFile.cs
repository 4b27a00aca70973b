namespace Testkit.Containers;

/// <summary>A file or directory copied into a container before it starts.</summary>
/// <param name="Path">The absolute path inside the container.</param>
/// <param name="Content">The file's bytes, or null when <paramref name="SourcePath"/> names a host file or directory.</param>
/// <param name="SourcePath">A host file or directory to copy, or null when <paramref name="Content"/> is given.</param>
/// <param name="Mode">The permissions of the file (and of every file copied from a directory); null keeps 0644 or the host file's.</param>
/// <param name="Owner">The numeric user and group that own what is copied; null for root.</param>
public sealed record ContainerFile(string Path, ReadOnlyMemory<byte>? Content, string? SourcePath, UnixFileMode? Mode = null, (int Uid, int Gid)? Owner = null);
