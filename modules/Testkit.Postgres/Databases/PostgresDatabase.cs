namespace Testkit.Postgres.Databases;

/// <summary>A database of its own for one test, cloned from a template; disposing it drops it.</summary>
/// <example><code>
/// await using var db = await pg.CreateDatabaseAsync(cancellationToken);
/// await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
/// </code></example>
public sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly DatabaseAdmin admin;
    private int disposed;

    internal PostgresDatabase(DatabaseAdmin admin, string name, string templateName, string connectionString)
    {
        this.admin = admin;
        Name = name;
        TemplateName = templateName;
        ConnectionString = connectionString;
    }

    /// <summary>The database's name, unique on the server.</summary>
    public string Name { get; }

    /// <summary>The template it was cloned from.</summary>
    public string TemplateName { get; }

    /// <summary>An Npgsql connection string for this database, reachable from the test process. It carries the password: do not log it.</summary>
    public string ConnectionString { get; }

    /// <summary>Drops the database even while connections to it are open (<c>DROP DATABASE … WITH (FORCE)</c>) and clears
    /// Npgsql's pool for <see cref="ConnectionString"/>. Safe to call twice, and after the container was disposed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            await admin.DropDatabaseAsync(Name, ConnectionString).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
