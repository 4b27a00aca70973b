using System.Formats.Tar;

namespace Testkit.Containers;

/// <summary>Moves files in and out of containers as the tar streams the engine speaks.</summary>
internal static class ContainerArchive
{
    private const UnixFileMode DefaultFileMode = (UnixFileMode)0b110_100_100; // 0644

    /// <summary>Writes the files into a temporary tar file (on disk, not in memory) positioned at its start.</summary>
    public static async Task<Stream> CreateAsync(IEnumerable<ContainerFile> files, CancellationToken cancellationToken)
    {
        var tar = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        await using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var file in files)
            {
                if (file.Content is { } content)
                {
                    await AddAsync(writer, file.Path, new MemoryStream(content.ToArray()), file.Mode ?? DefaultFileMode, file.Owner, cancellationToken).ConfigureAwait(false);
                }
                else if (Directory.Exists(file.SourcePath))
                {
                    await AddDirectoryAsync(writer, file, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    var source = file.SourcePath!;
                    await using var stream = File.OpenRead(source);
                    await AddAsync(writer, file.Path, stream, file.Mode ?? ModeOf(source), file.Owner, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        tar.Position = 0;
        return tar;
    }

    /// <summary>The content of the first file in a tar stream read from a container.</summary>
    public static async Task<byte[]> ReadFirstFileAsync(Stream tar, string path, CancellationToken cancellationToken)
    {
        await using var reader = new TarReader(tar);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && entry.DataStream is { } data)
            {
                using var buffer = new MemoryStream();
                await data.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                return buffer.ToArray();
            }
        }

        throw new TestkitException($"'{path}' in the container is not a regular file. Use CopyFromContainerAsync for directories.");
    }

    private static async Task AddDirectoryAsync(TarWriter writer, ContainerFile directory, CancellationToken cancellationToken)
    {
        var root = directory.SourcePath!;
        await writer.WriteEntryAsync(Entry(TarEntryType.Directory, directory.Path, ModeOf(root), directory.Owner), cancellationToken).ConfigureAwait(false);
        foreach (var entry in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var target = directory.Path.TrimEnd('/') + "/" + Path.GetRelativePath(root, entry).Replace('\\', '/');
            if (Directory.Exists(entry))
            {
                await writer.WriteEntryAsync(Entry(TarEntryType.Directory, target, ModeOf(entry), directory.Owner), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await using var stream = File.OpenRead(entry);
                await AddAsync(writer, target, stream, directory.Mode ?? ModeOf(entry), directory.Owner, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task AddAsync(TarWriter writer, string path, Stream content, UnixFileMode mode, (int Uid, int Gid)? owner, CancellationToken cancellationToken)
    {
        var entry = Entry(TarEntryType.RegularFile, path, mode, owner);
        entry.DataStream = content;
        await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    // Windows has no Unix modes: files get 0644 there, directories 0755.
    private static UnixFileMode ModeOf(string path) =>
        OperatingSystem.IsWindows() ? (Directory.Exists(path) ? (UnixFileMode)0b111_101_101 : DefaultFileMode) : File.GetUnixFileMode(path);

    private static PaxTarEntry Entry(TarEntryType type, string path, UnixFileMode mode, (int Uid, int Gid)? owner) =>
        new(type, path.TrimStart('/'))
        {
            Mode = mode,
            Uid = owner?.Uid ?? 0,
            Gid = owner?.Gid ?? 0,
            ModificationTime = DateTimeOffset.UtcNow,
        };
}
