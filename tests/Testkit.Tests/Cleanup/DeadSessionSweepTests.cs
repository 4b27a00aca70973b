using System.Diagnostics;
using Testkit.Cleanup;
using Testkit.Engine;
using Xunit.Abstractions;

namespace Testkit.Tests.LeakCleanup;

/// <summary>Resources left by dead test processes on this host are swept; kept ones, live sessions' ones and other
/// hosts' ones are not.</summary>
[Collection(LeakProbeGroup.Name)]
public sealed class DeadSessionSweepTests(LeakProbeFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task The_sweep_removes_every_kind_of_resource_of_a_dead_session_and_nothing_it_cannot_judge()
    {
        var self = SessionOwner.Current;
        var deadPid = await EngineResources.DeadPidAsync();
        var dead = EngineResources.SessionLabels(Guid.NewGuid().ToString("N"), deadPid, EngineResources.StartAt(1));
        var reusedPid = EngineResources.SessionLabels(Guid.NewGuid().ToString("N"), self.Pid, EngineResources.StartAt(1));
        var live = EngineResources.SessionLabels(Guid.NewGuid().ToString("N"), self.Pid, self.Start);
        var elsewhere = EngineResources.SessionLabels(Guid.NewGuid().ToString("N"), deadPid, EngineResources.StartAt(1), host: "another-host-" + Guid.NewGuid().ToString("N")[..8]);
        var kept = new Dictionary<string, string>(dead) { [ResourceLabels.Keep] = "true" };
        var ownerless = new Dictionary<string, string> { [ResourceLabels.Managed] = "true", [ResourceLabels.Session] = Guid.NewGuid().ToString("N"), [ResourceLabels.OwnerHost] = self.Host };

        string? deadContainer = null, keptContainer = null, deadNetwork = null, deadImage = null;
        var volumes = new Dictionary<string, string>();
        try
        {
            deadContainer = await EngineResources.StartContainerAsync(dead);
            keptContainer = await EngineResources.StartContainerAsync(kept);
            deadNetwork = await EngineResources.CreateNetworkAsync(dead);
            // From the kept container, so that another test process's sweep cannot remove the source first; the image is
            // not kept: the commit's labels win over those it would inherit.
            deadImage = await EngineResources.CommitImageAsync(keptContainer, new Dictionary<string, string>(dead) { [ResourceLabels.Keep] = "false" });
            foreach (var (name, labels) in new[] { ("dead", dead), ("reused pid", reusedPid), ("live", live), ("elsewhere", elsewhere), ("kept", kept), ("ownerless", ownerless) })
            {
                volumes[name] = await EngineResources.CreateVolumeAsync(labels);
            }

            var result = await DeadSessionSweep.RunAsync(await DockerEngine.GetSharedAsync(), CancellationToken.None);
            output.WriteLine($"swept {result.Removed} resources of {result.DeadSessions} dead sessions in {result.Elapsed.TotalMilliseconds:0} ms");

            Assert.Empty(result.Failures);
            Assert.False(await EngineResources.ContainerExistsAsync(deadContainer), "a running container of a dead session is removed");
            Assert.False(await EngineResources.NetworkExistsAsync(deadNetwork), "a network of a dead session is removed");
            Assert.False(await EngineResources.ImageExistsAsync(deadImage), "an image of a dead session is removed");
            Assert.False(await EngineResources.VolumeExistsAsync(volumes["dead"]), "a volume of a dead session is removed");
            Assert.False(await EngineResources.VolumeExistsAsync(volumes["reused pid"]), "a live pid with another start time is not the owner");
            Assert.True(await EngineResources.ContainerExistsAsync(keptContainer), $"{ResourceLabels.Keep}=true keeps a dead session's container");
            Assert.True(await EngineResources.VolumeExistsAsync(volumes["kept"]), $"{ResourceLabels.Keep}=true keeps a dead session's volume");
            Assert.True(await EngineResources.VolumeExistsAsync(volumes["live"]), "a live session's volume stays");
            Assert.True(await EngineResources.VolumeExistsAsync(volumes["elsewhere"]), "another host's pids cannot be judged from here");
            Assert.True(await EngineResources.VolumeExistsAsync(volumes["ownerless"]), "without owner labels nothing can be judged");
        }
        finally
        {
            await EngineResources.RemoveAsync([deadContainer, keptContainer], [deadNetwork], volumes.Values, [deadImage]);
        }
    }

    [Fact]
    public async Task A_new_test_process_sweeps_dead_sessions_in_the_background_when_it_first_connects()
    {
        // Under a host name of its own, only the probe can judge these (when the machine allows it; see NewHostName).
        var host = LeakProbeFixture.NewHostName();
        var deadLabels = EngineResources.SessionLabels(Guid.NewGuid().ToString("N"), await EngineResources.DeadPidAsync(), EngineResources.StartAt(1), host);
        var dead = await EngineResources.CreateVolumeAsync(deadLabels);
        var kept = await EngineResources.CreateVolumeAsync(new Dictionary<string, string>(deadLabels) { [ResourceLabels.Keep] = "true" });
        var live = await EngineResources.CreateVolumeAsync(
            EngineResources.SessionLabels(Guid.NewGuid().ToString("N"), SessionOwner.Current.Pid, SessionOwner.Current.Start, host));
        try
        {
            var clock = Stopwatch.StartNew();
            await using var probe = await LeakProbeProcess.StartAsync(fixture.ProbeDll, connectOnly: true, hostName: host);
            var elapsed = await EngineResources.TimeUntilGoneAsync(clock, TimeSpan.FromSeconds(30), () => EngineResources.VolumeExistsAsync(dead));

            output.WriteLine($"the dead session's volume was gone {elapsed?.TotalMilliseconds:0} ms after the probe started");
            output.WriteLine(string.Join("\n", probe.Lines));
            Assert.True(elapsed is not null, "the probe's start-up sweep must remove the dead session's volume");
            Assert.True(await EngineResources.VolumeExistsAsync(kept), $"{ResourceLabels.Keep}=true must stay");
            Assert.True(await EngineResources.VolumeExistsAsync(live), "a live session's volume must stay");
            Assert.Contains(probe.Lines, line => line.StartsWith("log 500 ", StringComparison.Ordinal));

            await probe.EndAsync("exit");
            Assert.Equal(0, await probe.WaitForExitAsync());
            Assert.True(await WatchdogProcesses.ExitsAsync(probe.Session, TimeSpan.FromSeconds(10)), "the watchdog must exit after its test process");
        }
        finally
        {
            await EngineResources.RemoveAsync(volumes: [dead, kept, live]);
        }
    }
}
