using Npgsql;
using Testkit.Containers;
using Testkit.Postgres;

namespace Testkit.Cli.Tests;

[CollectionDefinition(nameof(DevServiceForTestsTests), DisableParallelization = true)]
public sealed class RunsAlone;

/// <summary>One environment for dev and tests: TESTKIT_DEV_SERVICES points a test's PostgresContainer at a dev service
/// started with `testkit up`. The variable redirects every Postgres container of this process, so this runs alone.</summary>
[Collection(nameof(DevServiceForTestsTests))]
public sealed class DevServiceForTestsTests
{
    [Fact]
    public async Task A_test_pointed_at_a_dev_service_sees_its_data_and_leaves_it_running()
    {
        var name = Cli.UniqueName();
        try
        {
            var up = await Cli.RunAsync("up", "postgres", "--name", name, "--port", Cli.FreePort().ToString(), "--json");
            Assert.True(up.ExitCode == 0, up.ToString());
            await using (var db = NpgsqlDataSource.Create(up.Json.GetProperty("connectionString").GetString()!))
            {
                await using var seed = db.CreateCommand("CREATE TABLE orders (id int); INSERT INTO orders VALUES (7)");
                await seed.ExecuteNonQueryAsync();
            }

            Environment.SetEnvironmentVariable(DevServices.EnvironmentVariable, $"postgres={name}");
            try
            {
                await using var pg = new PostgresContainer();
                await pg.StartAsync();
                Assert.Equal(name, pg.DevService);
                await using var db = NpgsqlDataSource.Create(pg.GetConnectionString());
                await using var read = db.CreateCommand("SELECT id FROM orders");
                Assert.Equal(7, await read.ExecuteScalarAsync());
            }
            finally
            {
                Environment.SetEnvironmentVariable(DevServices.EnvironmentVariable, null);
            }

            var listed = await Cli.RunAsync("ls", "--json");
            var service = listed.Json.GetProperty("services").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);
            Assert.Equal("running", service.GetProperty("status").GetString());
        }
        finally
        {
            await Engine.RemoveAllAsync(name);
        }
    }
}
