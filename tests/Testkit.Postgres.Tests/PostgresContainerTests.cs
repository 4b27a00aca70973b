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
