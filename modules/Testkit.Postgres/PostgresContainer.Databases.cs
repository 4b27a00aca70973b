using System.Runtime.CompilerServices;
using Testkit.Postgres.Databases;

[assembly: InternalsVisibleTo("Testkit.Postgres.Tests")]

namespace Testkit.Postgres;

// Per-test databases: clones of a template database on this one server, each test with a database of its own.
public sealed partial class PostgresContainer
{
    private DatabaseAdmin? databaseAdmin;

    private DatabaseAdmin DatabaseAdmin => LazyInitializer.EnsureInitialized(ref databaseAdmin, () => new DatabaseAdmin(this));

    /// <summary>Creates a fresh database of its own for one test: a clone (<c>CREATE DATABASE … TEMPLATE</c>) of <see cref="Database"/>
    /// as the init scripts left it, copied once into a template on the first call. Dispose it to drop it.</summary>
    /// <remarks>On a container started from a snapshot (the default), templates and their clones live in memory, in a
    /// tablespace on a tmpfs: a clone copies files, which is several times slower on the overlay file system that holds
    /// the data directory. They take memory while they exist, and a restart of the container empties them: databases and
    /// templates made before it are gone, later calls make new ones.</remarks>
    /// <example><code>
    /// await using var db = await pg.CreateDatabaseAsync(cancellationToken);
    /// await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
    /// </code></example>
    /// <exception cref="InvalidOperationException">The container has not been started.</exception>
    /// <exception cref="ObjectDisposedException">The container was disposed.</exception>
    public Task<PostgresDatabase> CreateDatabaseAsync(CancellationToken cancellationToken = default) =>
        DatabaseAdmin.CreateDatabaseAsync(cancellationToken);

    /// <summary>Prepares a template for <see cref="PostgresTemplate.CreateDatabaseAsync"/>: a copy of <see cref="Database"/> as the
    /// init scripts left it, on which <paramref name="migration"/> runs once with a connection string to it.</summary>
    /// <example><code>
    /// await using var template = await pg.CreateTemplateAsync(async (connectionString, ct) =>
    /// {
    ///     await using var dataSource = NpgsqlDataSource.Create(connectionString);
    ///     await using var migrate = dataSource.CreateCommand("CREATE TABLE orders (id int PRIMARY KEY)");
    ///     await migrate.ExecuteNonQueryAsync(ct);
    /// });
    /// await using var db = await template.CreateDatabaseAsync();
    /// </code></example>
    /// <exception cref="TestkitException">The migration threw (it is the inner exception); the template was dropped.</exception>
    public Task<PostgresTemplate> CreateTemplateAsync(Func<string, CancellationToken, Task> migration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(migration);
        return CreateTemplateAsync(new PostgresTemplateOptions { Migration = migration }, cancellationToken);
    }

    /// <summary>Prepares a template as <paramref name="options"/> say: an optional migration, and an optional pool of databases
    /// cloned ahead in the background so that <see cref="PostgresTemplate.CreateDatabaseAsync"/> costs no CREATE DATABASE.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The pool size is negative.</exception>
    /// <exception cref="TestkitException">The migration threw (it is the inner exception); the template was dropped.</exception>
    public Task<PostgresTemplate> CreateTemplateAsync(PostgresTemplateOptions options, CancellationToken cancellationToken = default) =>
        DatabaseAdmin.CreateTemplateAsync(options, cancellationToken);

    /// <inheritdoc />
    protected override async Task OnStartedAsync(CancellationToken cancellationToken)
    {
        // A start after a stop ended the admin's sessions and mounted the tmpfs afresh: what the per-test databases kept there is gone.
        if (databaseAdmin is not null)
        {
            await databaseAdmin.ServerRestartedAsync().ConfigureAwait(false);
        }

        await base.OnStartedAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async ValueTask DisposeAsyncCore()
    {
        // First stop the pools' background clones and close the admin connections, while the server still answers.
        await DatabaseAdmin.DisposeAsync().ConfigureAwait(false);
        await StopCleanlyIfDataPersistsAsync().ConfigureAwait(false);
        await base.DisposeAsyncCore().ConfigureAwait(false);
    }
}
