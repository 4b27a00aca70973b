using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Testkit.Containers;
using Testkit.Engine;
using Testkit.Images;

namespace Testkit.Postgres.Snapshots;

/// <summary>Decides, on a container's first start, whether it starts from a snapshot, making the snapshot first if there
/// is none yet for its configuration, and adjusts its settings accordingly.</summary>
internal static class SnapshotStarter
{
    private const string DataDirectoryVariable = "PGDATA";
    private const string InitScriptDirectory = "/docker-entrypoint-initdb.d/";

    // How stale a snapshot's recorded last use may get: well inside SnapshotRetention.RecentUse, so that the retention
    // policy never takes a snapshot in use for an idle one, at one tag request per snapshot every ten minutes at most.
    private static readonly TimeSpan TouchEvery = TimeSpan.FromMinutes(10);

    /// <summary>What to create the container with, and the snapshot it starts from (null: it initialises itself).</summary>
    /// <param name="start">The container as described, with its resolved image.</param>
    /// <param name="password">The container's password, which a start from a snapshot gives the server.</param>
    /// <param name="offReason">Why snapshots are off for this container, or null when they are on.</param>
    /// <param name="cancellationToken">Ends the wait for a snapshot another test is making, and the making.</param>
    public static async Task<(PreparedStart Start, string? Snapshot)> PrepareAsync(
        PreparedStart start, string password, string? offReason, CancellationToken cancellationToken)
    {
        var settings = start.Settings;
        var logger = settings.Logger ?? NullLogger.Instance;
        if (offReason is not null)
        {
            logger.SnapshotsOff(offReason);
            return (start, null);
        }

        // The image's own data directory is a volume, which a commit leaves out: unless told otherwise, use one beside it.
        var describedDataDirectory = settings.Environment.GetValueOrDefault(DataDirectoryVariable);
        var dataDirectory = describedDataDirectory ?? PostgresSnapshots.DataDirectory;
        if (OnMount(settings, dataDirectory) is { } reason)
        {
            logger.SnapshotsOff(reason);
            return (start, null);
        }

        var engine = await DockerEngine.GetSharedAsync(logger, cancellationToken).ConfigureAwait(false);
        var (baseImage, inspected) = (start.Image.Reference, start.Image.Info);

        // A mount where the image keeps its data (a volume at /var/lib/postgresql/data) is where the user wants the data to
        // live and persist: moving PGDATA beside it for a snapshot would leave the mount empty and lose what is written.
        var imageDataDirectory = describedDataDirectory ?? inspected.Environment.GetValueOrDefault(DataDirectoryVariable) ?? PostgresSnapshots.ImageDataDirectory;
        if (OnMount(settings, imageDataDirectory) is { } mounted)
        {
            logger.SnapshotsOff(mounted);
            return (start, null);
        }

        if (inspected.Volumes.FirstOrDefault(v => Contains(v, dataDirectory)) is { } volume)
        {
            logger.SnapshotsOff($"the data directory {dataDirectory} is inside the image's volume {volume}, which a commit leaves out; set PGDATA elsewhere");
            return (start, null);
        }

        var prepared = settings with { Environment = settings.Environment.SetItem(DataDirectoryVariable, dataDirectory) };
        var key = await SnapshotKey.ComputeAsync(prepared, inspected.Id, dataDirectory, cancellationToken).ConfigureAwait(false);

        // The image's volumes (its default data directory) now hold nothing: an empty tmpfs there spares the engine
        // creating and removing an anonymous volume for each container (about 40–50 ms of each create, measured here).
        prepared = prepared with
        {
            Mounts = prepared.Mounts.AddRange(inspected.Volumes
                .Where(volume => !prepared.Mounts.Any(m => m.Target.TrimEnd('/') == volume.TrimEnd('/')))
                .Select(volume => new Mount(MountType.Tmpfs, "", volume))),
        };
        var found = await SnapshotStore.FindAsync(engine, key, cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            using (await SnapshotStore.LockAsync(key, cancellationToken).ConfigureAwait(false))
            {
                // Another test of this process may have made it while this one waited.
                found = await SnapshotStore.FindAsync(engine, key, cancellationToken).ConfigureAwait(false);
                if (found is null && await SnapshotSeeder.SeedAsync(engine, prepared, baseImage, key, dataDirectory, logger, cancellationToken).ConfigureAwait(false) is not null)
                {
                    found = await SnapshotStore.FindAsync(engine, key, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        else if (DateTimeOffset.UtcNow - found.LastUsed > TouchEvery)
        {
            // Marking the snapshot as used is for the retention policy only: beside the start rather than before it.
            _ = SnapshotStore.TouchAsync(engine, found.Name!, logger);
        }

        if (found?.Name is not { } snapshot || found.Image is not { } snapshotImage)
        {
            return (start with { Settings = prepared }, null);
        }

        logger.SnapshotFound(snapshot, key[..12]);

        // The snapshot already holds what the init scripts made, and the entrypoint would skip them anyway.
        var entrypoint = prepared.Entrypoint ?? inspected.Entrypoint ?? [];
        var settingsFromSnapshot = SnapshotPassword.Apply(prepared, entrypoint, password) with
        {
            Image = snapshot,

            // A snapshot exists on this engine only: never ask a registry for it (one removed meanwhile fails at once).
            PullPolicy = PullPolicy.Never,
            Files = [.. prepared.Files.Where(f => !f.Path.StartsWith(InitScriptDirectory, StringComparison.Ordinal))],

            // As the data directory's owner, the entrypoint skips its root-only steps (a chown walk over the data directory
            // and a second shell through gosu): 50–100 ms of every start, measured here.
            User = prepared.User ?? (string.IsNullOrEmpty(found.DataOwner) ? null : found.DataOwner),
        };

        // Found by its name a moment ago: what the lookup learnt is the start's resolution of the snapshot image.
        return (new PreparedStart(settingsFromSnapshot, new ResolvedImage(snapshot, snapshot, snapshotImage)), snapshot);
    }

    /// <summary>Why snapshots are off when a described mount holds <paramref name="dataDirectory"/>, else null.</summary>
    private static string? OnMount(ContainerSettings settings, string dataDirectory) =>
        settings.Mounts.FirstOrDefault(m => Contains(m.Target, dataDirectory)) is { } mount
            ? $"the data directory {dataDirectory} is on a {mount.Type} mount at {mount.Target}: the data lives there, and a commit cannot take it"
            : null;

    /// <summary>Whether <paramref name="path"/> is <paramref name="directory"/> or inside it.</summary>
    internal static bool Contains(string directory, string path)
    {
        var parent = directory.TrimEnd('/') + "/";
        return (path.TrimEnd('/') + "/").StartsWith(parent, StringComparison.Ordinal);
    }
}
