using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Npgsql;
using Testkit.Postgres.Databases;
using Testkit.Tests.Shared;

namespace Testkit.Postgres.Tests;

/// <summary>One server for the tests that share it, as a test suite would: init scripts made a table with a row.</summary>
public sealed class SharedPostgres : IAsyncLifetime
{
    internal RecordingLogger Logger { get; } = new();

    public PostgresContainer Container { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Container = new PostgresBuilder()
            .WithInitSql("CREATE TABLE items (name text NOT NULL); INSERT INTO items VALUES ('from init script');")
            .WithContainer(c => c.WithLogger(Logger))
            .Build();
        await Container.StartAsync();
    }

    public async Task DisposeAsync() => await Container.DisposeAsync();
}

public class PostgresDatabaseTests(SharedPostgres shared) : IClassFixture<SharedPostgres>
{
    private PostgresContainer Pg => shared.Container;

    [Fact]
    public async Task Parallel_tests_writing_the_same_table_each_see_only_their_own_rows_and_the_init_scripts_row()
    {
        async Task<string[]> WriteAndReadAsync(string mine)
        {
            await using var db = await Pg.CreateDatabaseAsync();
            await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
            await using (var insert = dataSource.CreateCommand($"INSERT INTO items VALUES ('{mine} 1'), ('{mine} 2')"))
            {
                await insert.ExecuteNonQueryAsync();
            }

            return await ReadItemsAsync(dataSource);
        }

        var results = await Task.WhenAll(WriteAndReadAsync("first"), WriteAndReadAsync("second"));

        Assert.Equal(["first 1", "first 2", "from init script"], results[0]);
        Assert.Equal(["from init script", "second 1", "second 2"], results[1]);
        await using var main = NpgsqlDataSource.Create(Pg.GetConnectionString());
        Assert.Equal(["from init script"], await ReadItemsAsync(main));
        Assert.Equal(0, shared.Logger.Count(755)); // Nobody held the container's database: cloned, not dumped.
    }

    [Fact]
    public async Task A_template_migration_runs_once_and_its_schema_and_rows_are_in_every_clone()
    {
        var migrations = 0;
        await using var template = await Pg.CreateTemplateAsync(async (connectionString, ct) =>
        {
            Interlocked.Increment(ref migrations);
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            await using var migrate = dataSource.CreateCommand("CREATE TABLE orders (id int PRIMARY KEY, item text); INSERT INTO orders VALUES (1, 'seeded')");
            await migrate.ExecuteNonQueryAsync(ct);
        });

        await using var first = await template.CreateDatabaseAsync();
        await using var second = await template.CreateDatabaseAsync();

        Assert.Equal(1, migrations);
        Assert.NotEqual(first.Name, second.Name);
        Assert.All(new[] { first, second }, db => Assert.Equal(template.Name, db.TemplateName));
        foreach (var db in new[] { first, second })
        {
            await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
            await using var select = dataSource.CreateCommand("SELECT item FROM orders WHERE id = 1");
            Assert.Equal("seeded", await select.ExecuteScalarAsync());
            Assert.Equal(["from init script"], await ReadItemsAsync(dataSource));
        }
    }

    [Fact]
    public async Task A_connection_the_migration_leaves_open_is_closed_with_a_warning_and_the_template_still_clones()
    {
        var warnings = shared.Logger.Count(756);
        NpgsqlConnection? leaked = null;
        await using var template = await Pg.CreateTemplateAsync(async (connectionString, ct) =>
        {
            leaked = new NpgsqlConnection(connectionString);
            await leaked.OpenAsync(ct);
            await using var migrate = new NpgsqlCommand("CREATE TABLE migrated (n int)", leaked);
            await migrate.ExecuteNonQueryAsync(ct);
        });

        await using var db = await template.CreateDatabaseAsync();

        await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
        await using var select = dataSource.CreateCommand("SELECT count(*) FROM migrated");
        Assert.Equal(0L, await select.ExecuteScalarAsync());
        Assert.Equal(warnings + 1, shared.Logger.Count(756));
        await leaked!.DisposeAsync();
    }

