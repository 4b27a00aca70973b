using System.Formats.Tar;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Testkit.Containers;

// What a path in the container is, without reading its content.
public partial class Container
{
    /// <summary>The owner, mode, size and kind of <paramref name="containerPath"/> (running or stopped container), or null
    /// when there is nothing at that path. A symbolic link is described as the link.</summary>
    public async Task<ContainerPathInfo?> GetPathInfoAsync(string containerPath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(containerPath);
        Stream? body;
        try
        {
            body = (await Engine.Client.Containers.GetArchiveFromContainerAsync(
                Id, new ContainerPathStatParameters { Path = containerPath }, statOnly: false, cancellationToken).ConfigureAwait(false)).Stream;
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        // The archive's first entry is the path itself; only its header is read, not what a directory holds.
        await using var stream = body ?? Stream.Null;
        await using var tar = new TarReader(stream);
        if (await tar.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is not { } entry)
        {
            return null;
        }

        return new ContainerPathInfo(
            containerPath,
            entry.EntryType == TarEntryType.Directory,
            entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile ? entry.Length : 0,
            entry.Mode,
            entry.Uid,
            entry.Gid,
            entry.ModificationTime,
            entry.EntryType == TarEntryType.SymbolicLink ? entry.LinkName : null);
    }
}
