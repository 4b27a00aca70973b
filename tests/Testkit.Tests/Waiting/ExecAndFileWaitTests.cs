using Testkit.Containers;
using Testkit.Tests.Containers;
using Testkit.Tests.Shared;
using Testkit.Waiting;

namespace Testkit.Tests.Waiting;

public class ExecAndFileWaitTests
{
    // The file appears whole (written aside, then renamed) half a second after the start.
    private static readonly ContainerBuilder Debian = new ContainerBuilder("debian:bookworm")
        .ReplaceCommand("sh", "-c", "echo booting > /tmp/state; sleep 0.5; echo ready > /tmp/ready.tmp; mv /tmp/ready.tmp /tmp/ready; echo ready > /tmp/state; sleep infinity");

    [Fact]
    public async Task ForFile_returns_once_the_file_exists()
    {
        await using var container = Debian.WithWaitStrategy(Wait.ForFile("/tmp/ready")).Build();

        await container.StartAsync();

        Assert.Equal("ready\n", (await container.ExecAsync(["cat", "/tmp/ready"])).Stdout);
    }

    [Fact]
    public async Task ForExec_returns_once_the_command_exits_0()
    {
        await using var container = Debian.WithWaitStrategy(Wait.ForExec("grep", "-qx", "ready", "/tmp/state")).Build();

        await container.StartAsync();

        Assert.Equal("ready\n", (await container.ExecAsync(["cat", "/tmp/state"])).Stdout);
    }

    [Fact]
    public async Task ForAny_returns_with_the_one_that_holds()
    {
        await using var container = Debian
            .WithWaitStrategy(Wait.ForAny(Wait.ForLogMessage("never printed"), Wait.ForFile("/tmp/ready")))
            .Build();

        await container.StartAsync();

        Assert.Equal(0, (await container.ExecAsync(["test", "-e", "/tmp/ready"])).ExitCode);
    }

    [Fact]
    public async Task ForFile_times_out_naming_the_path()
    {
        var container = Debian.WithWaitStrategy(Wait.ForFile("/tmp/never").WithTimeout(TimeSpan.FromSeconds(1))).Build();

        var error = await Assert.ThrowsAsync<WaitTimeoutException>(() => container.StartAsync());

        Assert.Contains("file /tmp/never to exist", error.Message, StringComparison.Ordinal);
        Assert.False(await EngineProbe.ContainerExistsAsync(container.Id));
    }

    [Fact]
    public async Task ForExec_times_out_naming_the_command()
    {
        var container = Debian.WithWaitStrategy(Wait.ForExec("grep", "-qx", "done", "/tmp/state").WithTimeout(TimeSpan.FromSeconds(1))).Build();

        var error = await Assert.ThrowsAsync<WaitTimeoutException>(() => container.StartAsync());

        Assert.Contains("command `grep -qx done /tmp/state` to exit 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForExec_of_a_program_the_image_lacks_fails_at_once_with_the_fix()
    {
        var container = Debian.WithWaitStrategy(Wait.ForExec("pg_isready")).Build();

        var error = await Assert.ThrowsAsync<TestkitException>(() => container.StartAsync());

        Assert.Contains("`pg_isready` cannot run", error.Message, StringComparison.Ordinal);
        Assert.Contains("Check that the image has the program", error.Message, StringComparison.Ordinal);
        Assert.False(await EngineProbe.ContainerExistsAsync(container.Id));
    }
}
