using Testkit.Engine;

namespace Testkit.Tests.Engine;

public class DockerEngineTests
{
    [Fact]
    public async Task Connects_at_a_version_the_engine_speaks()
    {
        var engine = await DockerEngine.GetSharedAsync();
        var version = await engine.Client.System.GetVersionAsync();

        Assert.True(engine.ApiVersion <= Version.Parse(version.APIVersion), $"negotiated {engine.ApiVersion}, engine speaks {version.APIVersion}");
        Assert.True(engine.ApiVersion >= ApiVersions.Oldest);
    }

    [Fact]
    public async Task An_engine_that_does_not_answer_fails_fast_naming_what_was_tried()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<EngineUnavailableException>(() => DockerEngine.ConnectAsync("unix:///tmp/testkit-no-engine-here.sock"));

        Assert.Contains("unix:///tmp/testkit-no-engine-here.sock", error.Message, StringComparison.Ordinal);
        Assert.Contains("no such socket", error.Message, StringComparison.Ordinal);
        Assert.Contains("Start one", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "failing must not hang");
    }
}
