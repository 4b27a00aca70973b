using Docker.DotNet.Models;
using Testkit.Engine;
using Testkit.Tests.Shared;

namespace Testkit.Compose.Tests;

public sealed class ComposeStackBuildTests : IDisposable
{
    private readonly ComposeDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Build_service_with_a_multi_stage_target_runs_that_stage_and_down_removes_the_image()
    {
        _dir.Write("app/Dockerfile", """
            FROM debian:bookworm AS base
            RUN echo base > /stage
            FROM base AS test
            ARG GREETING=none
            RUN echo "test $GREETING" > /stage
            FROM base AS final
            RUN echo final > /stage
            """);
        var file = _dir.Write("docker-compose.yaml", """
            services:
              app:
                build:
                  context: ./app
                  target: test
                  args:
                    GREETING: hello
                command: ["sleep", "infinity"]
            """);

        var stack = ComposeStack.FromFiles(new ComposeStackOptions { Environment = new Dictionary<string, string>(), ProjectName = "tk-compose-build" }, file);
        string id, image;
        await using (stack)
        {
            await stack.StartAsync();
            var app = stack.GetService("app");
            id = app.Id;
            image = app.Image!;
            var stage = await app.ExecAsync(["cat", "/stage"]);
            Assert.Equal("test hello", stage.Stdout.Trim());
        }

        Assert.False(await EngineProbe.ContainerExistsAsync(id));
        var images = await (await DockerEngine.GetSharedAsync()).Client.Images.ListImagesAsync(new ImagesListParameters { All = true });
        Assert.DoesNotContain(images, i => (i.RepoTags ?? []).Contains(image));
    }
}
