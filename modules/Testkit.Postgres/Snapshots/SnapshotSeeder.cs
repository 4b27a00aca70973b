using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Testkit.Containers;
using Testkit.Engine;
using Testkit.Waiting;

namespace Testkit.Postgres.Snapshots;

/// <summary>Makes a snapshot: a seed container runs initdb and the init scripts as the image's entrypoint does, is stopped
/// cleanly, and is committed. The test's own container then starts from the snapshot like every later one.</summary>
/// <remarks>Why a seed container stopped with SIGINT rather than committing the test's container while it runs: a commit of
/// a running server is only crash-consistent, so every start from it would run crash recovery and an end-of-recovery
/// checkpoint (about 30–40 ms measured here, each time), and the snapshot could hold whatever the test wrote meanwhile.
/// The seed costs one clean stop and one more start, once per configuration and machine.</remarks>
internal static class SnapshotSeeder
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(30);

    // The real server is up only after the init phase: stopping it then leaves a cleanly shut down data directory.
    private static readonly IWaitStrategy Initialised =
        Wait.ForLogMessage("database system is ready to accept connections").AfterLine("PostgreSQL init process complete");

    /// <summary>Seeds and commits the snapshot for <paramref name="key"/>; returns its name, or null when the image left no
    /// data directory to commit or the engine refused the commit (logged: the caller initialises its own container).</summary>
    /// <exception cref="ContainerExitedException">The initialisation failed (an init script, a server setting): the error a
    /// container without snapshots would have given.</exception>
    public static async Task<string?> SeedAsync(
        DockerEngine engine, ContainerSettings settings, string baseImage, string key, string dataDirectory, ILogger logger, CancellationToken cancellationToken)
    {
        var name = SnapshotStore.NameOf(key);
        logger.SnapshotSeeding(baseImage, name);
        var clock = Stopwatch.StartNew();
        var seed = new Container(settings with
        {
            Image = baseImage,
            PullPolicy = Images.PullPolicy.Never,   // resolved (and pulled, if it had to be) just before
            Name = null,
            Ports = [],
            Networks = [],
            OutputConsumers = [],
            Reuse = false,
            Module = null,   // never a developer's dev service: the seed is stopped and committed
            AutoRemove = false,
            RestartPolicy = Containers.RestartPolicy.No,

            // A password of its own that nobody learns: each start from the snapshot sets its container's.
            Environment = settings.Environment.SetItem(PostgresContainer.PasswordVariable, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))),
            WaitStrategies = [Initialised],
        });
        await using (seed.ConfigureAwait(false))
        {
            await seed.StartAsync(cancellationToken).ConfigureAwait(false);
            var initialised = clock.ElapsedMilliseconds;
            await seed.StopAsync(StopGrace, cancellationToken).ConfigureAwait(false);
            var stopped = clock.ElapsedMilliseconds;
            if (await DataOwnerAsync(seed, dataDirectory, cancellationToken).ConfigureAwait(false) is not { } owner)
            {
                logger.SnapshotFailed($"the image {baseImage} left no data directory at PGDATA={dataDirectory}; does its entrypoint honour PGDATA?");
                return null;
            }

            try
            {
                name = await SnapshotStore.CommitAsync(engine, seed.Id, key, baseImage, owner, cancellationToken).ConfigureAwait(false);
            }
            catch (TestkitException e)
            {
                logger.SnapshotFailed($"the engine refused to commit the seed container: {e.Message}");
                return null;
            }

            logger.SnapshotMade(name, clock.ElapsedMilliseconds, initialised, stopped - initialised, clock.ElapsedMilliseconds - stopped);
        }

        try
        {
            await SnapshotStore.PruneAsync(engine, SnapshotRetention.Default, DateTimeOffset.UtcNow, logger, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TestkitException or HttpRequestException or IOException)
        {
            logger.PruneFailed(e.Message);
        }

        return name;
    }

    /// <summary>Who owns the initialised data directory (<c>uid:gid</c>; empty for root), or null when there is none.</summary>
    private static async Task<string?> DataOwnerAsync(Container seed, string dataDirectory, CancellationToken cancellationToken) =>
        await seed.GetPathInfoAsync($"{dataDirectory.TrimEnd('/')}/PG_VERSION", cancellationToken).ConfigureAwait(false) is { } file
            ? file.Uid == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"{file.Uid}:{file.Gid}")
            : null;
}
