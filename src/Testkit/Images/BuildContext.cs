using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;

namespace Testkit.Images;

/// <summary>The files of a build context that <c>.dockerignore</c> lets through, in the order and with the metadata
/// they are sent in: walked as Docker's CLI walks them (names sorted byte-wise, depth first), with the modification
/// time fixed and owner 0:0 so that the same files always give the same hash and the same tar.</summary>
internal sealed class BuildContext
{
    /// <summary>The modification time of every entry, as reproducible-build tools use: the engine's layer cache ignores
    /// it, and a fixed value keeps the tar identical between runs.</summary>
    public static readonly DateTimeOffset FixedModificationTime = DateTimeOffset.UnixEpoch;

    private const UnixFileMode WindowsMode = (UnixFileMode)0b111_101_101; // 0755, what the docker CLI sends from Windows

    private readonly List<Entry> entries;
    private readonly Dictionary<string, byte[]> replaced = new(StringComparer.Ordinal);

    private BuildContext(string directory, List<Entry> entries)
    {
        Directory = directory;
        this.entries = entries;
    }

    /// <summary>The context directory, absolute.</summary>
    public string Directory { get; }

    /// <summary>How many files, directories and links are sent.</summary>
    public int Count => entries.Count(e => !replaced.ContainsKey(e.Path)) + replaced.Count;

    /// <summary>The total size of the files sent, in bytes.</summary>
    public long Bytes => entries.Sum(e => e.Size);

    /// <summary>Walks <paramref name="directory"/>, leaving out what <paramref name="ignore"/> excludes.</summary>
    public static BuildContext Scan(string directory, DockerIgnore ignore, CancellationToken cancellationToken)
    {
        var entries = new List<Entry>();
        Walk(new DirectoryInfo(directory), "", ignore, null, entries, cancellationToken);
        return new BuildContext(directory, entries);
    }

    /// <summary>True when the walk kept <paramref name="path"/> (relative, <c>/</c>-separated).</summary>
    public bool Contains(string path) => entries.Any(e => e.Path == path);

    /// <summary>Sends <paramref name="content"/> as the file <paramref name="path"/> at the context root, instead of
    /// the file of that name if there is one (a generated Dockerfile, an amended <c>.dockerignore</c>).</summary>
    public void Replace(string path, byte[] content) => replaced[path] = content;

    /// <summary>Adds every sent path, type, mode, size, link target and content to <paramref name="hash"/>.</summary>
    public async Task HashAsync(IncrementalHash hash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hash);
        var buffer = new byte[81920];
        foreach (var entry in entries)
        {
            if (replaced.ContainsKey(entry.Path))
            {
                continue;
            }

            Field(hash, $"{entry.Path}\0{entry.Type}\0{(int)entry.Mode}\0{entry.Size}\0{entry.LinkTarget}");
            if (entry.Type == TarEntryType.RegularFile)
            {
                await using var file = OpenRead(entry.FullPath);
                int read;
                while ((read = await file.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                }
            }
        }

        foreach (var (path, content) in replaced.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            Field(hash, $"{path}\0replaced\0{content.Length}");
            hash.AppendData(content);
        }
    }

    /// <summary>Writes the context as a tar into a temporary file that is deleted when the stream is closed, so a large
    /// context is streamed to the engine and never held in memory.</summary>
    public async Task<Stream> WriteTarAsync(CancellationToken cancellationToken)
    {
        var tar = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            await using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
            {
                foreach (var entry in entries)
                {
                    if (replaced.ContainsKey(entry.Path))
                    {
                        continue;
                    }

                    var header = new PaxTarEntry(entry.Type, entry.Type == TarEntryType.Directory ? entry.Path + "/" : entry.Path)
                    {
                        Mode = entry.Mode,
                        Uid = 0,
                        Gid = 0,
                        ModificationTime = FixedModificationTime,
                    };
                    if (entry.Type == TarEntryType.SymbolicLink)
                    {
                        header.LinkName = entry.LinkTarget!;
                    }

                    if (entry.Type == TarEntryType.RegularFile)
                    {
                        await using var file = OpenRead(entry.FullPath);
                        header.DataStream = file;
                        await writer.WriteEntryAsync(header, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await writer.WriteEntryAsync(header, cancellationToken).ConfigureAwait(false);
                    }
                }

                foreach (var (path, content) in replaced.OrderBy(r => r.Key, StringComparer.Ordinal))
                {
                    var header = new PaxTarEntry(TarEntryType.RegularFile, path)
                    {
                        Mode = (UnixFileMode)0b110_000_000, // 0600, as the docker CLI sends the files it generates
                        ModificationTime = FixedModificationTime,
                        DataStream = new MemoryStream(content, writable: false),
                    };
                    await writer.WriteEntryAsync(header, cancellationToken).ConfigureAwait(false);
                }
            }

            tar.Position = 0;
            return tar;
        }
        catch
        {
            await tar.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Docker's <c>TarWithOptions</c> walk: an excluded file is left out; an excluded directory is left out
    /// with everything under it, unless an exception names a path under it, in which case only the paths that the
    /// exceptions re-include are sent (the directory entry itself is not).</summary>
    private static void Walk(DirectoryInfo directory, string relative, DockerIgnore ignore, bool[]? parentMatched, List<Entry> entries, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var item in directory.EnumerateFileSystemInfos().OrderBy(i => i.Name, StringComparer.Ordinal))
        {
            var path = relative.Length == 0 ? item.Name : relative + "/" + item.Name;
            var (excluded, matched) = ignore.IsExcludedInWalk(path, parentMatched);
            var isDirectory = item is DirectoryInfo && item.LinkTarget is null;
            if (excluded && !(isDirectory && ignore.HasExceptions && ignore.MayReinclude(path)))
            {
                continue;
            }

            if (item.LinkTarget is { } target)
            {
                // Sent as the link itself, never followed, as the CLI does.
                entries.Add(new Entry(path, item.FullName, TarEntryType.SymbolicLink, (UnixFileMode)0b111_111_111, 0, target));
            }
            else if (isDirectory)
            {
                if (!excluded)
                {
                    entries.Add(new Entry(path, item.FullName, TarEntryType.Directory, ModeOf(item), 0, null));
                }

                Walk((DirectoryInfo)item, path, ignore, matched, entries, cancellationToken);
            }
            else if (item is FileInfo file)
            {
                entries.Add(new Entry(path, item.FullName, TarEntryType.RegularFile, ModeOf(item), file.Length, null));
            }
        }
    }

    private static UnixFileMode ModeOf(FileSystemInfo item) => OperatingSystem.IsWindows() ? WindowsMode : item.UnixFileMode;

    private static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);

    private static void Field(IncrementalHash hash, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        hash.AppendData(BitConverter.GetBytes(bytes.Length));
        hash.AppendData(bytes);
    }

    private sealed record Entry(string Path, string FullPath, TarEntryType Type, UnixFileMode Mode, long Size, string? LinkTarget);
}
