using System.Formats.Tar;

namespace Testkit.Containers;

/// <summary>Moves files in and out of containers as the tar streams the engine speaks.</summary>
internal static class ContainerArchive
{
    private const UnixFileMode DefaultFileMode = (UnixFileMode)0b110_100_100; // 0644

    // Go's os.FileMode type bits, as the engine's path stat carries them: directory, symlink, and the rest of ModeType
    // (device, named pipe, socket, character device, irregular).
    private const uint GoModeDirectory = 1u << 31;
    private const uint GoModeSymlink = 1u << 27;
    private const uint GoModeType = GoModeDirectory | GoModeSymlink | (1u << 26) | (1u << 25) | (1u << 24) | (1u << 21) | (1u << 19);

    /// <summary>Writes the files into a temporary tar file (on disk, not in memory) positioned at its start.</summary>
    public static async Task<Stream> CreateAsync(IEnumerable<ContainerFile> files, CancellationToken cancellationToken)
    {
        var tar = TemporaryFile();
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

    /// <summary>Reads a tar body from the engine to its end into a temporary file (on disk, not in memory) positioned at its start.</summary>
    /// <remarks>The tar reader's small reads trip the engine client's chunked stream at the end of the body
    /// (<see cref="EndOfStreamException"/> once a file has 512 bytes or more): large sequential reads of the whole body do not.</remarks>
    public static async Task<Stream> BufferAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffered = TemporaryFile();
        try
        {
            await body.CopyToAsync(buffered, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await buffered.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        buffered.Position = 0;
        return buffered;
    }

    /// <summary>The content of the regular file the engine's tar body of one file holds.</summary>
    public static async Task<byte[]> ReadOnlyFileAsync(Stream body, string path, CancellationToken cancellationToken)
    {
        await using var tar = await BufferAsync(body, cancellationToken).ConfigureAwait(false);
        await using var reader = new TarReader(tar);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile)
            {
                // An empty file has no data stream.
                using var content = new MemoryStream(checked((int)entry.Length));
                if (entry.DataStream is { } data)
                {
                    await data.CopyToAsync(content, cancellationToken).ConfigureAwait(false);
                }

                return content.ToArray();
            }
        }

        throw new TestkitException($"The engine's archive of '{path}' holds no regular file although its stat said it is one. "
                                   + "Copy it out with CopyFromContainerAsync to see what the archive holds.");
    }

    /// <summary>What kind of file the engine's stat of a path (a Go <c>os.FileMode</c>) describes.</summary>
    public static ContainerPathKind KindOf(uint mode) =>
        (mode & GoModeType) switch
        {
            0 => ContainerPathKind.File,
            GoModeDirectory => ContainerPathKind.Directory,
            GoModeSymlink => ContainerPathKind.SymbolicLink,
            _ => ContainerPathKind.Other,
        };

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

    private static FileStream TemporaryFile() =>
        new(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);

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

/// <summary>The kinds of path <see cref="ContainerArchive.KindOf"/> tells apart.</summary>
internal enum ContainerPathKind
{
    File,
    Directory,
    SymbolicLink,
    Other,
}
