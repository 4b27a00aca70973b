using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Testkit.Cleanup;
using Testkit.Engine;
using Testkit.Images;
using Testkit.Networks;

// The tests drive the retention policy and the race between two commits on images of their own.
[assembly: InternalsVisibleTo("Testkit.Postgres.Tests")]

namespace Testkit.Postgres.Snapshots;

/// <summary>Snapshot images on the engine: found by key, made from a stopped container, marked as used, pruned. The engine
/// is the lock between processes (a tag names one image); a semaphore per key is the lock within this one.</summary>
internal static class SnapshotStore
{
    /// <summary>The commit message of every snapshot. Labels pass on to images made from a snapshot (a user's commit of a
    /// container started from one, a build <c>FROM</c> one); an image's comment does not, so it tells snapshots apart.</summary>
    public const string Comment = "Testkit snapshot: an initialised PostgreSQL data directory";

    private const int TagLength = 32;

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    public static string NameOf(string key) => $"{PostgresSnapshots.Repository}:{key[..TagLength]}";

    /// <summary>Serialises the making of one snapshot within this process: the second test waits and starts from the first's.</summary>
    public static async Task<IDisposable> LockAsync(string key, CancellationToken cancellationToken)
    {
        var gate = Gates.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(gate);
    }

    /// <summary>The snapshot for <paramref name="key"/>, or null when the engine has none.</summary>
    public static async Task<SnapshotInfo?> FindAsync(DockerEngine engine, string key, CancellationToken cancellationToken)
    {
        var image = await ImageCleanup.InspectAsync(engine, NameOf(key), cancellationToken).ConfigureAwait(false);
        if (image?.Config?.Labels is not { } labels || !labels.TryGetValue(PostgresSnapshots.KeyLabel, out var found) || found != key)
        {
            return null;
        }

        var owner = labels.TryGetValue(PostgresSnapshots.DataOwnerLabel, out var dataOwner) ? dataOwner : null;
        return new SnapshotInfo(image.ID, NameOf(key), key, LastUse(image.Created, image.Metadata?.LastTagTime), owner);
    }

    /// <summary>Commits the stopped container as the snapshot for <paramref name="key"/> and returns its name. When another
    /// process named one first, that one stays and this commit is removed again.</summary>
    public static async Task<string> CommitAsync(
        DockerEngine engine, string containerId, string key, string baseImage, string? dataOwner, CancellationToken cancellationToken)
    {
        // The session's labels, and kept only once tagged: labels cannot change after the commit, and a process killed
        // between the commit and the tag would leave an untagged 50 MB image that no session cleanup claims (a snapshot
        // that names no session) and retention only removes an hour later. Tagged, it outlives the session as before.
        var labels = new Dictionary<string, string>(ResourceLabels.ForThisSession)
        {
            [ResourceLabels.Keep] = ResourceLabels.KeepOnceTagged,
            [PostgresSnapshots.KeyLabel] = key,
            [PostgresSnapshots.ModuleLabel] = PostgresSnapshots.ModuleName,
            [PostgresSnapshots.BaseImageLabel] = baseImage,
            [PostgresSnapshots.DataOwnerLabel] = dataOwner ?? "",
        };

        var committed = await engine.Client.Images.CommitContainerChangesAsync(new CommitContainerChangesParameters
        {
            ContainerID = containerId,
            Comment = Comment,
            Labels = labels,

            // The seed's random password is of no use to anyone: keep it out of the image's configuration.
            Env = [$"{PostgresContainer.PasswordVariable}="],
        }, cancellationToken).ConfigureAwait(false);

        // Committed without a name, then named only if no other process named one meanwhile: a loser never moves the tag.
        var name = NameOf(key);
        if (await FindAsync(engine, key, cancellationToken).ConfigureAwait(false) is null)
        {
            await engine.Client.Images.TagImageAsync(committed.ID, new ImageTagParameters { RepositoryName = PostgresSnapshots.Repository, Tag = key[..TagLength] }, cancellationToken).ConfigureAwait(false);
        }

        if ((await ImageCleanup.InspectAsync(engine, name, cancellationToken).ConfigureAwait(false))?.ID != committed.ID)
        {
            await TryDeleteAsync(engine, committed.ID, CancellationToken.None).ConfigureAwait(false);
        }

        return name;
    }

