using System.Text.Json;
using Npgsql;

namespace Testkit.Cli.Tests;

/// <summary>The life of a postgres dev service, driven through the command as a user would drive it.</summary>
public sealed class PostgresDevServiceTests
{
    [Fact]
    public async Task Data_survives_down_and_up_and_down_volumes_removes_everything()
    {
        var name = Cli.UniqueName();
        var port = Cli.FreePort();
        try
        {
            var up = await Cli.RunAsync("up", "postgres", "--name", name, "--port", port.ToString(), "--json");
            Assert.True(up.ExitCode == 0, up.ToString());
            var first = up.Json;
            Assert.Equal(name, first.GetProperty("name").GetString());
            Assert.Equal(port, first.GetProperty("port").GetInt32());
            Assert.True(first.GetProperty("newData").GetBoolean());
            var connectionString = first.GetProperty("connectionString").GetString()!;

            // The printed connection string works from the host, after the command has exited.
            await using (var db = NpgsqlDataSource.Create(connectionString))
            {
                await using var create = db.CreateCommand("CREATE TABLE notes (body text); INSERT INTO notes VALUES ('kept across down and up')");
                await create.ExecuteNonQueryAsync();
            }

            var down = await Cli.RunAsync("down", name, "--json");
            Assert.True(down.ExitCode == 0, down.ToString());
            Assert.Empty(await Engine.ContainersAsync(name));
            Assert.Equal([$"testkit-dev-{name}"], down.Json.GetProperty("keptVolumes").EnumerateArray().Select(v => v.GetString()));

            var service = await Cli.ListedServiceAsync(name);
            Assert.Equal("down", service.GetProperty("status").GetString());
            Assert.Equal(0, service.GetProperty("containers").GetArrayLength());

            var again = await Cli.RunAsync("up", "postgres", "--name", name, "--port", port.ToString(), "--json");
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.False(again.Json.GetProperty("newData").GetBoolean());
            Assert.Equal(connectionString, again.Json.GetProperty("connectionString").GetString());

            // Read back inside the container, through 'testkit exec'.
            var select = await Cli.RunAsync("exec", name, "--", "psql", "-U", "postgres", "-tAc", "SELECT body FROM notes");
            Assert.True(select.ExitCode == 0, select.ToString());
            Assert.Equal("kept across down and up", select.Stdout.Trim());

            var running = await Cli.ListedServiceAsync(name);
            Assert.Equal("running", running.GetProperty("status").GetString());
            var container = running.GetProperty("containers").EnumerateArray().Single();
            Assert.Equal("postgres:15", container.GetProperty("image").GetString());
            Assert.Equal(port, container.GetProperty("ports").EnumerateArray().Single().GetProperty("hostPort").GetInt32());

            var removed = await Cli.RunAsync("down", name, "--volumes");
            Assert.True(removed.ExitCode == 0, removed.ToString());
            Assert.Empty(await Engine.ContainersAsync(name));
            Assert.False(await Engine.ContainerExistsAsync(name));
            Assert.Empty(await Engine.VolumesAsync(name));
            Assert.False(await Engine.VolumeExistsAsync($"testkit-dev-{name}"));
            Assert.Equal(4, (await Cli.RunAsync("down", name)).ExitCode);
        }
        finally
        {
            await Engine.RemoveAllAsync(name);
        }
    }

    [Fact]
    public async Task Exec_returns_the_commands_exit_code_and_psql_refuses_other_modules()
    {
        var name = Cli.UniqueName();
        try
        {
            var up = await Cli.RunAsync("up", "redis", "--name", name, "--port", Cli.FreePort().ToString());
            Assert.True(up.ExitCode == 0, up.ToString());
            Assert.Contains("Connection string: 127.0.0.1:", up.Stdout, StringComparison.Ordinal);

            var failing = await Cli.RunAsync("exec", name, "--", "sh", "-c", "exit 7");
            Assert.Equal(7, failing.ExitCode);

            var psql = await Cli.RunAsync("psql", name);
            Assert.Equal(1, psql.ExitCode);
            Assert.Single(psql.ErrorLines);
            Assert.StartsWith($"error: '{name}' is a redis dev service", psql.ErrorLines[0], StringComparison.Ordinal);
        }
        finally
        {
            await Engine.RemoveAllAsync(name);
        }
    }
}
