using Testkit.Cleanup;
using Testkit.Containers;

namespace Testkit.Tests.Images;

public class ContainerCommitTests
{
    private static readonly ContainerBuilder Sleeper = new ContainerBuilder("debian:bookworm").ReplaceCommand("sleep", "infinity");

    [Fact]
    public async Task A_committed_running_container_gives_an_image_with_its_files_and_the_new_command_and_environment()
    {
        await using var container = Sleeper.WithEnvironment("KEPT", "from the container").Build();
        await container.StartAsync();
        Assert.Equal(0, (await container.ExecAsync(["sh", "-c", "echo written before the commit > /state.txt"])).ExitCode);

        await using var image = await container.CommitAsync(
            "testkit-test/committed", Guid.NewGuid().ToString("N"), "state for the next test",
            command: ["sh", "-c", "cat /state.txt; echo \"GREETING=$GREETING KEPT=$KEPT\""],
            environment: new Dictionary<string, string> { ["GREETING"] = "hello from the commit" });

        Assert.Equal("written before the commit\nGREETING=hello from the commit KEPT=from the container\n", await ImageProbe.RunAsync(image));
        var inspect = await ImageProbe.InspectAsync(image.Id);
        Assert.Equal("state for the next test", inspect!.Comment);
        Assert.Equal(ResourceLabels.SessionId, inspect.Config!.Labels![ResourceLabels.Session]);
        Assert.True((await container.GetStateAsync()).Running);

        await image.DisposeAsync();
        Assert.Null(await ImageProbe.InspectAsync(image.Id));
    }

    [Fact]
    public async Task A_stopped_container_commits_too_and_keeps_its_command_when_none_is_given()
    {
        await using var container = Sleeper.Build();
        await container.StartAsync();
        Assert.Equal(0, (await container.ExecAsync(["sh", "-c", "echo written while running > /marker"])).ExitCode);
        await container.KillAsync();
        await container.WaitForExitAsync();

        await using var image = await container.CommitAsync("testkit-test/stopped", Guid.NewGuid().ToString("N"));

        Assert.Equal(["sleep", "infinity"], (await ImageProbe.InspectAsync(image.Id))!.Config!.Cmd);
        Assert.StartsWith("testkit-test/stopped:", image.Name, StringComparison.Ordinal);
        await using var next = new ContainerBuilder(image).Build();
        await next.StartAsync();
        Assert.Equal("written while running\n", System.Text.Encoding.UTF8.GetString(await next.ReadFileAsync("/marker")));
    }

    [Fact]
    public async Task Bad_commit_input_is_refused_before_the_engine_is_asked()
    {
        await using var container = Sleeper.Build();
        await container.StartAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => container.CommitAsync("testkit-test/x:tag"));
        await Assert.ThrowsAsync<ArgumentException>(() => container.CommitAsync("testkit-test/x", "bad tag"));
        await Assert.ThrowsAsync<ArgumentException>(() => container.CommitAsync("testkit-test/x", command: []));
    }
}
