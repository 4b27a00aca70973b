using System.Diagnostics;
using Testkit.Cleanup;
using Testkit.Engine;
using Xunit.Abstractions;

namespace Testkit.Tests.LeakCleanup;

/// <summary>An image labelled <see cref="ResourceLabels.KeepOnceTagged"/> (a snapshot, committed first and named after) is
/// its session's until it has a tag: a process killed in between leaves nothing, a named one outlives the session.</summary>
[Collection(LeakProbeGroup.Name)]
public sealed class KeepOnceTaggedTests(LeakProbeFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task The_sweep_removes_a_dead_sessions_unnamed_commit_and_leaves_its_named_one()
    {
        var dead = EngineResources.SessionLabels(Guid.NewGuid().ToString("N"), await EngineResources.DeadPidAsync(), EngineResources.StartAt(1));
        dead[ResourceLabels.Keep] = ResourceLabels.KeepOnceTagged;
        string? source = null, unnamed = null, named = null;
        try
        {
            // The source names no session, so that no sweep removes it first.
            source = await EngineResources.StartContainerAsync(new Dictionary<string, string> { ["org.testkit.test"] = "keep-once-tagged" });
            unnamed = await EngineResources.CommitImageAsync(source, dead, tagged: false);
            named = await EngineResources.CommitImageAsync(source, dead);

            var result = await DeadSessionSweep.RunAsync(await DockerEngine.GetSharedAsync(), CancellationToken.None);

            Assert.Empty(result.Failures);
            Assert.False(await EngineResources.ImageExistsAsync(unnamed), "an unnamed commit of a dead session is removed");
            Assert.True(await EngineResources.ImageExistsAsync(named), "a named one outlives its session");
        }
        finally
        {
            await EngineResources.RemoveAsync([source], images: [unnamed, named]);
        }
    }

    [Fact]
    public async Task The_watchdog_of_a_killed_process_removes_its_unnamed_commit_and_leaves_its_named_one()
    {
        var host = LeakProbeFixture.NewHostName();
        await using var probe = await LeakProbeProcess.StartAsync(fixture.ProbeDll, connectOnly: true, hostName: host);
        string? source = null, unnamed = null, named = null;
        try
        {
            Assert.True(await WatchdogProcesses.AppearsAsync(probe.Session, Deadline), "the probe's watchdog should run");
            var labels = EngineResources.SessionLabels(probe.Session, probe.Pid, SessionOwner.Current.Start, host);
            labels[ResourceLabels.Keep] = ResourceLabels.KeepOnceTagged;
            source = await EngineResources.StartContainerAsync(new Dictionary<string, string> { ["org.testkit.test"] = "keep-once-tagged" });
            unnamed = await EngineResources.CommitImageAsync(source, labels, tagged: false);
            named = await EngineResources.CommitImageAsync(source, labels);

            await probe.EndAsync("KILL");
            var elapsed = await EngineResources.TimeUntilGoneAsync(Stopwatch.StartNew(), Deadline, () => EngineResources.ImageExistsAsync(unnamed));
            var watchdogExited = await WatchdogProcesses.ExitsAsync(probe.Session, Deadline);
            output.WriteLine(probe.ReadWatchdogLog());
            Assert.True(elapsed is not null, $"the unnamed commit must be gone within {Deadline.TotalSeconds} s");
            Assert.True(watchdogExited, "the watchdog must exit once it has cleaned up");
            Assert.True(await EngineResources.ImageExistsAsync(named), "a named one outlives its session");
        }
        finally
        {
            await EngineResources.RemoveAsync([source], images: [unnamed, named]);
        }
    }
}
