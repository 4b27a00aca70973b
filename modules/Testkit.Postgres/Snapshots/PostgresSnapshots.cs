using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Testkit.Engine;

namespace Testkit.Postgres.Snapshots;

/// <summary>Snapshots of initialised PostgreSQL data directories: images that later containers of the same configuration
/// start from, skipping initdb and the init scripts. See <see cref="PostgresBuilder.WithSnapshot"/>.</summary>
/// <remarks>Snapshot images outlive the test session on purpose (<c>org.testkit.keep=tagged</c>: once named, neither the
/// watchdog nor the sweep of dead sessions removes them; a commit its process did not live to name is its session's). They are named <c>testkit-snapshot/postgres:&lt;key&gt;</c> and labelled
/// <see cref="KeyLabel"/>; <see cref="SnapshotRetention"/> says when they go. Remove them all by hand with
/// <c>docker rmi $(docker images -q testkit-snapshot/postgres)</c>.</remarks>
public static class PostgresSnapshots
{
    /// <summary>The variable that turns snapshots off for the whole process when set to <c>off</c> (or <c>false</c>, <c>0</c>),
    /// whatever the builders say.</summary>
    public const string EnvironmentVariable = "TESTKIT_SNAPSHOTS";

    /// <summary>The repository of snapshot images; the tag is the start of the snapshot key.</summary>
    public const string Repository = "testkit-snapshot/postgres";

    /// <summary>The label holding a snapshot image's full key.</summary>
    public const string KeyLabel = "org.testkit.snapshot";

    /// <summary>The label naming the module that made a snapshot image (<c>postgres</c>), by which retention finds them.</summary>
    public const string ModuleLabel = "org.testkit.snapshot.module";

    /// <summary>The label naming the image a snapshot was made from.</summary>
    public const string BaseImageLabel = "org.testkit.snapshot.base";

    /// <summary>The label holding the numeric <c>uid:gid</c> that owns a snapshot's data directory, which its starts run as.</summary>
    public const string DataOwnerLabel = "org.testkit.snapshot.user";

    /// <summary>Where the data directory (<c>PGDATA</c>) lives when snapshots are on: outside the image's volume
    /// <c>/var/lib/postgresql/data</c>, whose content a commit leaves out.</summary>
    public const string DataDirectory = "/var/lib/postgresql/snapshot-data";

    /// <summary>Where the official image keeps its data directory (its <c>PGDATA</c> and its volume): a mount there keeps
    /// the data, so such a container is never snapshotted.</summary>
    public const string ImageDataDirectory = "/var/lib/postgresql/data";

    internal const string ModuleName = "postgres";

    /// <summary>False when <see cref="EnvironmentVariable"/> turns snapshots off.</summary>
    public static bool EnabledByEnvironment => !EnvironmentSwitch.IsOff(Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>Removes the snapshots that <paramref name="retention"/> (<see cref="SnapshotRetention.Default"/> unless given)
    /// no longer keeps at <paramref name="now"/> (the current time unless given). Runs by itself whenever a new snapshot is made.</summary>
    /// <returns>The names (ids for dangling ones) of the snapshots removed.</returns>
    public static async Task<IReadOnlyList<string>> PruneAsync(
        SnapshotRetention? retention = null, DateTimeOffset? now = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        logger ??= NullLogger.Instance;
        var engine = await DockerEngine.GetSharedAsync(logger, cancellationToken).ConfigureAwait(false);
        return await SnapshotStore.PruneAsync(engine, retention ?? SnapshotRetention.Default, now ?? DateTimeOffset.UtcNow, logger, cancellationToken).ConfigureAwait(false);
    }
}
