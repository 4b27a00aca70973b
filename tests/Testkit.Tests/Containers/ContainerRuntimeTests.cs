using System.Collections.Concurrent;
using System.Collections.Immutable;
using Testkit.Containers;
using Testkit.Tests.Shared;
using Testkit.Tests.Support;
using Testkit.Waiting;

namespace Testkit.Tests.Containers;

public class ContainerRuntimeTests
{
    private static readonly ContainerBuilder Sleeper = new ContainerBuilder("debian:bookworm").ReplaceCommand("sleep", "infinity");

    [Fact]
    public async Task Stop_then_start_keeps_the_writable_layer()
    {
        await using var container = Sleeper.Build();
        await container.StartAsync();
        await container.ExecAsync(["sh", "-c", "echo kept > /written-before-stop"]);

        await container.StopAsync(TimeSpan.Zero);
        Assert.Equal("exited", (await container.GetStateAsync()).Status);
        await container.StartAsync();

        Assert.Equal("kept\n", (await container.ExecAsync(["cat", "/written-before-stop"])).Stdout);
    }

    [Fact]
    public async Task Pause_unpause_restart_and_kill_change_the_state()
    {
        await using var container = new ContainerBuilder("debian:bookworm")
            .ReplaceCommand("bash", "-c", "trap 'exit 42' TERM; echo up; while true; do sleep 0.1; done")
            .WithWaitStrategy(Wait.ForLogMessage("^up$"))
            .Build();
        await container.StartAsync();

        await container.PauseAsync();
        Assert.True((await container.GetStateAsync()).Paused);
        await container.UnpauseAsync();
        Assert.False((await container.GetStateAsync()).Paused);

        await container.RestartAsync(TimeSpan.FromSeconds(5));
        Assert.True((await container.GetStateAsync()).Running);

        await container.KillAsync("SIGTERM");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // the trap ends it within 0.1 s
        Assert.Equal(42, await container.WaitForExitAsync(deadline.Token));
        Assert.Equal(42, (await container.GetStateAsync()).ExitCode);
    }

