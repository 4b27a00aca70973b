using System.Net;
using System.Net.Sockets;

namespace Testkit.Cli.Tests;

/// <summary>Each bad input: one line saying what to do, an exit code that says which kind, and nothing half-made left.</summary>
public sealed class BadInputTests
{
    [Fact]
    public async Task Unknown_module_is_a_usage_error()
    {
        var result = await Cli.RunAsync("up", "mysql");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["error: Unknown module 'mysql': choose postgres, redis, kafka, or run a compose file with -f."], result.ErrorLines);
        Assert.Empty(await Engine.ContainersAsync("mysql"));
    }

    [Fact]
    public async Task Unknown_command_and_bad_option_values_are_usage_errors()
    {
        var command = await Cli.RunAsync("start", "postgres");
        var port = await Cli.RunAsync("up", "postgres", "--port", "70000");
        var name = await Cli.RunAsync("up", "postgres", "--name", "no spaces");

        Assert.Equal((1, 1, 1), (command.ExitCode, port.ExitCode, name.ExitCode));
        Assert.StartsWith("error: Unknown command 'start'", Assert.Single(command.ErrorLines), StringComparison.Ordinal);
        Assert.Equal("error: --port 70000 is not a port: use 1 to 65535.", Assert.Single(port.ErrorLines));
        Assert.StartsWith("error: 'no spaces' is not a usable name", Assert.Single(name.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_options_and_extra_arguments_are_usage_errors_that_suggest_the_closest_option_and_create_nothing()
    {
        var name = Cli.UniqueName();
        try
        {
            CliResult[] results = await Task.WhenAll(
                Cli.RunAsync("up", "postgres", "--name", name, "--prot", Cli.FreePort().ToString()),
                Cli.RunAsync("down", name, "--volume"),
                Cli.RunAsync("ls", "--jsn"),
                Cli.RunAsync("exec", name, "--servce", "zookeeper", "--", "sh", "--prot", "-c", "true"),
                Cli.RunAsync("prune", "--idel", "0s"),
                Cli.RunAsync("up", "redis", "--frobnicate"),
                Cli.RunAsync("logs", name, "extra"),
                Cli.RunAsync("ls", "extra"));

            Assert.All(results, r => Assert.True(r.ExitCode == 1 && r.Stdout.Length == 0, r.ToString()));
            Assert.Equal(
                [
                    "error: unknown option '--prot' for 'testkit up'; did you mean '--port'?",
                    "error: unknown option '--volume' for 'testkit down'; did you mean '--volumes'?",
                    "error: unknown option '--jsn' for 'testkit ls'; did you mean '--json'?",
                    "error: unknown option '--servce' for 'testkit exec'; did you mean '--service'?",
                    "error: unknown option '--idel' for 'testkit prune'; did you mean '--idle'?",
                    "error: unknown option '--frobnicate' for 'testkit up': 'testkit up --help' shows its usage.",
                    "error: unexpected argument 'extra' for 'testkit logs' (it takes NAME): 'testkit logs --help' shows its usage.",
                    "error: unexpected argument 'extra' for 'testkit ls' (it takes none): 'testkit ls --help' shows its usage.",
                ],
                results.Select(r => Assert.Single(r.ErrorLines)));
            Assert.Empty(await Engine.ContainersAsync(name));
            Assert.Empty(await Engine.VolumesAsync(name));
            Assert.False(File.Exists(Engine.RecordPath(name)));
        }
        finally
        {
            await Engine.RemoveAllAsync(name);
        }
    }

    [Fact]
    public async Task Taken_port_is_a_conflict_that_suggests_another_and_creates_nothing()
    {
        var name = Cli.UniqueName();
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        try
        {
            var result = await Cli.RunAsync("up", "postgres", "--name", name, "--port", port.ToString());

            Assert.Equal(3, result.ExitCode);
            var line = Assert.Single(result.ErrorLines);
            Assert.StartsWith($"error: Port {port} on 127.0.0.1 is already in use: choose another with --port", line, StringComparison.Ordinal);
            Assert.Empty(await Engine.ContainersAsync(name));
            Assert.Empty(await Engine.VolumesAsync(name));
            Assert.False(await Engine.VolumeExistsAsync($"testkit-dev-{name}"));
        }
        finally
        {
            await Engine.RemoveAllAsync(name);
        }
    }

    [Fact]
    public async Task Existing_name_is_a_conflict_whether_a_dev_service_or_another_container_holds_it()
    {
        var name = Cli.UniqueName();
        var foreign = Cli.UniqueName();
        try
        {
            var port = Cli.FreePort();
            var first = await Cli.RunAsync("up", "redis", "--name", name, "--port", port.ToString());
            Assert.True(first.ExitCode == 0, first.ToString());

            // The running service with other options: what differs, and how to change it.
            var other = Cli.FreePort();
            var second = await Cli.RunAsync("up", "redis", "--name", name, "--port", other.ToString(), "--version", "6");
            Assert.Equal(3, second.ExitCode);
            Assert.Equal(
                $"error: redis '{name}' is already running, but it runs on port {port}, not {other}, and it runs redis:7, not version 6: leave those options out "
                + $"to use it as it is, or run 'testkit down {name}' first, then 'testkit up redis --name {name}' with them (its data is kept).",
                Assert.Single(second.ErrorLines));
            var module = await Cli.RunAsync("up", "postgres", "--name", name);
            Assert.Equal(3, module.ExitCode);
            Assert.StartsWith($"error: Dev service '{name}' exists already (redis, running)", Assert.Single(module.ErrorLines), StringComparison.Ordinal);
            Assert.Equal([name], await Engine.ContainersAsync(name));

            // A container of the user's own with that name: refused, and left alone.
            var image = (await Engine.DockerLinesAsync("inspect", "--format", "{{.Config.Image}}", name))[0];
            await Engine.DockerAsync("create", "--name", foreign, image);
            var clash = await Cli.RunAsync("up", "postgres", "--name", foreign, "--port", Cli.FreePort().ToString());
            Assert.Equal(3, clash.ExitCode);
            Assert.StartsWith($"error: A container named '{foreign}' exists already and is not a dev service", Assert.Single(clash.ErrorLines), StringComparison.Ordinal);
            Assert.True(await Engine.ContainerExistsAsync(foreign));
            Assert.False(await Engine.VolumeExistsAsync($"testkit-dev-{foreign}"));
        }
        finally
        {
            await Engine.RemoveAllAsync(name);
            if (await Engine.ContainerExistsAsync(foreign))
            {
                await Engine.DockerAsync("rm", "-f", "-v", foreign);
            }
        }
    }

    [Fact]
    public async Task No_engine_is_exit_code_2_with_what_to_do()
    {
        var socket = $"/tmp/testkit-no-engine-{Guid.NewGuid():N}.sock";

        var result = await Cli.RunAsync(new Dictionary<string, string> { ["DOCKER_HOST"] = $"unix://{socket}" }, "up", "postgres", "--name", Cli.UniqueName());

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            [$"error: No container engine answered (tried unix://{socket}). Start one (e.g. 'sudo systemctl start docker'), or point DOCKER_HOST at a running engine."],
            result.ErrorLines);
    }

    [Fact]
    public async Task Unknown_name_is_not_found()
    {
        var name = Cli.UniqueName();

        var down = await Cli.RunAsync("down", name);
        var logs = await Cli.RunAsync("logs", name);

        Assert.Equal((4, 4), (down.ExitCode, logs.ExitCode));
        Assert.Equal($"error: There is no dev service named '{name}': 'testkit ls' lists them.", Assert.Single(down.ErrorLines));
    }

    [Fact]
    public async Task A_start_that_fails_removes_the_container_volume_and_password_it_created()
    {
        var name = Cli.UniqueName();
        try
        {
            // initdb alone takes over a second: a one-second limit always fails, after the volume and container exist.
            var result = await Cli.RunAsync("up", "postgres", "--name", name, "--port", Cli.FreePort().ToString(), "--timeout", "1");

            Assert.True(result.ExitCode == 5, result.ToString());
            Assert.StartsWith("error: ", result.ErrorLines.First(l => l.StartsWith("error", StringComparison.Ordinal)), StringComparison.Ordinal);
            Assert.DoesNotContain("Password=", result.Stderr, StringComparison.Ordinal);
            Assert.Empty(result.Stdout);
            Assert.Empty(await Engine.ContainersAsync(name));
            Assert.False(await Engine.ContainerExistsAsync(name));
            Assert.False(await Engine.VolumeExistsAsync($"testkit-dev-{name}"));
            Assert.False(File.Exists(Engine.RecordPath(name)));
        }
        finally
        {
            await Engine.RemoveAllAsync(name);
        }
    }
}
