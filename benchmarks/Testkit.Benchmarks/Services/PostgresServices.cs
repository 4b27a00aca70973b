using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Testcontainers.PostgreSql;
using Testkit.Benchmarks.Clients;
using Testkit.Benchmarks.Harness;
using Testkit.Postgres;

namespace Testkit.Benchmarks.Services;

/// <summary>Testkit's module: its defaults as they are in this build, or what <c>builder</c> says (e.g. snapshot starts off).</summary>
internal sealed class TestkitPostgres(PostgresBuilder? builder = null) : IServiceUnderTest
{
    private readonly PostgresContainer postgres = builder?.Build() ?? new PostgresContainer();

    public Task StartAsync(CancellationToken cancellationToken) => postgres.StartAsync(cancellationToken);

    public Task FirstAnswerAsync(CancellationToken cancellationToken) => PostgresProbe.SelectOneAsync(postgres.GetConnectionString(), cancellationToken);

    public ValueTask DisposeAsync() => postgres.DisposeAsync();
}

/// <summary>Testcontainers' module with its defaults, on the same local image.</summary>
internal sealed class TestcontainersPostgres : IServiceUnderTest
{
    private readonly PostgreSqlContainer postgres = new PostgreSqlBuilder(LocalImages.Postgres)
        .WithLabel(BenchRun.Label, BenchRun.Id)
        .WithLogger(NullLogger.Instance)
        .Build();

    public Task StartAsync(CancellationToken cancellationToken) => postgres.StartAsync(cancellationToken);

    public Task FirstAnswerAsync(CancellationToken cancellationToken) => PostgresProbe.SelectOneAsync(postgres.GetConnectionString(), cancellationToken);

    public ValueTask DisposeAsync() => postgres.DisposeAsync();
}

/// <summary>The floor: <c>docker run -d -p 127.0.0.1::5432</c> of an image whose data directory is already initialised
/// (<see cref="CreateInitialisedImageAsync"/>), <c>docker port</c>, then Npgsql polling every 10 ms; <c>docker rm -f -v</c>.</summary>
internal sealed class CliPostgres(string initialisedImage) : IServiceUnderTest
{
    private const string User = "test";
    private const string Password = "bench";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    private string? id;
    private int port;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        id = await DockerCli.RunAsync(cancellationToken, "run", "-d", "--label", BenchRun.LabelArgument, "-p", "127.0.0.1::5432", initialisedImage);
        port = await DockerCli.GetPublishedPortAsync(id, 5432, cancellationToken);
    }

    public Task FirstAnswerAsync(CancellationToken cancellationToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = port, Username = User, Password = Password, Database = User };
        return PostgresProbe.PollSelectOneAsync(connectionString.ConnectionString, PollInterval, cancellationToken);
    }

    public async ValueTask DisposeAsync() => await DockerCli.RemoveContainerAsync(id);

    /// <summary>Runs the local Postgres image once with its data directory outside the image's VOLUME (so that
    /// <c>docker commit</c> keeps it), stops it cleanly and commits it, carrying this run's label. Returns the image.</summary>
    public static async Task<string> CreateInitialisedImageAsync(CancellationToken cancellationToken)
    {
        var image = $"testkit-bench/postgres-initialised:{BenchRun.Id}";
        var container = await DockerCli.RunAsync(cancellationToken, "run", "-d", "--label", BenchRun.LabelArgument,
            "-e", $"POSTGRES_USER={User}", "-e", $"POSTGRES_PASSWORD={Password}", "-e", $"POSTGRES_DB={User}", "-e", "PGDATA=/var/lib/postgresql/initialised",
            LocalImages.Postgres, "postgres", "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "synchronous_commit=off");
        try
        {
            // The entrypoint's initialisation server listens on the socket only: TCP answers once the real server runs.
            var waited = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    await DockerCli.RunAsync(cancellationToken, "exec", container, "pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432");
                    break;
                }
                catch (InvalidOperationException) when (waited.Elapsed < TimeSpan.FromSeconds(60))
                {
                    await Task.Delay(200, cancellationToken);
                }
            }

            // A clean shutdown (the image stops with SIGINT), so that the copies start without crash recovery.
            await DockerCli.RunAsync(cancellationToken, "stop", container);
            await DockerCli.RunAsync(cancellationToken, "commit", container, image);
            return image;
        }
        finally
        {
            await DockerCli.RemoveContainerAsync(container);
        }
    }
}
