namespace Testkit.Postgres.Databases;

/// <summary>A prepared database that fresh per-test databases are cloned from (<c>CREATE DATABASE … TEMPLATE</c>). It accepts
/// no connections, so cloning never meets "source database is being accessed by other users". Disposing it drops it and
/// its unused pooled databases; the container disposes it too.</summary>
/// <example><code>
/// await using var template = await pg.CreateTemplateAsync(new PostgresTemplateOptions { Migration = MigrateAsync, PoolSize = 4 });
/// await using var db = await template.CreateDatabaseAsync(cancellationToken);
/// </code></example>
public sealed class PostgresTemplate : IAsyncDisposable
{
    private readonly DatabaseAdmin admin;
    private readonly DatabasePool? pool;
    private int closed;

    internal PostgresTemplate(DatabaseAdmin admin, string name, int poolSize)
    {
        this.admin = admin;
        Name = name;
        PoolSize = poolSize;
        pool = poolSize > 0 ? new DatabasePool(admin, name, poolSize) : null;
    }

    /// <summary>The template database's name.</summary>
    public string Name { get; }

    /// <summary>How many databases are kept cloned ahead; 0 when each is cloned on demand.</summary>
    public int PoolSize { get; }

    /// <summary>How many pooled databases are ready now (for tests of the pool itself).</summary>
    internal int ReadyCount => pool?.ReadyCount ?? 0;

    /// <summary>A fresh database with the template's content: from the pool when one is ready, else cloned now.
    /// Parallel callers always get distinct databases.</summary>
    /// <exception cref="ObjectDisposedException">The template, or its container, was disposed.</exception>
    public async Task<PostgresDatabase> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref closed) != 0, this);
        if (pool?.TryTake() is { } pooled)
        {
            admin.Logger.DatabaseTakenFromPool(pooled, Name);
            return admin.Open(pooled, Name);
        }

        return admin.Open(await admin.CloneAsync(Name, cancellationToken).ConfigureAwait(false), Name);
    }

    /// <summary>Stops the pool's refill, then drops the unused pooled databases and the template. Databases already
    /// taken stay until they are disposed. Safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        // When the container is being disposed it closes the template itself, without dropping anything.
        if (Volatile.Read(ref closed) == 0 && admin.Unregister(this))
        {
            await CloseAsync(dropDatabases: true).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>Stops the pool; drops what the template owns unless the whole server is going away.</summary>
    internal async Task CloseAsync(bool dropDatabases)
    {
        if (Interlocked.Exchange(ref closed, 1) != 0)
        {
            return;
        }

        var unused = pool is null ? [] : await pool.StopAsync().ConfigureAwait(false);
        if (dropDatabases)
        {
            foreach (var name in unused)
            {
                await admin.DropDatabaseAsync(name, admin.ConnectionStringFor(name)).ConfigureAwait(false);
            }

            await admin.DropTemplateAsync(Name, CancellationToken.None).ConfigureAwait(false);
            admin.Logger.TemplateDropped(Name, unused.Count);
        }
    }
}
