using System.Diagnostics;
using Docker.DotNet.Models;
using Testkit.Cleanup;
using Testkit.Engine;
using Xunit.Abstractions;

namespace Testkit.Tests.LeakCleanup;

/// <summary>A test process killed in the middle of a build leaves none of the images the build made so far: they carry
/// the session's labels (from the labelled base), so its watchdog removes them.</summary>
[Collection(LeakProbeGroup.Name)]
public sealed class KilledBuildTests(LeakProbeFixture fixture, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan BuildDeadline = TimeSpan.FromSeconds(90);
    private readonly string context = Directory.CreateTempSubdirectory("testkit-killed-build-").FullName;
    private readonly string marker = Guid.NewGuid().ToString("N");

    [Fact]
    public async Task A_build_killed_in_its_third_step_leaves_neither_its_step_images_nor_anything_of_its_session()
    {
        // Two steps that make images, then one that runs until the build is killed: the fault under test.
        await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"),
            $"FROM debian:bookworm\nENV TESTKIT_MARKER={marker}\nRUN echo {marker} > /marker\nRUN echo waiting-{marker} && sleep infinity\n");
        var since = DateTime.UtcNow - TimeSpan.FromMinutes(1); // the engine's clock may differ a little
        var engine = await DockerEngine.GetSharedAsync();
        await using var probe = await LeakProbeProcess.StartAsync(fixture.ProbeDll, hostName: LeakProbeFixture.NewHostName(), arguments: ["--build", context]);
        try
        {
            Assert.True(await WatchdogProcesses.AppearsAsync(probe.Session, Deadline), "the probe's watchdog should run");
            var clock = Stopwatch.StartNew();
            while (!probe.Lines.Any(l => l.EndsWith($" waiting-{marker}", StringComparison.Ordinal)) && clock.Elapsed < BuildDeadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20));
            }

            var before = await LeftAsync(engine, probe.Session, since);
            Assert.True(before.Marked > 0, $"the build should be in its last step, with its step images made. The probe's output:\n{string.Join("\n", probe.Lines)}");

            await probe.EndAsync("KILL");
            clock.Restart();
            (int Marked, int OfSession) left;
            do
            {
                left = await LeftAsync(engine, probe.Session, since);
            }
            while ((left.Marked > 0 || left.OfSession > 0) && clock.Elapsed < Deadline && await Delay());

            output.WriteLine($"before the kill: {before.Marked} step image(s), {before.OfSession} image(s) of the session; "
                + $"{clock.ElapsedMilliseconds} ms after: {left.Marked} and {left.OfSession}");
            output.WriteLine(probe.ReadWatchdogLog());
            Assert.Equal((0, 0), left);
        }
        finally
        {
            foreach (var id in await MarkedAsync(engine, since))
            {
                await EngineResources.RemoveAsync(images: [id]);
            }
        }
    }

    public void Dispose() => Directory.Delete(context, recursive: true);

    private static async Task<bool> Delay()
    {
        await Task.Delay(TimeSpan.FromMilliseconds(50));
        return true;
    }

    /// <summary>The images the build made (they have its marker variable), and all images of the session.</summary>
    private async Task<(int Marked, int OfSession)> LeftAsync(DockerEngine engine, string session, DateTime since)
    {
        var ofSession = await engine.Client.Images.ListImagesAsync(new ImagesListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{ResourceLabels.Session}={session}"] = true } },
        });
        return ((await MarkedAsync(engine, since)).Count, ofSession.Count);
    }

    private async Task<IReadOnlyList<string>> MarkedAsync(DockerEngine engine, DateTime since)
    {
        var marked = new List<string>();
        foreach (var image in (await engine.Client.Images.ListImagesAsync(new ImagesListParameters { All = true })).Where(i => i.Created >= since))
        {
            if (await Testkit.Images.ImageCleanup.InspectAsync(engine, image.ID) is { } inspected
                && inspected.Config?.Env?.Contains($"TESTKIT_MARKER={marker}") == true)
            {
                marked.Add(image.ID);
            }
        }

        return marked;
    }
}
