using System.Globalization;
using System.Net.Sockets;
using Docker.DotNet.Models;
using Testkit.Engine;
using Testkit.Tests.Shared;
using Testkit.Tests.Support;

namespace Testkit.Compose.Tests;

public sealed class ComposeStackTests : IDisposable
{
    private readonly ComposeDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static ComposeStackOptions Options => new() { Environment = new Dictionary<string, string>(), ProjectName = "tk-compose-test" };

    [Fact]
    public async Task Postgres_with_healthcheck_then_app_waiting_for_service_healthy_and_down_leaves_nothing()
    {
        var file = _dir.Write("docker-compose.yaml", """
            services:
              db:
                image: postgres:15
                environment:
                  POSTGRES_PASSWORD: secret
                volumes:
                  - pgdata:/var/lib/postgresql/data
                ports:
                  - "5432"
                healthcheck:
                  test: ["CMD-SHELL", "pg_isready -U postgres"]
                  interval: 1s
                  timeout: 5s
                  retries: 60
              app:
                image: debian:bookworm
                command: ["bash", "-c", "echo app-started; sleep infinity"]
                depends_on:
                  db:
                    condition: service_healthy
            volumes:
              pgdata:
            """);

        var stack = ComposeStack.FromFiles(Options, file);
        string dbId, appId, prefix = stack.NamePrefix();
        try
        {
            await stack.StartAsync();
            var db = stack.GetService("db");
            var app = stack.GetService("app");
            dbId = db.Id;
            appId = app.Id;

            // The app started only after the db's healthcheck had passed.
            var client = (await DockerEngine.GetSharedAsync()).Client;
            var dbInspect = await client.Containers.InspectContainerAsync(dbId);
            var appInspect = await client.Containers.InspectContainerAsync(appId);
            var health = dbInspect.State?.Health ?? throw new InvalidOperationException("the db has no health state");
            Assert.Equal("healthy", health.Status);
            var firstHealthy = health.Log.Where(l => l.ExitCode == 0).Min(l => l.End);
            var appStarted = DateTime.Parse(appInspect.State!.StartedAt, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
            Assert.True(appStarted >= firstHealthy.ToUniversalTime(), $"app started at {appStarted:O}, before the db was first healthy at {firstHealthy.ToUniversalTime():O}");
            // The app has no wait of its own: its first line may reach the log a moment after the start.
            var appLog = await Eventually.ReturnsAsync(async () => (await app.GetLogsAsync()).Stdout, log => log.Contains("app-started", StringComparison.Ordinal), "the app's first log line");
            Assert.Contains("app-started", appLog, StringComparison.Ordinal);

            // The published port is on 127.0.0.1 and answers; a real query runs in the db service.
            var port = db.GetMappedPort(5432);
            using (var tcp = new TcpClient())
            {
                await tcp.ConnectAsync("127.0.0.1", port);
            }

            var query = await db.ExecAsync(["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "CREATE TABLE t (v int); INSERT INTO t VALUES (42); SELECT v FROM t"]);
            Assert.True(query.ExitCode == 0, query.Stderr);
            Assert.Contains("42", query.Stdout, StringComparison.Ordinal);

            // The app reaches the db by its service name on the default network.
            var lookup = await app.ExecAsync(["getent", "hosts", "db"]);
            Assert.Equal(0, lookup.ExitCode);

            Assert.True(await VolumeListedAsync(prefix + "_pgdata"));
            Assert.True(await EngineProbe.NetworkExistsAsync(prefix + "_default"));
        }
        finally
        {
            await stack.DisposeAsync();
        }

        Assert.False(await EngineProbe.ContainerExistsAsync(dbId));
        Assert.False(await EngineProbe.ContainerExistsAsync(appId));
        Assert.False(await EngineProbe.NetworkExistsAsync(prefix + "_default"));
        Assert.False(await VolumeListedAsync(prefix + "_pgdata"));
        await stack.DisposeAsync(); // Twice is safe.
    }

    [Fact]
    public async Task Migration_gated_by_service_completed_successfully_runs_before_the_app()
    {
        var file = _dir.Write("docker-compose.yaml", """
            services:
              migrate:
                image: debian:bookworm
                command: ["sh", "-c", "echo migrated > /shared/flag"]
                volumes:
                  - shared:/shared
              app:
                image: debian:bookworm
                command: ["sh", "-c", "cat /shared/flag; sleep infinity"]
                volumes:
                  - shared:/shared:ro
                depends_on:
                  migrate:
                    condition: service_completed_successfully
            volumes:
              shared:
            """);

        var stack = ComposeStack.FromFiles(Options, file);
        var prefix = stack.NamePrefix();
        string appId;
        await using (stack)
        {
            await stack.StartAsync();
            var app = stack.GetService("app");
            appId = app.Id;
            Assert.Equal(0, await stack.GetExitCodeAsync("migrate"));
            var flag = await app.ExecAsync(["cat", "/shared/flag"]);
            Assert.Equal("migrated", flag.Stdout.Trim());
            Assert.True((await app.GetStateAsync()).Running);
        }

        Assert.Equal(0, await CountProjectContainersAsync(prefix));
        Assert.False(await EngineProbe.ContainerExistsAsync(appId));
        Assert.False(await EngineProbe.NetworkExistsAsync(prefix + "_default"));
        Assert.False(await VolumeListedAsync(prefix + "_shared"));
    }

    [Fact]
    public async Task Failed_completed_dependency_gives_a_clear_error_and_leaves_nothing()
    {
        var file = _dir.Write("docker-compose.yaml", """
            services:
              migrate:
                image: debian:bookworm
                command: ["sh", "-c", "echo migration-broke >&2; exit 3"]
                volumes:
                  - shared:/shared
              app:
                image: debian:bookworm
                command: ["sleep", "infinity"]
                depends_on:
                  migrate:
                    condition: service_completed_successfully
            volumes:
              shared:
            """);

        var stack = ComposeStack.FromFiles(Options, file);
        var prefix = stack.NamePrefix();
        await using (stack)
        {
            var error = await Assert.ThrowsAsync<ComposeStackException>(() => stack.StartAsync());
            Assert.Equal("app", error.Service);
            Assert.Equal("migrate", error.Dependency);
            Assert.Equal(3, error.ExitCode);
            Assert.Contains("'migrate' exited with code 3", error.Message, StringComparison.Ordinal);
            Assert.Contains("migration-broke", error.Message, StringComparison.Ordinal);

            // Nothing is left even before dispose.
            Assert.False(await EngineProbe.NetworkExistsAsync(prefix + "_default"));
            Assert.False(await VolumeListedAsync(prefix + "_shared"));
            Assert.Equal(0, await CountProjectContainersAsync(prefix));
        }
    }

    [Fact]
    public async Task Service_healthy_on_a_disabled_healthcheck_fails_before_anything_is_created()
    {
        var file = _dir.Write("docker-compose.yaml", """
            services:
              db:
                image: debian:bookworm
                healthcheck:
                  disable: true
              app:
                image: debian:bookworm
                depends_on:
                  db:
                    condition: service_healthy
            """);

        var stack = ComposeStack.FromFiles(Options, file);
        var error = await Assert.ThrowsAsync<ComposeException>(() => stack.StartAsync());
        Assert.Contains("service_healthy", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => stack.GetService("db"));
        Assert.Throws<ArgumentException>(() => stack.GetService("nope"));
        await stack.DisposeAsync();
    }

    [Fact]
    public async Task Host_name_user_extra_hosts_tmpfs_and_limits_reach_the_container()
    {
        var file = _dir.Write("docker-compose.yaml", """
            services:
              box:
                image: debian:bookworm
                command: ["sleep", "infinity"]
                hostname: box.test
                user: "1234:1234"
                extra_hosts:
                  - "api.test:10.1.2.3"
                tmpfs:
                  - /scratch
                mem_limit: 256m
                cpus: "0.5"
            """);

        await using var stack = ComposeStack.FromFiles(Options, file);
        await stack.StartAsync();
        var box = stack.GetService("box");

        var probe = await box.ExecAsync(["sh", "-c", "hostname; id -u; getent hosts api.test; touch /scratch/f && grep ' /scratch ' /proc/mounts"]);
        Assert.True(probe.ExitCode == 0, probe.Stderr);
        var lines = probe.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("box.test", lines[0]);
        Assert.Equal("1234", lines[1]);
        Assert.StartsWith("10.1.2.3", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("tmpfs /scratch tmpfs", lines[3], StringComparison.Ordinal);

        var inspect = await (await DockerEngine.GetSharedAsync()).Client.Containers.InspectContainerAsync(box.Id);
        Assert.Equal(256L * 1024 * 1024, inspect.HostConfig!.Memory);
        Assert.Equal(500_000_000L, inspect.HostConfig.NanoCPUs);
    }

    private static async Task<bool> VolumeListedAsync(string name)
    {
        var volumes = await (await DockerEngine.GetSharedAsync()).Client.Volumes.ListAsync(new VolumesListParameters());
        return (volumes.Volumes ?? []).Any(v => v.Name == name);
    }

    private static async Task<int> CountProjectContainersAsync(string prefix)
    {
        var all = await (await DockerEngine.GetSharedAsync()).Client.Containers.ListContainersAsync(new ContainersListParameters { All = true });
        return all.Count(c => c.Names.Any(n => n.TrimStart('/').StartsWith(prefix, StringComparison.Ordinal)));
    }
}
