using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Testkit.Cleanup;
using Testkit.Engine;
using Testkit.Images;

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
        var image = await engine.Images.InspectAsync(NameOf(key), cancellationToken).ConfigureAwait(false);
        if (image is null || !image.Labels.TryGetValue(PostgresSnapshots.KeyLabel, out var found) || found != key)
        {
            return null;
        }

        return new SnapshotInfo(image.Id, NameOf(key), key, LastUse(image), image.Labels.GetValueOrDefault(PostgresSnapshots.DataOwnerLabel), image);
    }

    /// <summary>Commits the stopped container as the snapshot for <paramref name="key"/> and returns its name. When another
    /// process named one first, that one stays and this commit is removed again.</summary>
    public static async Task<string> CommitAsync(
        DockerEngine engine, string containerId, string key, string baseImage, string? dataOwner, CancellationToken cancellationToken)
    {
        // The session's labels, and kept only once tagged: labels cannot change after the commit, and a process killed
        // between the commit and the tag would leave an untagged 50 MB image that no session cleanup claims (a snapshot
        // that names no session) and retention only removes an hour later. Tagged, it outlives the session as before.
        var labels = new Dictionary<string, string>
        {
            [ResourceLabels.Keep] = ResourceLabels.KeepOnceTagged,
            [PostgresSnapshots.KeyLabel] = key,
            [PostgresSnapshots.ModuleLabel] = PostgresSnapshots.ModuleName,
            [PostgresSnapshots.BaseImageLabel] = baseImage,
            [PostgresSnapshots.DataOwnerLabel] = dataOwner ?? "",
        };

        var committed = await engine.Images.CommitAsync(containerId, new ImageCommitOptions
        {
            Comment = Comment,
            Labels = labels,

            // The seed's random password is of no use to anyone: keep it out of the image's configuration.
            Environment = new Dictionary<string, string> { [PostgresContainer.PasswordVariable] = "" },
        }, cancellationToken).ConfigureAwait(false);

        // Committed without a name, then named only if no other process named one meanwhile: a loser never moves the tag.
        var name = NameOf(key);
        if (await FindAsync(engine, key, cancellationToken).ConfigureAwait(false) is null)
        {
            await engine.Images.TagAsync(committed, name, cancellationToken).ConfigureAwait(false);
        }

        if ((await engine.Images.InspectAsync(name, cancellationToken).ConfigureAwait(false))?.Id != committed)
        {
            await engine.Images.TryRemoveAsync(committed, CancellationToken.None).ConfigureAwait(false);
        }

        return name;
    }

    /// <summary>Marks the snapshot as used now (tagging sets the image's last tag time), for the retention policy.</summary>
    public static async Task TouchAsync(DockerEngine engine, string name, ILogger logger)
    {
        try
        {
            await engine.Images.TagAsync(name, name, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TestkitException or HttpRequestException or IOException)
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
        var images = await engine.Images.ListAsync(new Dictionary<string, string> { [PostgresSnapshots.ModuleLabel] = module }, cancellationToken).ConfigureAwait(false);
        return [.. images
            .Select(image => (Image: image, Name: image.Tags.FirstOrDefault(t => t.StartsWith(PostgresSnapshots.Repository + ":", StringComparison.Ordinal))))
            .Where(i => i.Image.Comment == Comment && (i.Name is not null || i.Image.Tags.Count == 0))
            .Select(i => new SnapshotInfo(i.Image.Id, i.Name, i.Image.Labels.GetValueOrDefault(PostgresSnapshots.KeyLabel) ?? "", LastUse(i.Image)))];
    }

    /// <summary>Removes what <paramref name="retention"/> no longer keeps; a snapshot in use by a container stays.</summary>
    public static async Task<IReadOnlyList<string>> PruneAsync(
        DockerEngine engine, SnapshotRetention retention, DateTimeOffset now, ILogger logger, CancellationToken cancellationToken, string module = PostgresSnapshots.ModuleName)
    {
        var removed = new List<string>();
        foreach (var snapshot in retention.SelectForRemoval(await ListAsync(engine, module, cancellationToken).ConfigureAwait(false), now))
        {
            // By name first: removing a tagged image by id would also drop other tags someone gave it.
            if (await engine.Images.TryRemoveAsync(snapshot.Name ?? snapshot.Id, cancellationToken).ConfigureAwait(false) is { } refusal)
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
    private static DateTimeOffset LastUse(ImageInfo image) =>
        new[] { image.Created, image.LastTagged }.Max() ?? DateTimeOffset.MinValue;

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
