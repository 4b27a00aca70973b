using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Testkit.Containers;
using static Testkit.Postgres.Databases.DatabaseNames;

namespace Testkit.Postgres.Databases;

/// <summary>Creates and drops one container's per-test databases and templates through one admin data source, connected
/// to the maintenance database and kept for the container's lifetime.</summary>
internal sealed class DatabaseAdmin : IAsyncDisposable
{
    // DROP DATABASE … WITH (FORCE) arrived in PostgreSQL 13.
    private const int MinimumServerVersion = 13;

    // How long idle connections to the container's database get to go away (after clearing Npgsql's pool) before
    // Testkit copies it with pg_dump instead.
    private static readonly TimeSpan SessionsGoneWithin = TimeSpan.FromMilliseconds(500);

    private readonly PostgresContainer container;
    private readonly CancellationTokenSource lifetime = new();
    private readonly Lock gate = new();
    private readonly SemaphoreSlim defaultTemplateGate = new(1, 1);
    private readonly HashSet<PostgresTemplate> templates = [];
    private NpgsqlDataSource? dataSource;
    private PostgresTemplate? defaultTemplate;
    private string? tablespace; // where the default template, and so every template and clone, lives; null: the data directory
    private bool disposed;

    public DatabaseAdmin(PostgresContainer container)
    {
        this.container = container;
        Logger = container.Settings.Logger ?? NullLogger.Instance;
        ContainerGone = lifetime.Token;
    }

    public ILogger Logger { get; }

    /// <summary>Cancelled when the container is being disposed: the server and everything on it are going away.</summary>
    public CancellationToken ContainerGone { get; }

    private bool IsDisposed => Volatile.Read(ref disposed);