    [Fact]
    public async Task A_log_wait_after_a_restart_waits_for_the_new_runs_line()
    {
        // Each run numbers itself and says "up" half a second after it starts: the first run's line must not satisfy the
        // wait of the second start.
        await using var container = new ContainerBuilder("debian:bookworm")
            .ReplaceCommand("bash", "-c", "n=$(( $(cat /runs 2>/dev/null || echo 0) + 1 )); echo $n > /runs; sleep 0.5; echo \"up $n\"; exec sleep infinity")
            .WithWaitStrategy(Wait.ForLogMessage("^up \\d+$"))
            .Build();
        await container.StartAsync();

        await container.RestartAsync(TimeSpan.Zero);

        Assert.Contains("up 2", (await container.GetLogsAsync()).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Output_consumers_get_each_runs_lines_once_across_a_restart()
    {
        var lines = new ConcurrentQueue<string>();
        await using var container = new ContainerBuilder("debian:bookworm")
            .ReplaceCommand("bash", "-c", "n=$(( $(cat /runs 2>/dev/null || echo 0) + 1 )); echo $n > /runs; echo \"run $n\"; exec sleep infinity")
            .WithWaitStrategy(Wait.ForLogMessage("^run \\d+$"))
            .WithOutputConsumer(line => lines.Enqueue(line.Text))
            .Build();
        await container.StartAsync();
        await Eventually.ReturnsAsync(() => Task.FromResult(lines.ToArray()), l => l.Contains("run 1"), "the first run's line");

        await container.RestartAsync(TimeSpan.Zero);

        await Eventually.ReturnsAsync(() => Task.FromResult(lines.ToArray()), l => l.Contains("run 2"), "the second run's line");
        Assert.Equal(["run 1", "run 2"], lines.ToArray());
    }

    [Fact]
    public async Task Exec_takes_environment_user_and_working_directory_and_streams_long_output()
    {
        await using var container = Sleeper.Build();
        await container.StartAsync();
        var lines = new ConcurrentQueue<string>();

        var result = await container.ExecAsync(["sh", "-c", "echo $GREETING; id -u; pwd; for i in $(seq 1 500); do echo line-$i; done"], new ExecOptions
        {
            Environment = ImmutableDictionary<string, string>.Empty.Add("GREETING", "hello"),
            User = "4321",
            WorkingDirectory = "/var",
            OnOutput = line => lines.Enqueue(line.Text),
        });

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["hello", "4321", "/var", "line-1"], lines.Take(4));
        Assert.Equal(503, lines.Count);
        Assert.EndsWith("line-500\n", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_can_be_tailed_filtered_by_time_followed_and_consumed_while_running()
    {
        var consumed = new ConcurrentQueue<LogLine>();
        await using var container = new ContainerBuilder("debian:bookworm")
            // The engine copies stdout and stderr separately: the pause keeps their order in the log deterministic.
            .ReplaceCommand("bash", "-c", "echo oops >&2; sleep 0.3; for i in 1 2 3 4 5; do echo early-$i; done; echo done; sleep infinity")
            .WithWaitStrategy(Wait.ForLogMessage("^done$"))
            .WithOutputConsumer(consumed.Enqueue)
            .Build();
        await container.StartAsync();

        var tail = await container.GetLogsAsync(new LogOptions(Tail: 2));
        var (future, _) = await container.GetLogsAsync(new LogOptions(Since: DateTimeOffset.UtcNow.AddMinutes(5)));
        var followed = new List<string>();
        await foreach (var line in container.FollowLogsAsync())
        {
            followed.Add(line.Text);
            if (line.Text == "done")
            {
                break;
            }
        }

        Assert.Equal(("early-5\ndone\n", ""), tail);
        Assert.Equal("", future);
        Assert.Equal(["oops", "early-1", "early-2", "early-3", "early-4", "early-5", "done"], followed);
        var all = await Eventually.ReturnsAsync(() => Task.FromResult(consumed.ToArray()), c => c.Length >= 7, "the output consumer to see every line");
        Assert.Contains(all, l => l is { Text: "oops", IsError: true });
    }

    [Fact]
    public async Task The_logger_consumer_forwards_stdout_as_information_and_stderr_as_warnings()
    {
        var logger = new RecordingLogger();
        await using var container = new ContainerBuilder("debian:bookworm")
            .ReplaceCommand("sh", "-c", "echo to-info; echo to-warning >&2; sleep infinity")
            .WithOutputConsumer(OutputConsumers.ToLogger(logger))
            .Build();
        await container.StartAsync();

        var entries = await Eventually.ReturnsAsync(() => Task.FromResult(logger.Entries), e => e.Count >= 2, "both lines in the logger");

        Assert.Contains(entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Information && e.Message == "to-info");
        Assert.Contains(entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message == "to-warning");
    }

    [Fact]
    public async Task Inspect_gives_health_ip_address_and_stats()
    {
        await using var container = new ContainerBuilder("debian:bookworm")
            .ReplaceCommand("sh", "-c", "while true; do :; done")
            .WithHealthCheck(new HealthCheck(["true"], TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2)))
            .Build();
        await container.StartAsync();

        var state = await Eventually.ReturnsAsync(() => container.GetStateAsync(), s => s.Health == "healthy", "the health check to pass");
        var addresses = await container.GetIpAddressesAsync();
        var stats = await container.GetStatsAsync();

        Assert.True(state.Running);
        Assert.Matches(@"^\d+\.\d+\.\d+\.\d+$", addresses["bridge"]);
        Assert.True(stats.CpuPercent > 10, $"a busy loop should use CPU, got {stats.CpuPercent:0.0}%");
        Assert.True(stats.MemoryUsedBytes > 0);
        Assert.True(stats.MemoryLimitBytes >= stats.MemoryUsedBytes);
    }

    [Fact]
    public async Task A_container_killed_for_memory_fails_fast_with_the_OOM_flag()
    {
        var container = new ContainerBuilder("debian:bookworm")
            .ReplaceCommand("perl", "-e", "print qq(allocating\\n); $| = 1; my $x = 'a' x (512 * 1024 * 1024); sleep 600")
            .WithResourceLimits(memoryBytes: 32 * 1024 * 1024)
            .WithWaitStrategy(Wait.ForLogMessage("never"))
            .Build();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<ContainerExitedException>(() => container.StartAsync());

        Assert.True(error.OomKilled, error.Message);
        Assert.Contains("OOM", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "a dead container must not wait out the timeout");
    }

    [Fact]
    public async Task Secret_values_are_masked_in_the_log_lines_an_error_quotes()
    {
        var container = new ContainerBuilder("debian:bookworm")
            .WithEnvironment("DB_PASSWORD", "hunter2-secret")
            .WithEnvironment("API_TOKEN", "tok-123456")
            .ReplaceCommand("sh", "-c", "echo connecting with $DB_PASSWORD and $API_TOKEN; exit 1")
            .WithWaitStrategy(Wait.ForLogMessage("never"))
            .Build();

        var error = await Assert.ThrowsAsync<ContainerExitedException>(() => container.StartAsync());

        Assert.Contains("connecting with ***** and *****", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("tok-123456", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sixteen_containers_start_in_parallel_without_port_collisions()
    {
        var containers = Enumerable.Range(0, 16)
            .Select(_ => new ContainerBuilder("redis:7").WithPortBinding(6379).WithWaitStrategy(Wait.ForLogMessage("Ready to accept connections")).Build())
            .ToArray();
        try
        {
            await Task.WhenAll(containers.Select(c => c.StartAsync()));

            var ports = containers.Select(c => c.GetMappedPort(6379)).ToArray();
            Assert.Equal(16, ports.Distinct().Count());
            var answers = await Task.WhenAll(containers.Select(c => c.ExecAsync(["redis-cli", "ping"])));
            Assert.All(answers, a => Assert.Equal("PONG\n", a.Stdout));
        }
        finally
        {
            await Task.WhenAll(containers.Select(c => c.DisposeAsync().AsTask()));
        }

        Assert.All(await Task.WhenAll(containers.Select(c => EngineProbe.ContainerExistsAsync(c.Id))), Assert.False);
    }

    [Fact]
    public async Task Disposing_twice_or_without_a_start_is_safe()
    {
        var never = Sleeper.Build();
        await never.DisposeAsync();
        await never.DisposeAsync();

        var started = Sleeper.Build();
        await started.StartAsync();
        await started.DisposeAsync();
        await started.DisposeAsync();
        Assert.False(await EngineProbe.ContainerExistsAsync(started.Id));
    }
}
