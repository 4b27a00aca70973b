using Docker.DotNet;
using Docker.DotNet.Models;
using Testkit.Images;

namespace Testkit.Containers;

// Files in and out of the container, and the container saved as an image.
public partial class Container
{
    /// <summary>Copies files into the container (running or not), as <c>docker cp</c> does.</summary>
    public async Task CopyToContainerAsync(IEnumerable<ContainerFile> files, CancellationToken cancellationToken = default)
    {
        await using var tar = await ContainerArchive.CreateAsync(files, cancellationToken).ConfigureAwait(false);
        await Engine.Client.Containers.ExtractArchiveToContainerAsync(Id, new CopyToContainerParameters { Path = "/" }, tar, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes <paramref name="content"/> to a file inside the container.</summary>
    public Task CopyToContainerAsync(string containerPath, ReadOnlyMemory<byte> content, UnixFileMode? mode = null, CancellationToken cancellationToken = default) =>
        CopyToContainerAsync([new ContainerFile(containerPath, content, null, mode)], cancellationToken);

    /// <summary>Reads a file from the container (running or stopped); a symbolic link is read as the file it points to.</summary>
    /// <exception cref="TestkitException">The path does not exist, or is a directory or another kind of file that is not a regular file.</exception>
    public async Task<byte[]> ReadFileAsync(string containerPath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(containerPath);
        var (stat, body) = await GetArchiveAsync(containerPath, cancellationToken).ConfigureAwait(false);
        var path = $"'{containerPath}'";
        if (ContainerArchive.KindOf(stat.Mode) == ContainerPathKind.SymbolicLink)
        {
            // The engine's archive of a link holds only the link; its stat gives the target fully resolved inside the
            // container, which is what cat would read.
            await body.DisposeAsync().ConfigureAwait(false);
            path = $"'{containerPath}' (a symbolic link to '{stat.LinkTarget}')";
            (stat, body) = await GetArchiveAsync(stat.LinkTarget, cancellationToken, path).ConfigureAwait(false);
        }

        await using (body)
        {
            switch (ContainerArchive.KindOf(stat.Mode))
            {
                case ContainerPathKind.Directory:
                    // Refused before the body is read: the archive of a directory is all of its files.
                    throw new TestkitException($"{path} in container {ShortId} is a directory: ReadFileAsync reads one file. "
                                               + $"Copy a directory out with CopyFromContainerAsync(\"{containerPath}\", hostDirectory), or read a file inside it.");
                case ContainerPathKind.File:
                    return await ContainerArchive.ReadOnlyFileAsync(body, containerPath, cancellationToken).ConfigureAwait(false);

                default:
                    throw new TestkitException($"{path} in container {ShortId} is not a regular file (a device, pipe or socket) and has no content to read. "
                                               + "Give the path of a regular file.");
            }
        }
    }

    /// <summary>Copies a file or directory out of the container into <paramref name="hostDirectory"/>.</summary>
    /// <exception cref="TestkitException">The path does not exist in the container.</exception>
    public async Task CopyFromContainerAsync(string containerPath, string hostDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(containerPath);
        Directory.CreateDirectory(hostDirectory);
        var (_, body) = await GetArchiveAsync(containerPath, cancellationToken).ConfigureAwait(false);
        await using (body)
        {
            await using var tar = await ContainerArchive.BufferAsync(body, cancellationToken).ConfigureAwait(false);
            await System.Formats.Tar.TarFile.ExtractToDirectoryAsync(tar, hostDirectory, overwriteFiles: true, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Saves the container's files and settings (running or stopped) as the image <paramref name="repository"/>:<paramref name="tag"/>
    /// (<c>latest</c> when null), like <c>docker commit --change 'CMD …' --change 'ENV …'</c>: <paramref name="command"/>
    /// replaces the CMD, <paramref name="environment"/> sets variables. The image carries the session labels and is
    /// removed when the returned handle is disposed.</summary>
    /// <exception cref="ArgumentException">The repository has a tag, or the tag, command or a variable name is not valid.</exception>
    /// <exception cref="TestkitException">The engine refused, e.g. the container was removed.</exception>
    public Task<BuiltImage> CommitAsync(
        string repository, string? tag = null, string? message = null, IReadOnlyList<string>? command = null,
        IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default) =>
        ContainerCommit.CommitAsync(Engine, Id, repository, tag, message, command, environment, logger, cancellationToken);

    /// <summary>The engine's stat of <paramref name="containerPath"/> and its tar body, not yet read; <paramref name="named"/>
    /// is how a missing path is named in the error (a link that led there, say).</summary>
    private async Task<(ContainerPathStatResponse Stat, Stream Body)> GetArchiveAsync(string containerPath, CancellationToken cancellationToken, string? named = null)
    {
        try
        {
            var archive = await Engine.Client.Containers.GetArchiveFromContainerAsync(
                Id, new ContainerPathStatParameters { Path = containerPath }, false, cancellationToken).ConfigureAwait(false);
            return (archive.Stat, archive.Stream ?? Stream.Null);
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new TestkitException(named is null
                ? $"'{containerPath}' does not exist in container {ShortId}. Check the path (it is absolute, inside the container)."
                : $"{named} in container {ShortId} leads nowhere: '{containerPath}' does not exist. Check the link's target.", e);
        }
    }
}
