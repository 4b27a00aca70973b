using System.Collections.Immutable;
using Testkit.Postgres;

namespace Testkit.Cli.Dev.Modules;

/// <summary>PostgreSQL through <see cref="PostgresContainer"/>: superuser and database <c>postgres</c>, as the official
/// image's defaults, with the server's durable defaults (the module's test speed-ups would lose data on a crash).</summary>
internal sealed class PostgresDevModule() : DevModule(PostgresContainer.Module)
{
    private const string User = "postgres";
    private const string Database = "postgres";

    public override bool UsesPassword => true;

    // initdb stores the password with the data: a later POSTGRES_PASSWORD is ignored.
    public override bool PasswordKeptByData => true;

    public override async Task<DevConnection> StartAsync(DevStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        var image = Module.ImageOf(start.Version);
        var dataDirectory = Module.DataPath!;
        var password = start.Password ?? throw new ArgumentException("PostgreSQL needs a password.", nameof(start));

        // PGDATA named explicitly: the data directory is the volume, whatever default the module or image chooses.
        var postgres = new PostgresBuilder { ServerSettings = ImmutableDictionary<string, string>.Empty }
            .WithImage(image)
            .WithUsername(User)
            .WithDatabase(Database)
            .WithPassword(password)
            .WithContainer(c => start.Configure(c.WithEnvironment("PGDATA", dataDirectory), DevLabels.MainRole, dataDirectory, Module.Port, image))
            .Build();
        await postgres.StartAsync(cancellationToken).ConfigureAwait(false);
        var port = postgres.GetMappedPort(PostgresContainer.Port);
        return new DevConnection(
            image,
            postgres.GetConnectionString(),
            $"postgresql://{User}:{Uri.EscapeDataString(password)}@{postgres.Host}:{port}/{Database}",
            new Dictionary<string, string> { ["username"] = User, ["database"] = Database });
    }
}
