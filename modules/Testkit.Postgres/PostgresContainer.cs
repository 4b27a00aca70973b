using Npgsql;
using Testkit.Containers;
using Testkit.Waiting;

namespace Testkit.Postgres;

/// <summary>A PostgreSQL server in a container, ready for queries once <see cref="Container.StartAsync"/> returns.</summary>
/// <example><code>
/// await using var pg = new PostgresContainer();
/// await pg.StartAsync();
/// await using var db = NpgsqlDataSource.Create(pg.GetConnectionString());
/// </code></example>
public sealed class PostgresContainer : Container
{
    /// <summary>The image used unless another is set: the official PostgreSQL 15.</summary>
    public const string DefaultImage = "postgres:15";

    /// <summary>The port PostgreSQL listens on inside the container.</summary>
    public const int Port = 5432;

    private readonly PostgresBuilder options;

    /// <summary>A PostgreSQL container with the defaults: <see cref="DefaultImage"/>, database and user <c>test</c>, a random password.</summary>
    public PostgresContainer() : this(new PostgresBuilder()) { }

    /// <summary>A PostgreSQL container as <paramref name="options"/> describes it.</summary>
    public PostgresContainer(PostgresBuilder options) : base(ToSettings(options)) => this.options = options;

    /// <summary>The database created at start.</summary>
    public string Database => options.Database;

    /// <summary>The superuser's name.</summary>
    public string Username => options.Username;

    /// <summary>The superuser's password.</summary>
    public string Password => options.Password;

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
        var container = options.InitScripts.Aggregate(new ContainerBuilder(options.Image), (c, script) => c.WithFile(script))
            .WithPortBinding(Port)
            .WithEnvironment("POSTGRES_DB", options.Database)
            .WithEnvironment("POSTGRES_USER", options.Username)
            .WithEnvironment("POSTGRES_PASSWORD", options.Password)
            .WithCommand(["postgres", .. options.ServerSettings.OrderBy(s => s.Key, StringComparer.Ordinal).SelectMany(s => new[] { "-c", $"{s.Key}={s.Value}" })])
            .WithWaitStrategy(Wait.ForAll(
                // The official entrypoint runs a socket-only server for initialisation, then the real one:
                // only a "ready" line after initialisation means the real server is up.
                Wait.ForLogMessage("database system is ready to accept connections")
                    .AfterLine("PostgreSQL init process complete|Skipping initialization"),
                Wait.Until("a query to answer on port 5432", QueryAnswersAsync).Every(TimeSpan.FromMilliseconds(20))));
        return options.Customize(container).Settings;
    }

    private static async ValueTask<bool> QueryAnswersAsync(IWaitTarget target, CancellationToken cancellationToken)
    {
        var container = (PostgresContainer)target;
        try
        {
            await using var connection = new NpgsqlConnection(container.GetConnectionString());
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
        {
            return false;
        }
    }
}
