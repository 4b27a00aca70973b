using Docker.DotNet.Models;
using Testkit.Containers;
using Testkit.Engine;
using Xunit.Abstractions;

namespace Testkit.Tests.Containers;

/// <summary>A start cancelled at any moment, the create request included (the engine may create the container after the
/// client gave up on the answer), leaves no container behind.</summary>
public sealed class CancelledStartTests(ITestOutputHelper output)
{
    private const int Tries = 49;
    private const string TestLabel = "org.testkit.test.cancelled-start";

    [Fact]
    public async Task A_start_cancelled_anywhere_in_its_first_300_ms_leaves_no_container()
    {
        var run = Guid.NewGuid().ToString("N");
        // No network: what is measured is the create and the removal, and the engine's default bridge plays no part.
        var builder = new ContainerBuilder("debian:bookworm").ReplaceCommand("sleep", "infinity").WithNetwork("none").WithLabel(TestLabel, run);
        var engine = await DockerEngine.GetSharedAsync();

        // Resolved once before: the cancellations then fall on the create, the start and what follows, not on the lookup.
        await using (var warm = builder.Build())
        {
            await warm.StartAsync();
        }

        var cancelled = 0;
        try
        {
            for (var i = 0; i < Tries; i++)
            {
                var container = builder.Build();
                using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(i * 300.0 / Tries));
                try
                {
                    await container.StartAsync(cancel.Token);
                }
                catch (OperationCanceledException)
                {
                    cancelled++;
                    continue;
                }

                await container.DisposeAsync();
            }

            // Listed after all tries, so that a container the engine created late for an early try is counted too.
            var left = await ListAsync(engine, run);
            output.WriteLine($"{cancelled} of {Tries} starts cancelled; {left.Count} container(s) left");
            Assert.True(cancelled > Tries / 2, $"only {cancelled} of {Tries} starts were cancelled: the delays no longer cover the start");
            Assert.Empty(left);
        }
        finally
        {
            foreach (var id in await ListAsync(engine, run))
            {
                await engine.Client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true });
            }
        }
    }

    private static async Task<IReadOnlyList<string>> ListAsync(DockerEngine engine, string run) =>
        [.. (await engine.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{TestLabel}={run}"] = true } },
        })).Select(c => c.ID)];
}
