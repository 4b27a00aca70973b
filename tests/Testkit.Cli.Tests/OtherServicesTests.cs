using System.Diagnostics;

namespace Testkit.Cli.Tests;

/// <summary>Redis, Kafka with its ZooKeeper, a compose stack, and prune next to a running dev service.</summary>
public sealed class OtherServicesTests
{
    [Fact]
    public async Task Prune_removes_a_dead_sessions_leftover_and_leaves_the_dev_service_alone()
    {
        var name = Cli.UniqueName();
        var leftover = "tk-cli-dead-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            var up = await Cli.RunAsync("up", "redis", "--name", name, "--port", Cli.FreePort().ToString(), "--json");
            Assert.True(up.ExitCode == 0, up.ToString());

            // What a killed test process on this host leaves: session labels naming a process that no longer runs.
            var pidNamespace = new string([.. (new FileInfo("/proc/self/ns/pid").LinkTarget ?? "").Where(char.IsAsciiDigit)]);
            var bootId = File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
            await Engine.DockerAsync("volume", "create", leftover,
                "--label", "org.testkit.managed=true",
                "--label", $"org.testkit.session={Guid.NewGuid():N}",
                "--label", $"org.testkit.owner.host={Environment.MachineName}",
                "--label", $"org.testkit.owner.pid={DeadPid()}",
                "--label", $"org.testkit.owner.start=linux:{bootId}:{pidNamespace}:1");

            var prune = await Cli.RunAsync("prune", "--json");

            Assert.True(prune.ExitCode == 0, prune.ToString());
            Assert.True(prune.Json.GetProperty("removed").GetInt32() >= 0);
            Assert.False(await Engine.VolumeExistsAsync(leftover));
            Assert.Equal([name], await Engine.ContainersAsync(name));
            Assert.True(await Engine.VolumeExistsAsync($"testkit-dev-{name}"));
            var ping = await Cli.RunAsync("exec", name, "--", "sh", "-c", "redis-cli -a \"$REDIS_PASSWORD\" --no-auth-warning ping");
            Assert.Equal("PONG", ping.Stdout.Trim());
        }
        finally
        {
            await Engine.RemoveAllAsync(name);
            if (await Engine.VolumeExistsAsync(leftover))
            {
                await Engine.DockerAsync("volume", "rm", "-f", leftover);
            }
        }
    }

    [Fact]
    public async Task Up_after_down_keeps_the_port_and_data_and_up_of_the_running_service_leaves_it_alone()
    {
        var name = Cli.UniqueName();
        var port = Cli.FreePort();
        try
        {
            var up = await Cli.RunAsync("up", "redis", "--name", name, "--port", port.ToString(), "--json");
            Assert.True(up.ExitCode == 0, up.ToString());
            Assert.False(up.Json.GetProperty("alreadyRunning").GetBoolean());
            var set = await Cli.RunAsync("exec", name, "--", "sh", "-c", "redis-cli -a \"$REDIS_PASSWORD\" --no-auth-warning set greeting kept");
            Assert.True(set.ExitCode == 0, set.ToString());

            // A mistyped option neither deletes the data nor stops the service.
            var typo = await Cli.RunAsync("down", name, "--volume");
            Assert.Equal(1, typo.ExitCode);
            Assert.Equal("running", (await Cli.ListedServiceAsync(name)).GetProperty("status").GetString());

            var down = await Cli.RunAsync("down", name);
            Assert.True(down.ExitCode == 0, down.ToString());
            var again = await Cli.RunAsync("up", "redis", "--name", name, "--json");
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.Equal(port, again.Json.GetProperty("port").GetInt32());
            Assert.False(again.Json.GetProperty("newData").GetBoolean());
            Assert.Equal(up.Json.GetProperty("connectionString").GetString(), again.Json.GetProperty("connectionString").GetString());
            var get = await Cli.RunAsync("exec", name, "--", "sh", "-c", "redis-cli -a \"$REDIS_PASSWORD\" --no-auth-warning get greeting");
            Assert.Equal("kept", get.Stdout.Trim());

            // Up of the running service with the same options, or none: the same document, saying so; the container is not touched.
            var startedAt = await Engine.DockerAsync("inspect", "--format", "{{.State.StartedAt}}", name);
            var same = await Cli.RunAsync("up", "redis", "--name", name, "--port", port.ToString(), "--json");
            var plain = await Cli.RunAsync("up", "redis", "--name", name);
            Assert.True(same.ExitCode == 0, same.ToString());
            Assert.True(same.Json.GetProperty("alreadyRunning").GetBoolean());
            Assert.Equal(again.Json.EnumerateObject().Select(p => p.Name), same.Json.EnumerateObject().Select(p => p.Name));
            Assert.Equal(port, same.Json.GetProperty("port").GetInt32());
            Assert.Equal(again.Json.GetProperty("connectionString").GetString(), same.Json.GetProperty("connectionString").GetString());
            Assert.True(plain.ExitCode == 0, plain.ToString());
            Assert.Contains($"Connection string: {again.Json.GetProperty("connectionString").GetString()}", plain.Stdout, StringComparison.Ordinal);
            Assert.Equal(startedAt, await Engine.DockerAsync("inspect", "--format", "{{.State.StartedAt}}", name));
        }
        finally
        {
            await Engine.RemoveAllAsync(name);
        }
    }

    [Fact]
    public async Task Kafka_runs_with_its_zookeeper_on_a_kept_network_and_down_volumes_removes_all_three_kinds()
    {
        var name = Cli.UniqueName();
        var port = Cli.FreePort();
        try
        {
            var up = await Cli.RunAsync("up", "kafka", "--name", name, "--port", port.ToString(), "--json");
            Assert.True(up.ExitCode == 0, up.ToString());
            Assert.Equal($"127.0.0.1:{port}", up.Json.GetProperty("connectionString").GetString());

            var service = await Cli.ListedServiceAsync(name);
            Assert.Equal("running", service.GetProperty("status").GetString());
            Assert.Equal(["main", "zookeeper"], service.GetProperty("containers").EnumerateArray().Select(c => c.GetProperty("role").GetString()));
            Assert.Equal([$"testkit-dev-{name}"], service.GetProperty("networks").EnumerateArray().Select(n => n.GetString()));

            var down = await Cli.RunAsync("down", name, "--volumes");
            Assert.True(down.ExitCode == 0, down.ToString());
            Assert.Empty(await Engine.ContainersAsync(name));
            Assert.Empty(await Engine.VolumesAsync(name));
            Assert.Empty(await Engine.NetworksAsync(name));
        }
        finally
        {
            await Engine.RemoveAllAsync(name);
        }
    }

    [Fact]
    public async Task A_compose_stack_outlives_the_command_and_keeps_its_named_volume_across_down_and_up()
    {
        var name = Cli.UniqueName();
        var directory = Directory.CreateTempSubdirectory("tk-cli-compose-");
        // A home of its own: a compose stack has no record, so on a fresh machine 'down --volumes' finds no dev folder.
        var home = Cli.NewHome();
        var environment = new Dictionary<string, string> { ["CACHE_PORT"] = Cli.FreePort().ToString(), ["TESTKIT_HOME"] = home };
        await File.WriteAllTextAsync(Path.Combine(directory.FullName, "docker-compose.yaml"), """
            services:
              cache:
                image: redis:7
                command: ["redis-server", "--appendonly", "yes"]
                ports:
                  - "127.0.0.1:${CACHE_PORT}:6379"
                volumes:
                  - data:/data
            volumes:
              data: {}
            """);
        var file = Path.Combine(directory.FullName, "docker-compose.yaml");
        try
        {
            var up = await Cli.RunAsync(environment, "up", "-f", file, "--name", name, "--json");
            Assert.True(up.ExitCode == 0, up.ToString());
            Assert.Equal("cache", up.Json.GetProperty("services").EnumerateArray().Single().GetProperty("service").GetString());

            // The command has exited; the stack still answers.
            var set = await Cli.RunAsync("exec", name, "--", "redis-cli", "set", "greeting", "kept");
            Assert.True(set.ExitCode == 0, set.ToString());
            Assert.True((await Cli.RunAsync(environment, "down", name)).ExitCode == 0);
            Assert.Empty(await Engine.ContainersAsync(name));
            Assert.Empty(await Engine.NetworksAsync(name));
            Assert.True(await Engine.VolumeExistsAsync($"{name}_data"));

            var again = await Cli.RunAsync(environment, "up", "-f", file, "--name", name);
            Assert.True(again.ExitCode == 0, again.ToString());
            var get = await Cli.RunAsync("exec", name, "--service", "cache", "--", "redis-cli", "get", "greeting");
            Assert.Equal("kept", get.Stdout.Trim());

            var down = await Cli.RunAsync(environment, "down", name, "--volumes", "--json");
            Assert.True(down.ExitCode == 0, down.ToString());
            Assert.Empty(await Engine.ContainersAsync(name));
            Assert.Empty(await Engine.NetworksAsync(name));
            Assert.Empty(await Engine.VolumesAsync(name));
        }
        finally
        {
            await Engine.RemoveAllAsync(name, home);
            directory.Delete(recursive: true);
        }
    }

    /// <summary>The id of a process that has ended.</summary>
    private static int DeadPid()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }
}
