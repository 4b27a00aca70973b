using Npgsql;
using Testkit.Containers;
using Testkit.Modules;
using Testkit.Postgres.Snapshots;
using Testkit.Waiting;

namespace Testkit.Postgres;

/// <summary>A PostgreSQL server in a container, ready for queries once <see cref="Container.StartAsync"/> returns.</summary>
/// <example><code>
/// await using var pg = new PostgresContainer();
/// await pg.StartAsync();
/// await using var db = NpgsqlDataSource.Create(pg.GetConnectionString());
/// </code></example>
public sealed partial class PostgresContainer : Container
{
    /// <summary>The image used unless another is set: the official PostgreSQL 15.</summary>
    public const string DefaultImage = "postgres:15";

    /// <summary>The port PostgreSQL listens on inside the container.</summary>
    public const int Port = 5432;

    /// <summary>The module: <c>postgres</c>, the official PostgreSQL 15, port 5432, data in the image's PGDATA.</summary>
    public static readonly ModuleDescriptor Module = new("postgres", DefaultImage, Port) { DataPath = PostgresSnapshots.ImageDataDirectory };

    internal const string PasswordVariable = "POSTGRES_PASSWORD";

    // The official entrypoint runs a socket-only server for initialisation, then the real one: only a "ready" line after
    // initialisation (or after it was skipped, on a data directory that has one) means the real server is up.
    private static readonly LogWait ServerReady = Wait.ForLogMessage("database system is ready to accept connections")
        .AfterLine("PostgreSQL init process complete|Skipping initialization");

    private static readonly ConditionWait QueryAnswers =
        Wait.Until("a query to answer on port 5432", QueryAnswersAsync).Every(TimeSpan.FromMilliseconds(20));

    // Static: one immutable value (and one compiled regex) for every container; a snapshot start recognises it to wait for
    // its password step instead of the log line, then for the query.
    private static readonly AllWait Ready = Wait.ForAll(ServerReady, QueryAnswers);

    private static readonly AllWait ReadyFromSnapshot = Wait.ForAll(SnapshotPassword.Set, QueryAnswers);

    private readonly PostgresBuilder options;

    /// <summary>A PostgreSQL container with the defaults: <see cref="DefaultImage"/>, database and user <c>test</c>, a random password.</summary>
    public PostgresContainer() : this(new PostgresBuilder()) { }

    /// <summary>A PostgreSQL container as <paramref name="options"/> describes it.</summary>
    public PostgresContainer(PostgresBuilder options) : base(ToSettings(options)) => this.options = options;

    /// <summary>The database created at start.</summary>
    public string Database => FromDevService("POSTGRES_DB") ?? options.Database;

    /// <summary>The superuser's name.</summary>
    public string Username => FromDevService("POSTGRES_USER") ?? options.Username;

    /// <summary>The superuser's password.</summary>
    public string Password => FromDevService(PasswordVariable) ?? options.Password;

    /// <summary>The snapshot image this container started from (see <see cref="PostgresBuilder.WithSnapshot"/>), or null
    /// when it ran initdb and the init scripts itself (snapshots off, or not started yet).</summary>
    public string? SnapshotImage { get; private set; }

    /// <summary>A directory on a tmpfs of the container's that holds nothing else, where per-test databases go (see
    /// <see cref="CreateDatabaseAsync"/>); null when there is none, or when the data directory itself is in memory.</summary>
    internal string? SpareTmpfs { get; private set; }