    private NpgsqlDataSource DataSource
    {
        get
        {
            lock (gate)
            {
                ThrowIfDisposed();
                return dataSource ??= NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(container.GetConnectionString())
                {
                    Database = MaintenanceDatabase(container.Database),
                    ApplicationName = "testkit-databases",
                });
            }
        }
    }

    /// <summary>A database cloned from the default template: the container's database as its init scripts left it.</summary>
    public async Task<PostgresDatabase> CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        var template = await GetDefaultTemplateAsync(cancellationToken).ConfigureAwait(false);
        return await template.CreateDatabaseAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A new template: a clone of the default template, migrated, then sealed.</summary>
    public async Task<PostgresTemplate> CreateTemplateAsync(PostgresTemplateOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.PoolSize, $"{nameof(options)}.{nameof(options.PoolSize)}");
        var source = await GetDefaultTemplateAsync(cancellationToken).ConfigureAwait(false);
        var name = NewTemplate();
        var clock = Stopwatch.StartNew();
        await CopyDatabaseAsync(source.Name, name, cancellationToken).ConfigureAwait(false);
        try
        {
            if (options.Migration is { } migration)
            {
                await MigrateAsync(name, migration, cancellationToken).ConfigureAwait(false);
            }

            await SealAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await DropTemplateQuietlyAsync(name).ConfigureAwait(false);
            throw;
        }

        Logger.TemplateCreated(name, source.Name, clock.ElapsedMilliseconds);
        return Register(name, options.PoolSize);
    }

    /// <summary>Clones <paramref name="template"/> into a new database and returns its name.</summary>
    public async Task<string> CloneAsync(string template, CancellationToken cancellationToken)
    {
        var name = NewDatabase();
        var clock = Stopwatch.StartNew();
        await CopyDatabaseAsync(template, name, cancellationToken).ConfigureAwait(false);
        Logger.DatabaseCreated(name, template, clock.ElapsedMilliseconds);
        return name;
    }

    public PostgresDatabase Open(string name, string template) => new(this, name, template, ConnectionStringFor(name));

    public string ConnectionStringFor(string database, bool pooling = true)
    {
        var builder = new NpgsqlConnectionStringBuilder(container.GetConnectionString()) { Database = database };
        if (!pooling)
        {
            builder.Pooling = false;
        }

        return builder.ConnectionString;
    }

    /// <summary>Drops a per-test database, connections or not; nothing to do once the container is gone.</summary>
    public async Task DropDatabaseAsync(string name, string connectionString)
    {
        // Idle connections in this process's pool close politely; FORCE ends the rest (other data sources, other processes).
        ClearPool(connectionString);

        if (IsDisposed)
        {
            return;
        }

        var clock = Stopwatch.StartNew();
        try
        {
            await ExecuteAsync($"DROP DATABASE IF EXISTS {Quote(name)} WITH (FORCE)", CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception) when (IsDisposed)
        {
            return; // The container went away meanwhile, and the database with it.
        }

        Logger.DatabaseDropped(name, clock.ElapsedMilliseconds);
    }

    public async Task DropTemplateAsync(string name, CancellationToken cancellationToken)
    {
        // Postgres refuses to drop a database marked as a template.
        await ExecuteAsync($"ALTER DATABASE {Quote(name)} WITH IS_TEMPLATE false", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync($"DROP DATABASE IF EXISTS {Quote(name)} WITH (FORCE)", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Forgets a template its owner disposes; false when the container already took it over to dispose it.</summary>
    public bool Unregister(PostgresTemplate template)
    {
        lock (gate)
        {
            return templates.Remove(template);
        }
    }

    /// <summary>Stops every pool and waits for its refill, then closes the admin connections. Nothing is dropped: the server
    /// goes away with the container. Never throws.</summary>
    public async ValueTask DisposeAsync()
    {
        PostgresTemplate[] open;
        NpgsqlDataSource? admin;

        // Cancel before refusing new work, so that a refill which meets the refusal knows it is stopping, not failing.
        await lifetime.CancelAsync().ConfigureAwait(false);
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            open = [.. templates];
            templates.Clear();
        }

        await Task.WhenAll(open.Select(t => t.CloseAsync(dropDatabases: false))).ConfigureAwait(false);
        lock (gate)
        {
            admin = dataSource;
            dataSource = null;
        }

        try
        {
            if (admin is not null)
            {
                await admin.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or ObjectDisposedException)
        {
            Logger.AdminCloseFailed(e.Message);
        }
    }

    private async Task<PostgresTemplate> GetDefaultTemplateAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        if (Volatile.Read(ref defaultTemplate) is { } known)
        {
            return known;
        }

        await defaultTemplateGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (defaultTemplate is { } made)
            {
                return made;
            }

            var name = NewTemplate();
            var clock = Stopwatch.StartNew();
            tablespace ??= await CreateTablespaceAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await CopyContainerDatabaseAsync(name, cancellationToken).ConfigureAwait(false);
                await SealAsync(name, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await DropTemplateQuietlyAsync(name).ConfigureAwait(false);
                throw;
            }

            Logger.TemplateCreated(name, container.Database, clock.ElapsedMilliseconds);
            var template = Register(name, poolSize: 0);
            Volatile.Write(ref defaultTemplate, template);
            return template;
        }
        finally
        {
            defaultTemplateGate.Release();
        }
    }

    /// <summary>After a restart: drops the admin connections, which the server ended (the next use opens new ones, to the
    /// port the engine mapped this time), and forgets the default template and the tablespace when they were on the tmpfs,
    /// which the restart emptied: the next call makes new ones. Templates of the user's made before are gone with it.</summary>
    public async Task ServerRestartedAsync()
    {
        NpgsqlDataSource? stale;
        lock (gate)
        {
            stale = dataSource;
            dataSource = null;
            if (tablespace is not null)
            {
                Volatile.Write(ref defaultTemplate, null);
                tablespace = null;
            }
        }

        if (stale is not null)
        {
            await stale.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A tablespace on the container's spare tmpfs (see <see cref="PostgresContainer.SpareTmpfs"/>), or null when
    /// there is none or it cannot be made (logged): then everything stays in the data directory, only slower.</summary>
    private async Task<string?> CreateTablespaceAsync(CancellationToken cancellationToken)
    {
        if (container.SpareTmpfs is not { } tmpfs)
        {
            return null;
        }

        // A new directory and name at each start of the server: one emptied by a restart stays in the catalog, unused.
        var suffix = NewSuffix();
        var name = "testkit_tablespace_" + suffix;
        var location = $"{tmpfs.TrimEnd('/')}/testkit-{suffix}";
        try
        {
            // CREATE TABLESPACE wants an existing directory that the server's user owns, and the tmpfs belongs to root: the
            // server makes it (as a superuser's COPY … TO PROGRAM may), which costs no docker exec.
            await ExecuteAsync($"COPY (SELECT) TO PROGRAM {Literal("mkdir -m 700 " + ShellQuote(location))}", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync($"CREATE TABLESPACE {Quote(name)} LOCATION {Literal(location)}", cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e)
        {
            Logger.TablespaceFailed(location, e.MessageText);
            return null;
        }

        Logger.TablespaceCreated(name, location);
        return name;
    }

    /// <summary>Copies the container's database into <paramref name="target"/>: with CREATE DATABASE … TEMPLATE when nobody is
    /// connected to it, else (the user's own data sources hold connections) with pg_dump inside the container.</summary>
    private async Task CopyContainerDatabaseAsync(string target, CancellationToken cancellationToken)
    {
        var source = container.Database;

        // Any `new NpgsqlConnection(pg.GetConnectionString())` leaves idle connections in this process's pool for that
        // connection string: they would block the copy for no reason.
        ClearPool(container.GetConnectionString());

        var sessions = await WaitForNoSessionsAsync(source, cancellationToken).ConfigureAwait(false);
        if (sessions == 0)
        {
            try
            {
                await CopyDatabaseAsync(source, target, cancellationToken, tablespace).ConfigureAwait(false);
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse)
            {
                sessions = 1; // Someone connected meanwhile (Postgres waited 5 s for them to leave).
            }
        }

        Logger.CopyingWithDump(source, sessions);
        await ExecuteAsync($"CREATE DATABASE {Quote(target)} TEMPLATE template0{In(tablespace)}", cancellationToken).ConfigureAwait(false);

        // Names go as arguments, never into the script; the password through the environment, which is never logged.
        const string Script = "set -o pipefail; pg_dump --username \"$1\" --dbname \"$2\" | psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --username \"$1\" --dbname \"$3\"";
        var copy = await container.ExecAsync(
            ["bash", "-c", Script, "testkit-copy", container.Username, source, target],
            new ExecOptions { Environment = ImmutableDictionary<string, string>.Empty.Add("PGPASSWORD", container.Password) },
            cancellationToken).ConfigureAwait(false);
        if (copy.ExitCode != 0)
        {
            throw new TestkitException(
                $"Could not copy database \"{source}\" into template \"{target}\" with pg_dump (exit code {copy.ExitCode}): {copy.Stderr.Trim()} " +
                $"Close the connections to \"{source}\" before the first CreateDatabaseAsync or CreateTemplateAsync, so that it can be cloned with CREATE DATABASE … TEMPLATE.");
        }
    }

    private async Task<long> WaitForNoSessionsAsync(string database, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            // Background workers (autovacuum) do not count: CREATE DATABASE stops them itself.
            var sessions = await CountAsync("SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'", database, cancellationToken).ConfigureAwait(false);
            if (sessions == 0 || clock.Elapsed > SessionsGoneWithin)
            {
                return sessions;
            }

            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task MigrateAsync(string template, Func<string, CancellationToken, Task> migration, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            await migration(ConnectionStringFor(template, pooling: false), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            throw new TestkitException(
                $"The migration of template database \"{template}\" failed: {e.GetType().Name}: {e.Message} " +
                "The template was dropped; fix the migration (the inner exception has its stack trace) and create the template again.", e);
        }

        Logger.TemplateMigrated(template, clock.ElapsedMilliseconds);
    }

    /// <summary>Makes <paramref name="template"/> read-only in practice: no new connections, usable as a template by
    /// CREATE DATABASE, and no leftover session that would make cloning fail.</summary>
    private async Task SealAsync(string template, CancellationToken cancellationToken)
    {
        await ExecuteAsync($"ALTER DATABASE {Quote(template)} WITH ALLOW_CONNECTIONS false IS_TEMPLATE true", cancellationToken).ConfigureAwait(false);

        // A closed connection's server process exits a moment after the client let go: only those that stay were left open.
        if (await WaitForNoSessionsAsync(template, cancellationToken).ConfigureAwait(false) == 0)
        {
            return;
        }

        var leftover = await CountAsync(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'",
            template, cancellationToken).ConfigureAwait(false);
        if (leftover > 0)
        {
            Logger.MigrationConnectionsLeft(template, leftover);
        }
    }

    private async Task DropTemplateQuietlyAsync(string name)
    {
        try
        {
            await DropTemplateAsync(name, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or ObjectDisposedException or InvalidOperationException)
        {
            // The error that brought us here matters more; the database dies with the container anyway.
        }
    }

    private PostgresTemplate Register(string name, int poolSize)
    {
        // Under the lock so that dispose sees every pool that was started.
        lock (gate)
        {
            ThrowIfDisposed();
            var template = new PostgresTemplate(this, name, poolSize);
            templates.Add(template);
            return template;
        }
    }

    // Without a tablespace the copy goes where its source is: clones of a template on the tmpfs stay there.
    private async Task CopyDatabaseAsync(string source, string target, CancellationToken cancellationToken, string? tablespace = null)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // FILE_COPY, the only way before PostgreSQL 15, copies the files; 15's default WAL_LOG writes every page of the
        // template (8 MB of catalogs even when empty) through shared buffers and the WAL. Measured on 2 cores with a small
        // template: 16 ms against 22–35 ms with the data directory on tmpfs, and no slower on disk.
        var strategy = connection.PostgreSqlVersion.Major >= 15 ? " STRATEGY FILE_COPY" : "";
        await using var command = new NpgsqlCommand($"CREATE DATABASE {Quote(target)} TEMPLATE {Quote(source)}{In(tablespace)}{strategy}", connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string In(string? tablespace) => tablespace is null ? "" : " TABLESPACE " + Quote(tablespace);

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<long> CountAsync(string sql, string database, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = database } } };
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (connection.PostgreSqlVersion.Major < MinimumServerVersion)
        {
            var version = connection.PostgreSqlVersion;
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new TestkitException(
                $"Per-test databases need PostgreSQL {MinimumServerVersion} or newer (for DROP DATABASE … WITH (FORCE)); this server is {version}. " +
                $"Use a newer image, e.g. {PostgresContainer.DefaultImage}.");
        }

        return connection;
    }

    // Closes this process's idle pooled connections of one connection string.
    private static void ClearPool(string connectionString)
    {
        using var pooled = new NpgsqlConnection(connectionString);
        NpgsqlConnection.ClearPool(pooled);
    }

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref disposed))
        {
            throw new ObjectDisposedException(nameof(PostgresContainer), "The container was disposed, and its databases with it.");
        }
    }
}