    /// <summary>Marks the snapshot as used now (tagging sets the image's last tag time), for the retention policy.</summary>
    public static async Task TouchAsync(DockerEngine engine, string name, ILogger logger)
    {
        try
        {
            var reference = ImageReference.Parse(name);
            await engine.Client.Images.TagImageAsync(name, new ImageTagParameters { RepositoryName = reference.Repository, Tag = reference.EffectiveTag }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException)
        {
            // Only the retention policy would miss it: this use then counts from the snapshot's last use before.
            logger.SnapshotTouchFailed(name, e.Message);
        }
    }

    /// <summary>Every snapshot image of the module with its last use: named in <see cref="PostgresSnapshots.Repository"/>, or
    /// dangling (no name at all); images made from a snapshot, which carry its labels, are not snapshots.</summary>
    /// <param name="engine">The engine.</param>
    /// <param name="module">The module label's value: <c>postgres</c>; tests pass their own to see only their images.</param>
    /// <param name="cancellationToken">Ends the listing.</param>
    public static async Task<IReadOnlyList<SnapshotInfo>> ListAsync(DockerEngine engine, string module, CancellationToken cancellationToken)
    {
        var images = await engine.Client.Images.ListImagesAsync(new ImagesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{PostgresSnapshots.ModuleLabel}={module}"] = true },
            },
        }, cancellationToken).ConfigureAwait(false);

        // The list has neither the comment nor the last tag time: inspect each (a handful of images).
        var snapshots = await Task.WhenAll(images.Select(async image =>
        {
            var inspected = await ImageCleanup.InspectAsync(engine, image.ID, cancellationToken).ConfigureAwait(false);
            var tags = image.RepoTags?.Where(t => t != "<none>:<none>").ToList() ?? [];
            var name = tags.FirstOrDefault(t => t.StartsWith(PostgresSnapshots.Repository + ":", StringComparison.Ordinal));
            if (inspected?.Comment != Comment || (name is null && tags.Count > 0))
            {
                return null;
            }

            var key = image.Labels is { } labels && labels.TryGetValue(PostgresSnapshots.KeyLabel, out var k) ? k : "";
            return new SnapshotInfo(image.ID, name, key, LastUse(inspected.Created ?? image.Created, inspected.Metadata?.LastTagTime));
        })).ConfigureAwait(false);
        return [.. snapshots.OfType<SnapshotInfo>()];
    }

    /// <summary>Removes what <paramref name="retention"/> no longer keeps; a snapshot in use by a container stays.</summary>
    public static async Task<IReadOnlyList<string>> PruneAsync(
        DockerEngine engine, SnapshotRetention retention, DateTimeOffset now, ILogger logger, CancellationToken cancellationToken, string module = PostgresSnapshots.ModuleName)
    {
        var removed = new List<string>();
        foreach (var snapshot in retention.SelectForRemoval(await ListAsync(engine, module, cancellationToken).ConfigureAwait(false), now))
        {
            // By name first: removing a tagged image by id would also drop other tags someone gave it.
            if (await TryDeleteAsync(engine, snapshot.Name ?? snapshot.Id, cancellationToken).ConfigureAwait(false) is { } refusal)
            {
                logger.SnapshotKept(snapshot.Name ?? snapshot.Id, refusal);
                continue;
            }

            logger.SnapshotRemoved(snapshot.Name ?? snapshot.Id, (now - snapshot.LastUsed).TotalDays);
            removed.Add(snapshot.Name ?? snapshot.Id);
        }

        return removed;
    }

    /// <summary>Made, or last tagged (as starts from it do, see <see cref="TouchAsync"/>), whichever is later.</summary>
    private static DateTimeOffset LastUse(DateTime? created, DateTime? lastTagged)
    {
        static DateTimeOffset Utc(DateTime? time) =>
            time is { } t && t > DateTime.MinValue ? new DateTimeOffset(t.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : t.ToUniversalTime()) : DateTimeOffset.MinValue;

        var (made, tagged) = (Utc(created), Utc(lastTagged));
        return made > tagged ? made : tagged;
    }

    /// <summary>Removes an image by name or id; null when it is gone, else the engine's reason (e.g. a container uses it).</summary>
    private static async Task<string?> TryDeleteAsync(DockerEngine engine, string nameOrId, CancellationToken cancellationToken)
    {
        try
        {
            await engine.Client.Images.DeleteImageAsync(nameOrId, new ImageDeleteParameters { Force = false }, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            return EngineErrorText.Of(e);
        }
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
