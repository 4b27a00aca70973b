using Npgsql;
using Testkit.Containers;

namespace Testkit.Postgres.Tests;

public class PostgresContainerTests
{
    [Fact]
    public async Task The_one_liner_gives_a_database_that_keeps_what_is_written()
    {
        await using var postgres = new PostgresContainer();
        await postgres.StartAsync();

        await using var dataSource = NpgsqlDataSource.Create(postgres.GetConnectionString());
        await using (var create = dataSource.CreateCommand("CREATE TABLE items (name text); INSERT INTO items VALUES ('written')"))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using var select = dataSource.CreateCommand("SELECT name FROM items");
        Assert.Equal("written", await select.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Custom_database_user_and_password_are_used_and_a_wrong_password_is_rejected()
    {
        await using var postgres = new PostgresBuilder().WithDatabase("orders").WithUsername("shop").WithPassword("right-password").Build();
        await postgres.StartAsync();

        await using (var connection = new NpgsqlConnection(postgres.GetConnectionString()))
        {
            await connection.OpenAsync();
            await using var whoami = new NpgsqlCommand("SELECT current_database() || '/' || current_user", connection);
            Assert.Equal("orders/shop", await whoami.ExecuteScalarAsync());
        }

        var wrong = new NpgsqlConnectionStringBuilder(postgres.GetConnectionString()) { Password = "wrong-password" }.ConnectionString;
        await using var rejected = new NpgsqlConnection(wrong);
        var error = await Assert.ThrowsAsync<PostgresException>(() => rejected.OpenAsync());
        Assert.Equal(PostgresErrorCodes.InvalidPassword, error.SqlState);
    }

    [Fact]
    public async Task Init_scripts_from_files_directories_and_inline_sql_run_in_the_order_added()
    {
        var directory = Directory.CreateTempSubdirectory("testkit-init-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "a-table.sql"), "CREATE TABLE log (step text);");
        await File.WriteAllTextAsync(Path.Combine(directory, "b-insert.sql"), "INSERT INTO log VALUES ('from directory');");
        var shell = Path.Combine(Directory.CreateTempSubdirectory("testkit-init-sh-").FullName, "seed.sh");
        await File.WriteAllTextAsync(shell, "#!/bin/bash\npsql -v ON_ERROR_STOP=1 -U \"$POSTGRES_USER\" -d \"$POSTGRES_DB\" -c \"INSERT INTO log VALUES ('from shell')\"\n");
        await using var postgres = new PostgresBuilder()
            .WithInitScript(directory)
            .WithInitScript(shell)
            .WithInitSql("INSERT INTO log VALUES ('inline');")
            .Build();
        await postgres.StartAsync();

        await using var dataSource = NpgsqlDataSource.Create(postgres.GetConnectionString());
        await using var select = dataSource.CreateCommand("SELECT string_agg(step, ', ' ORDER BY ctid) FROM log");
        Assert.Equal("from directory, from shell, inline", await select.ExecuteScalarAsync());
    }

    [Fact]
    public async Task ExecScriptAsync_returns_psql_output_and_exit_code()
    {
        await using var postgres = new PostgresContainer();
        await postgres.StartAsync();

        var ok = await postgres.ExecScriptAsync("CREATE TABLE t (n int); INSERT INTO t VALUES (41), (1); SELECT sum(n) AS total FROM t;");
        var failed = await postgres.ExecScriptAsync("SELECT * FROM no_such_table;");

        Assert.Equal(0, ok.ExitCode);
        Assert.Contains("42", ok.Stdout, StringComparison.Ordinal);
        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains("no_such_table", failed.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_dispose_the_container_is_gone_from_the_engine()
    {
        var postgres = new PostgresContainer();
        await postgres.StartAsync();

        await postgres.DisposeAsync();

        var engine = await Testkit.Engine.DockerEngine.GetSharedAsync();
        await Assert.ThrowsAsync<Docker.DotNet.DockerContainerNotFoundException>(() => engine.Client.Containers.InspectContainerAsync(postgres.Id));
    }

    [Fact]
    public async Task Server_settings_reach_the_server()
    {
        await using var postgres = new PostgresBuilder().WithServerSetting("max_connections", "42").Build();
        await postgres.StartAsync();

        await using var dataSource = NpgsqlDataSource.Create(postgres.GetConnectionString());
        await using var show = dataSource.CreateCommand("SELECT current_setting('max_connections') || ',' || current_setting('fsync')");
        Assert.Equal("42,off", await show.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_server_that_cannot_start_fails_with_its_log_and_never_shows_the_password()
    {
        const string password = "do-not-print-me";
        var postgres = new PostgresBuilder().WithPassword(password).WithServerSetting("no_such_setting", "1").Build();

        var error = await Assert.ThrowsAsync<ContainerExitedException>(() => postgres.StartAsync());

        Assert.Contains("no_such_setting", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(password, error.ToString(), StringComparison.Ordinal);
    }
}
