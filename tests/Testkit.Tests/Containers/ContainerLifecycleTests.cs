using System.Net.Sockets;
using System.Text;
using Testkit.Containers;
using Testkit.Images;
using Testkit.Tests.Shared;
using Testkit.Waiting;

namespace Testkit.Tests.Containers;

public class ContainerLifecycleTests
{
    private static readonly ContainerBuilder Redis = new ContainerBuilder("redis:7")
        .WithPortBinding(6379)
        .WithWaitStrategy(Wait.ForLogMessage("Ready to accept connections"));

    [Fact]
    public async Task A_published_port_answers_on_loopback_and_the_container_is_gone_after_dispose()
    {
        string id;
        await using (var redis = Redis.Build())
        {
            await redis.StartAsync();
            id = redis.Id;

            Assert.Equal("127.0.0.1", redis.Host);
            Assert.Equal("+PONG", await SendAsync(redis.Host, redis.GetMappedPort(6379), "PING"));
            Assert.True(await EngineProbe.ContainerExistsAsync(id));
        }

        Assert.False(await EngineProbe.ContainerExistsAsync(id));
    }

    [Fact]
    public async Task Exec_returns_exit_code_and_both_streams()
    {
        await using var container = new ContainerBuilder("debian:bookworm")
            .ReplaceCommand("sleep", "infinity")
            .Build();
        await container.StartAsync();

        var result = await container.ExecAsync(["sh", "-c", "echo out; echo err >&2; exit 7"]);

        Assert.Equal(new ExecResult(7, "out\n", "err\n"), result);
    }