    [Fact]
    public async Task Dispose_drops_the_database_even_while_a_pooled_connection_is_open_and_another_is_idle()
    {
        var db = await Pg.CreateDatabaseAsync();
        var open = new NpgsqlConnection(db.ConnectionString);
        await open.OpenAsync();
        await using (var idle = new NpgsqlConnection(db.ConnectionString))
        {
            await idle.OpenAsync(); // Returned to Npgsql's pool on dispose, where it stays connected.
        }

        Assert.True(await ExistsAsync(db.Name));
        await db.DisposeAsync();
        await db.DisposeAsync(); // Twice is harmless.

        Assert.False(await ExistsAsync(db.Name));
        await using var select = new NpgsqlCommand("SELECT 1", open);
        await Assert.ThrowsAnyAsync<Exception>(() => select.ExecuteScalarAsync()); // FORCE ended the session it held.
        await open.DisposeAsync();
    }

    [Fact]
    public async Task Parallel_takes_from_a_warm_pool_get_distinct_databases_and_the_pool_refills()
    {
        const int PoolSize = 4;
        var template = await Pg.CreateTemplateAsync(new PostgresTemplateOptions { PoolSize = PoolSize });
        await WaitUntilAsync(() => template.ReadyCount == PoolSize, "the pool to fill");
        var takenFromPool = shared.Logger.Count(751);

        var databases = await Task.WhenAll(Enumerable.Range(0, 3 * PoolSize).Select(_ => Task.Run(() => template.CreateDatabaseAsync())));

        Assert.Equal(databases.Length, databases.Select(d => d.Name).Distinct().Count());
        Assert.True(shared.Logger.Count(751) - takenFromPool >= PoolSize, "the first takes should come from the pool");
        foreach (var db in databases)
        {
            await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
            Assert.Equal(["from init script"], await ReadItemsAsync(dataSource));
        }

        await WaitUntilAsync(() => template.ReadyCount == PoolSize, "the pool to refill");
        await Task.WhenAll(databases.Select(d => d.DisposeAsync().AsTask()));
        Assert.Empty(await ExistingAsync(databases.Select(d => d.Name)));

        var pooled = await ExistingAsync(await DatabasesCreatedFromAsync(template.Name));
        Assert.Equal(PoolSize, pooled.Count);
        await template.DisposeAsync();
        Assert.Empty(await ExistingAsync([.. pooled, template.Name]));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => template.CreateDatabaseAsync());
    }

    [Fact]
    public async Task A_migration_that_throws_fails_with_the_template_step_and_the_cause_and_leaves_no_template()
    {
        var templatesBefore = await TemplatesAsync();

        var error = await Assert.ThrowsAsync<TestkitException>(() => Pg.CreateTemplateAsync((_, _) => throw new InvalidOperationException("table 'orders' already exists")));

        Assert.Matches("migration of template database \"testkit_template_[0-9a-f]+\" failed", error.Message);
        Assert.Contains("InvalidOperationException: table 'orders' already exists", error.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Equal(templatesBefore, await TemplatesAsync());
    }

    [Fact]
    public async Task Bad_input_fails_before_anything_is_created()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => Pg.CreateTemplateAsync((Func<string, CancellationToken, Task>)null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Pg.CreateTemplateAsync((PostgresTemplateOptions)null!));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Pg.CreateTemplateAsync(new PostgresTemplateOptions { PoolSize = -1 }));

        await using var notStarted = new PostgresContainer();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => notStarted.CreateDatabaseAsync());
        Assert.Contains("StartAsync", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disposing_the_container_while_its_pool_refills_ends_cleanly()
    {
        var logger = new RecordingLogger();
        var unobserved = new ConcurrentQueue<Exception>();
        EventHandler<UnobservedTaskExceptionEventArgs> record = (_, e) => unobserved.Enqueue(e.Exception);
        TaskScheduler.UnobservedTaskException += record;
        try
        {
            var pg = new PostgresBuilder().WithContainer(c => c.WithLogger(logger)).Build();
            await pg.StartAsync();
            var template = await pg.CreateTemplateAsync(new PostgresTemplateOptions { PoolSize = 8 });
            var taken = await template.CreateDatabaseAsync(); // The refill is busy cloning now.

            await pg.DisposeAsync();
            var entriesAtDispose = logger.Entries.Count;

            await taken.DisposeAsync();     // The server is gone: nothing to drop, no error.
            await template.DisposeAsync();  // Already closed by the container.
            await Assert.ThrowsAsync<ObjectDisposedException>(() => template.CreateDatabaseAsync());
            await Assert.ThrowsAsync<ObjectDisposedException>(() => pg.CreateDatabaseAsync());
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Assert.Empty(unobserved);
            Assert.Equal(entriesAtDispose, logger.Entries.Count); // No background work logged anything after dispose.
            Assert.Empty(logger.Entries.Where(e => e.Level >= LogLevel.Warning && e.EventId is >= 750 and < 800).Select(e => e.Message));
            Assert.DoesNotContain(logger.Entries, e => e.Message.Contains(pg.Password, StringComparison.Ordinal));
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= record;
        }
    }

    [Fact]
    public async Task A_database_with_an_unusual_name_and_open_connections_is_still_copied_into_the_template()
    {
        // Connections the user's own data source holds to the container's database block CREATE DATABASE … TEMPLATE
        // on it: Testkit copies it with pg_dump instead, once.
        var logger = new RecordingLogger();
        await using var pg = new PostgresBuilder()
            .WithDatabase("Orders-\"Main\"")
            .WithInitSql("CREATE TABLE items (name text NOT NULL); INSERT INTO items VALUES ('from init script');")
            .WithContainer(c => c.WithLogger(logger))
            .Build();
        await pg.StartAsync();
        await using var userDataSource = NpgsqlDataSource.Create(pg.GetConnectionString());
        await using var held = await userDataSource.OpenConnectionAsync();

        await using var db = await pg.CreateDatabaseAsync();

        await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
        Assert.Equal(["from init script"], await ReadItemsAsync(dataSource));
        Assert.Equal(1, logger.Count(755));
        await using var stillUsable = new NpgsqlCommand("SELECT count(*) FROM items", held);
        Assert.Equal(1L, await stillUsable.ExecuteScalarAsync());
    }

    [Fact]
    public async Task On_a_snapshot_start_templates_and_clones_live_in_a_tablespace_on_the_tmpfs_and_stay_isolated()
    {
        await using var template = await Pg.CreateTemplateAsync(async (connectionString, ct) =>
        {
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            await using var migrate = dataSource.CreateCommand("INSERT INTO items VALUES ('from migration')");
            await migrate.ExecuteNonQueryAsync(ct);
        });
        await using var first = await template.CreateDatabaseAsync();
        await using var second = await Pg.CreateDatabaseAsync();
        await using (var firstSource = NpgsqlDataSource.Create(first.ConnectionString))
        {
            await using (var insert = firstSource.CreateCommand("INSERT INTO items VALUES ('only in first')"))
            {
                await insert.ExecuteNonQueryAsync();
            }

            Assert.Equal(["from init script", "from migration", "only in first"], await ReadItemsAsync(firstSource));
        }

        await using (var secondSource = NpgsqlDataSource.Create(second.ConnectionString))
        {
            Assert.Equal(["from init script"], await ReadItemsAsync(secondSource));
        }

        Assert.NotNull(Pg.SnapshotImage);
        var locations = await LocationsAsync(Pg, [template.Name, first.Name, second.Name, second.TemplateName, Pg.Database]);
        Assert.Equal("", locations[Pg.Database]); // The container's own database stays in the data directory.
        foreach (var name in new[] { template.Name, first.Name, second.Name, second.TemplateName })
        {
            // The fixture's log says why, when a database is not there: this has failed now and then, and not again when looked at.
            Assert.True(locations[name].StartsWith("/var/lib/postgresql/data/testkit-", StringComparison.Ordinal),
                $"{name} is at '{locations[name]}'; the fixture's log:\n{string.Join('\n', shared.Logger.Messages)}");
        }
    }

    [Fact]
    public async Task After_a_restart_emptied_the_tmpfs_new_databases_are_cloned_again_from_the_init_scripts_state()
    {
        await using var pg = new PostgresBuilder()
            .WithInitSql("CREATE TABLE items (name text NOT NULL); INSERT INTO items VALUES ('from init script');")
            .Build();
        await pg.StartAsync();
        var before = await pg.CreateDatabaseAsync();

        await pg.RestartAsync();
        await before.DisposeAsync(); // Its files went with the tmpfs: dropping what is left still works.

        await using var db = await pg.CreateDatabaseAsync();
        await using var template = await pg.CreateTemplateAsync((_, _) => Task.CompletedTask);
        await using var clone = await template.CreateDatabaseAsync();
        foreach (var connectionString in new[] { db.ConnectionString, clone.ConnectionString })
        {
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            Assert.Equal(["from init script"], await ReadItemsAsync(dataSource));
        }

        Assert.NotEqual(before.TemplateName, db.TemplateName);
        Assert.False(await ExistsAsync(pg, before.Name));
    }

    [Fact]
    public async Task Without_snapshots_clones_stay_in_the_data_directory_and_work_the_same()
    {
        await using var pg = new PostgresBuilder()
            .WithInitSql("CREATE TABLE items (name text NOT NULL); INSERT INTO items VALUES ('from init script');")
            .WithSnapshot(false)
            .Build();
        await pg.StartAsync();

        await using var db = await pg.CreateDatabaseAsync();

        await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
        Assert.Equal(["from init script"], await ReadItemsAsync(dataSource));
        Assert.Equal("", (await LocationsAsync(pg, [db.Name]))[db.Name]);
    }

    // pg_tablespace_location is empty for the data directory's own tablespace.
    private static async Task<Dictionary<string, string>> LocationsAsync(PostgresContainer pg, string[] databases)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(pg.GetConnectionString()) { Database = "postgres" }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("SELECT datname, pg_tablespace_location(dattablespace) FROM pg_database WHERE datname = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = databases });
        await using var reader = await command.ExecuteReaderAsync();
        var locations = new Dictionary<string, string>();
        while (await reader.ReadAsync())
        {
            locations[reader.GetString(0)] = reader.GetString(1);
        }

        return locations;
    }

    private static async Task<bool> ExistsAsync(PostgresContainer pg, string database) => (await LocationsAsync(pg, [database])).Count == 1;

    private static async Task<string[]> ReadItemsAsync(NpgsqlDataSource dataSource)
    {
        await using var select = dataSource.CreateCommand("SELECT name FROM items ORDER BY name");
        await using var reader = await select.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return [.. names];
    }

    private async Task<bool> ExistsAsync(string database) => (await ExistingAsync([database])).Count == 1;

    private async Task<List<string>> ExistingAsync(IEnumerable<string> databases) =>
        await QueryNamesAsync("SELECT datname FROM pg_database WHERE datname = ANY($1)", databases.ToArray());

    private Task<List<string>> TemplatesAsync() =>
        QueryNamesAsync("SELECT datname FROM pg_database WHERE datname LIKE 'testkit_template_%' ORDER BY datname", null);

    // Pool databases are the per-test databases nobody took: the ones not yet dropped, cloned after the template.
    private Task<List<string>> DatabasesCreatedFromAsync(string template) =>
        QueryNamesAsync("SELECT datname FROM pg_database WHERE datname LIKE 'testkit_db_%' AND oid > (SELECT oid FROM pg_database WHERE datname = $1)", template);

    // Through the maintenance database: a connection to the container's database would block copying it.
    private async Task<List<string>> QueryNamesAsync(string sql, object? parameter)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(Pg.GetConnectionString()) { Database = "postgres" }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(sql);
        if (parameter is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await using var reader = await command.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    // Waits on a condition with a deadline rather than sleeping a guessed time.
    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"Timed out waiting for {what}.");
            await Task.Delay(10);
        }
    }
}
