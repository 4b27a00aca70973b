using System.Security.Cryptography;
using System.Text;

namespace Testkit.Containers;

/// <summary>A file or directory copied into a container before it starts.</summary>
/// <param name="Path">The absolute path inside the container.</param>
/// <param name="Content">The file's bytes, or null when <paramref name="SourcePath"/> names a host file or directory.</param>
/// <param name="SourcePath">A host file or directory to copy, or null when <paramref name="Content"/> is given.</param>
/// <param name="Mode">The permissions of the file (and of every file copied from a directory); null keeps 0644 or the host file's.</param>
/// <param name="Owner">The numeric user and group that own what is copied; null for root.</param>
public sealed record ContainerFile(string Path, ReadOnlyMemory<byte>? Content, string? SourcePath, UnixFileMode? Mode = null, (int Uid, int Gid)? Owner = null)
{
    /// <summary>A SHA-256 (lower-case hex) of what would be copied: the bytes, or every file below the source directory
    /// with its relative path, in ordinal order. Lengths go before contents, so no two different trees hash alike.</summary>
    public async Task<string> ContentHashAsync(CancellationToken cancellationToken = default)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Append(ReadOnlySpan<byte> bytes)
        {
            hash.AppendData(BitConverter.GetBytes(bytes.Length));
            hash.AppendData(bytes);
        }

        if (Content is { } content)
        {
            Append(content.Span);
        }
        else
        {
            var source = SourcePath!;
            var files = Directory.Exists(source)
                ? Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                : Enumerable.Repeat(source, 1);
            foreach (var path in files)
            {
                Append(Encoding.UTF8.GetBytes(System.IO.Path.GetRelativePath(source, path)));
                Append(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false));
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