    [Fact]
    public async Task A_container_that_exits_while_starting_reports_its_exit_code_and_last_lines()
    {
        var container = new ContainerBuilder("debian:bookworm")
            .ReplaceCommand("sh", "-c", "echo starting; echo 'fatal: config missing' >&2; exit 3")
            .WithWaitStrategy(Wait.ForLogMessage("never printed"))
            .Build();

        var error = await Assert.ThrowsAsync<ContainerExitedException>(() => container.StartAsync());

        Assert.Equal(3, error.ExitCode);
        Assert.Contains("fatal: config missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("never printed", error.Message, StringComparison.Ordinal);
        Assert.False(await EngineProbe.ContainerExistsAsync(container.Id));
    }

    [Fact]
    public async Task A_wait_that_times_out_says_what_it_awaited_and_removes_the_container()
    {
        var container = new ContainerBuilder("debian:bookworm")
            .ReplaceCommand("sh", "-c", "echo still booting; sleep infinity")
            .WithWaitStrategy(Wait.ForLogMessage("ready now"))
            .WithStartupTimeout(TimeSpan.FromSeconds(1))
            .Build();

        var error = await Assert.ThrowsAsync<WaitTimeoutException>(() => container.StartAsync());

        Assert.Contains("/ready now/", error.Message, StringComparison.Ordinal);
        Assert.Contains("still booting", error.Message, StringComparison.Ordinal);
        Assert.False(await EngineProbe.ContainerExistsAsync(container.Id));
    }

    [Fact]
    public async Task A_missing_image_names_the_image_and_the_fix()
    {
        var container = new ContainerBuilder("testkit-test/does-not-exist:1").Build();

        var error = await Assert.ThrowsAsync<ImageNotFoundException>(() => container.StartAsync());

        Assert.Contains("testkit-test/does-not-exist:1", error.Message, StringComparison.Ordinal);
        Assert.Contains(ImageSubstitutions.EnvironmentVariable, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await EngineProbe.CountContainersFromImageAsync("does-not-exist"));
    }

    [Fact]
    public async Task A_taken_host_port_is_reported_with_the_fix()
    {
        using var holder = new TcpListener(System.Net.IPAddress.Loopback, 0);
        holder.Start();
        var taken = ((System.Net.IPEndPoint)holder.LocalEndpoint).Port;
        var container = Redis.WithPortBinding(new PortBinding(6380).OnHostPort(taken)).Build();

        var error = await Assert.ThrowsAnyAsync<TestkitException>(() => container.StartAsync());

        Assert.Contains($"127.0.0.1:{taken}", error.Message, StringComparison.Ordinal);
        Assert.Contains("already in use", error.Message, StringComparison.Ordinal);
        Assert.False(await EngineProbe.ContainerExistsAsync(container.Id));
    }

    [Fact]
    public async Task A_module_that_chose_a_host_port_someone_took_starts_again_with_the_next_choice()
    {
        using var holder = new TcpListener(System.Net.IPAddress.Loopback, 0);
        holder.Start();
        var taken = ((System.Net.IPEndPoint)holder.LocalEndpoint).Port;
        await using var container = new PortChoosingContainer(Redis.WithPortBinding(6379).Settings, [taken, 0]);

        await container.StartAsync();

        Assert.Equal(2, container.Choices);
        Assert.NotEqual(taken, container.GetMappedPort(6379));
        Assert.Equal("running", (await container.GetStateAsync()).Status);
        var engine = await Testkit.Engine.DockerEngine.GetSharedAsync();
        var firstTry = await engine.Client.Containers.ListContainersAsync(new Docker.DotNet.Models.ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"test.try={container.Tries[0]}"] = true } },
        });
        Assert.Empty(firstTry);
    }

    [Fact]
    public async Task A_first_start_tried_again_after_a_failure_prepares_from_the_description()
    {
        await using var container = new ImageSwappingContainer(Redis.Settings);

        await Assert.ThrowsAsync<ImageNotFoundException>(() => container.StartAsync());
        await container.StartAsync();

        Assert.Equal(["redis:7", "redis:7"], container.Described);
        Assert.Equal("running", (await container.GetStateAsync()).Status);
    }

    // Prepares a missing image the first time, the described one after that.
    private sealed class ImageSwappingContainer(ContainerSettings settings) : Container(settings)
    {
        public List<string> Described { get; } = [];

        protected override Task<PreparedStart> PrepareStartAsync(PreparedStart start, CancellationToken cancellationToken)
        {
            Described.Add(start.Settings.Image);
            return Task.FromResult(Described.Count == 1 ? start with { Settings = start.Settings with { Image = "testkit-test/does-not-exist:1" } } : start);
        }
    }

    // Stands for a module (Kafka) that chooses its host port before the container exists: first a taken one, then any.
    private sealed class PortChoosingContainer(ContainerSettings settings, int[] choices) : Container(settings)
    {
        public int Choices => Tries.Count;

        public List<string> Tries { get; } = [];

        protected override int HostPortRetries => 1;

        protected override Task<PreparedStart> PrepareStartAsync(PreparedStart start, CancellationToken cancellationToken)
        {
            var port = choices[Tries.Count];
            Tries.Add(Guid.NewGuid().ToString("N"));
            var described = start.Settings;
            return Task.FromResult(start with { Settings = described with { Ports = [new PortBinding(6379).OnHostPort(port)], Labels = described.Labels.SetItem("test.try", Tries[^1]) } });
        }
    }

    [Fact]
    public async Task Logs_come_back_with_stdout_and_stderr_apart()
    {
        await using var container = new ContainerBuilder("debian:bookworm")
            // The engine copies stdout and stderr separately: the pause, and the marker on stderr after the stderr line,
            // make sure both streams are in the log when the wait returns.
            .ReplaceCommand("sh", "-c", "echo to-out; sleep 0.3; echo to-err >&2; echo done >&2; sleep infinity")
            .WithWaitStrategy(Wait.ForLogMessage("^done$"))
            .Build();
        await container.StartAsync();

        var (stdout, stderr) = await container.GetLogsAsync();

        Assert.Equal("to-out\n", stdout);
        Assert.Equal("to-err\ndone\n", stderr);
    }

    private static async Task<string> SendAsync(string host, int port, string command)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(host, port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"));
        var buffer = new byte[64];
        var read = await stream.ReadAsync(buffer);
        return Encoding.ASCII.GetString(buffer, 0, read).TrimEnd();
    }
}
