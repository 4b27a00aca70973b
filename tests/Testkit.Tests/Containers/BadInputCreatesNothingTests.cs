using Docker.DotNet.Models;
using Testkit.Containers;
using Testkit.Engine;
using Testkit.Images;
using Testkit.Tests.Images;
using PortBinding = Testkit.Containers.PortBinding;

namespace Testkit.Tests.Containers;

/// <summary>Bad input fails before anything exists on the engine: no container, no image with the test's label.</summary>
public class BadInputCreatesNothingTests
{
    private const string RunLabel = "org.testkit.test.bad-input-run";

    [Fact]
    public async Task Every_bad_input_fails_before_the_engine_is_asked_and_leaves_nothing_behind()
    {
        var run = Guid.NewGuid().ToString("N");
        var good = new ContainerBuilder("redis:7").WithLabel(RunLabel, run);
        using var context = new TempContext(("Dockerfile", "FROM debian:bookworm\nRUN true\n"));
        var attempts = new (string Input, Func<Task> Attempt)[]
        {
            ("host name as host address", () => StartAsync(new Container(good.Settings with { Ports = [new PortBinding(6379).OnHostIp("localhost")] }))),
            ("odd IPv4 form", () => StartAsync(new Container(good.Settings with { Ports = [new PortBinding(6379).OnHostIp("999.1.1.1")] }))),
            ("bad protocol", () => StartAsync(good.WithPortBinding(new PortBinding(6379).WithProtocol("foo")).Build())),
            ("bad image", () => StartAsync(good.WithImage("redis::7").Build())),
            ("empty tag", () => StartAsync(new Container(good.Settings with { Image = "redis:" }))),
            ("'=' in an environment name", () => StartAsync(good.WithEnvironment("A=B", "c").Build())),
            ("bad image tag", () => new ImageBuilder(context.Directory).WithLabel(RunLabel, run).WithTag("redis:t/x").BuildAsync()),
        };

        foreach (var (input, attempt) in attempts)
        {
            var error = await Assert.ThrowsAsync<ArgumentException>(attempt);
            Assert.False(string.IsNullOrWhiteSpace(error.Message), input);
        }

        var engine = await DockerEngine.GetSharedAsync();
        var filter = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{RunLabel}={run}"] = true } };
        Assert.Empty(await engine.Client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter }));
        Assert.Empty(await engine.Client.Images.ListImagesAsync(new ImagesListParameters { All = true, Filters = filter }));
    }

    private static async Task StartAsync(Container container)
    {
        // Reached only when Build() let bad input through: start it as a test would, then remove it.
        await using (container)
        {
            await container.StartAsync();
        }
    }
}