    /// <summary>An Npgsql connection string for the database, reachable from the test process.</summary>
    public string GetConnectionString() => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = GetMappedPort(Port),
        Database = Database,
        Username = Username,
        Password = Password,
    }.ConnectionString;

    /// <summary>Runs SQL with psql inside the container, as the superuser in <see cref="Database"/>, stopping at the first error.</summary>
    /// <returns>psql's exit code (0 when every statement succeeded) and its output.</returns>
    public Task<ExecResult> ExecScriptAsync(string sql, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        return ExecAsync(["psql", "-v", "ON_ERROR_STOP=1", "--no-psqlrc", "--username", Username, "--dbname", Database, "--command", sql], cancellationToken);
    }

    private static ContainerSettings ToSettings(PostgresBuilder options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.ToSettings(container => options.InitScripts.Aggregate(container, (c, script) => c.WithFile(script))
            .WithEnvironment("POSTGRES_DB", options.Database)
            .WithEnvironment("POSTGRES_USER", options.Username)
            .WithEnvironment(PasswordVariable, options.Password)
            .ReplaceCommand(["postgres", .. options.ServerSettings.OrderBy(s => s.Key, StringComparer.Ordinal).SelectMany(s => new[] { "-c", $"{s.Key}={s.Value}" })])
            .WithWaitStrategy(Ready));
        if (options.DataOnTmpfs)
        {
            var dataDirectory = settings.Environment.GetValueOrDefault("PGDATA") ?? PostgresSnapshots.ImageDataDirectory;
            settings = settings with { Mounts = settings.Mounts.Add(new Mount(MountType.Tmpfs, "", dataDirectory)) };
        }

        return settings;
    }

    /// <summary>Starts from a snapshot of this configuration when there is one (making it first when there is none), with
    /// a step that gives the server this container's password before the query runs (see <see cref="SnapshotPassword"/>).</summary>
    protected override async Task<PreparedStart> PrepareStartAsync(PreparedStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        var offReason = !options.Snapshot ? "WithSnapshot(false)"
            : options.DataOnTmpfs ? "the data directory is on tmpfs (WithDataOnTmpfs), which a commit cannot take"
            : !PostgresSnapshots.EnabledByEnvironment ? $"{PostgresSnapshots.EnvironmentVariable}=off"
            : null;
        var (prepared, snapshot) = await SnapshotStarter.PrepareAsync(start, Password, offReason, cancellationToken).ConfigureAwait(false);
        SnapshotImage = snapshot;
        if (snapshot is null)
        {
            SpareTmpfs = null;
            return prepared;
        }

        // A start from a snapshot mounts an empty tmpfs over the image's own data volume: the clones' room, off the
        // overlay file system on which the snapshot's data directory lives (and which makes a clone 4–6 times slower).
        var settings = prepared.Settings;
        SpareTmpfs = settings.Mounts.FirstOrDefault(m => m.Type == MountType.Tmpfs && !start.Settings.Mounts.Contains(m))?.Target;

        return prepared with
        {
            Settings = settings with
            {
                // The module's wait becomes the snapshot's; waits of the user's own come after the password step.
                WaitStrategies = settings.WaitStrategies.Contains(Ready, ReferenceEqualityComparer.Instance)
                    ? settings.WaitStrategies.Replace(Ready, ReadyFromSnapshot, ReferenceEqualityComparer.Instance)
                    : [SnapshotPassword.Set, .. settings.WaitStrategies],
            },
        };
    }

    /// <summary>Removal kills the server, which with the test defaults (<c>synchronous_commit=off</c>) loses the last
    /// commits: harmless for data that goes with the container, not for a volume or a host directory that keeps it for a
    /// later container. Such a server gets the image's stop signal (SIGINT: a fast shutdown with a checkpoint) first.</summary>
    private async Task StopCleanlyIfDataPersistsAsync()
    {
        var dataDirectory = Settings.Environment.GetValueOrDefault("PGDATA") ?? PostgresSnapshots.ImageDataDirectory;
        var kept = DevService is not null || (Settings.Reuse && Containers.Reuse.ContainerReuse.Enabled);
        if (Name is null || kept || !Settings.Mounts.Any(m => m.Type is MountType.Volume or MountType.Bind && SnapshotStarter.Contains(m.Target, dataDirectory)))
        {
            return;
        }

        try
        {
            await StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A server that cannot stop cleanly (gone, engine busy) is removed all the same.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    // A dev service standing in for this container (TESTKIT_DEV_SERVICES) brings its own user, database and password.
    // The official image's defaults apply where the dev service sets nothing: user postgres, database named as the user.
    private string? FromDevService(string variable) => DevService is null ? null : variable switch
    {
        "POSTGRES_USER" => Settings.Environment.GetValueOrDefault(variable) ?? "postgres",
        "POSTGRES_DB" => Settings.Environment.GetValueOrDefault(variable) ?? FromDevService("POSTGRES_USER"),
        _ => Settings.Environment.GetValueOrDefault(variable) ?? string.Empty,
    };

    private static async ValueTask<bool> QueryAnswersAsync(IWaitTarget target, CancellationToken cancellationToken)
    {
        var container = (PostgresContainer)target;
        try
        {
            // Unpooled and without Npgsql's type loading: the probe proves that a query answers, and leaves neither an idle
            // session (CREATE DATABASE … TEMPLATE needs none) nor a pool that the test's own data source would not use.
            var probe = new NpgsqlDataSourceBuilder(container.GetConnectionString()) { ConnectionStringBuilder = { Pooling = false } };
            probe.ConfigureTypeLoading(types => types.EnableTypeLoading(false));
            await using var dataSource = probe.Build();
            await using var connection = dataSource.CreateConnection();
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification)
        {
            // Retrying cannot help: the server that answers has another password for this user, and will keep it.
            throw new TestkitException(
                $"PostgreSQL refused user '{container.Username}' with this container's password ({e.SqlState}: {e.MessageText}), so the start "
                + "stopped at once. The data directory was initialised with another password: a volume or a host directory an earlier "
                + "container initialised, or an image with its data built in. Use that password (WithPassword), or mount an empty volume.", e);
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
        {
            return false;
        }
    }
}
