using System.Diagnostics;
using Testkit.Cleanup;
using Testkit.Tests.Engine;
using Xunit.Abstractions;

namespace Testkit.Tests.LeakCleanup;

/// <summary>A real test process (tests/Testkit.LeakProbe) makes a container, a network and a volume and ends without
/// disposing them, in every way a test process ends; its watchdog must remove all three within 10 s.</summary>
[Collection(LeakProbeGroup.Name)]
public sealed class WatchdogTests(LeakProbeFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData("KILL")]
    [InlineData("KILL-TREE")]
    [InlineData("KILL-GROUP")]
    [InlineData("TERM")]
    [InlineData("INT")]
    [InlineData("exit")]
    [InlineData("end-of-input")]
    public async Task When_the_test_process_ends_its_container_network_and_volume_are_gone_within_10_s_but_the_kept_volume_stays(string how)
    {
        await using var probe = await LeakProbeProcess.StartAsync(fixture.ProbeDll, hostName: LeakProbeFixture.NewHostName());
        try
        {
            Assert.True(await EngineResources.ContainerExistsAsync(probe.ContainerId));
            Assert.True(await WatchdogProcesses.AppearsAsync(probe.Session, Deadline), "the probe's watchdog should run");

            var clock = Stopwatch.StartNew();
            await probe.EndAsync(how);
            var elapsed = await EngineResources.TimeUntilGoneAsync(clock, Deadline,
                () => EngineResources.ContainerExistsAsync(probe.ContainerId),
                () => EngineResources.NetworkExistsAsync(probe.NetworkName),
                () => EngineResources.VolumeExistsAsync(probe.VolumeName));

            output.WriteLine($"{how}: container, network and volume removed {elapsed?.TotalMilliseconds:0} ms after the probe was told to end");
            output.WriteLine(string.Join("\n", probe.Lines.Where(line => line.StartsWith("log 50", StringComparison.Ordinal) || line.StartsWith("log 6 ", StringComparison.Ordinal))));
            var watchdogExited = await WatchdogProcesses.ExitsAsync(probe.Session, Deadline);
            output.WriteLine(probe.ReadWatchdogLog());
            Assert.True(elapsed is not null, $"after {how}, the probe's resources must be gone within {Deadline.TotalSeconds} s");
            Assert.True(await EngineResources.VolumeExistsAsync(probe.KeptVolumeName), $"a volume labelled {ResourceLabels.Keep}=true must stay");
            Assert.True(watchdogExited, "the watchdog must exit once it has cleaned up");
        }
        finally
        {
            await EngineResources.RemoveAsync([probe.ContainerId], [probe.NetworkName], [probe.VolumeName, probe.KeptVolumeName]);
        }
    }

    [Fact]
    public async Task A_reused_container_outlives_its_killed_test_process_and_the_next_run_takes_it_again()
    {
        var label = Guid.NewGuid().ToString("N");
        await using var probe = await LeakProbeProcess.StartAsync(
            fixture.ProbeDll, new Dictionary<string, string?> { ["TESTKIT_PROBE_REUSE_LABEL"] = label }, hostName: LeakProbeFixture.NewHostName());
        try
        {
            Assert.True(await WatchdogProcesses.AppearsAsync(probe.Session, Deadline), "the probe's watchdog should run");
            await probe.EndAsync("KILL");
            var elapsed = await EngineResources.TimeUntilGoneAsync(Stopwatch.StartNew(), Deadline, () => EngineResources.ContainerExistsAsync(probe.ContainerId));
            Assert.True(elapsed is not null, "the probe's throwaway container must be removed by its watchdog");
            Assert.True(await WatchdogProcesses.ExitsAsync(probe.Session, Deadline), "the watchdog must exit once it has cleaned up");
            Assert.True(await EngineResources.ContainerExistsAsync(probe.ReusedContainerId), "the reused container must outlive the session");

            // The next run (this process) with the same settings finds it again.
            await using var next = new Testkit.Containers.ContainerBuilder("debian:bookworm").ReplaceCommand("sleep", "infinity")
                .WithLabel("testkit.probe.reuse", label).WithReuse().Build();
            await next.StartAsync();
            Assert.Equal(probe.ReusedContainerId, next.Id);
        }
        finally
        {
            await EngineResources.RemoveAsync([probe.ContainerId, probe.ReusedContainerId], [probe.NetworkName], [probe.VolumeName, probe.KeptVolumeName]);
        }
    }

    [Fact]
    public async Task Over_a_TLS_endpoint_the_watchdog_uses_the_same_certificates_as_the_test_process()
    {
        var proxy = new TlsEngineTests.TlsEngineProxy();
        await proxy.InitializeAsync();
        try
        {
            var variables = new Dictionary<string, string?>
            {
                ["DOCKER_HOST"] = proxy.Host,
                ["DOCKER_TLS_VERIFY"] = "1",
                ["DOCKER_CERT_PATH"] = Path.GetDirectoryName(proxy.CaPath),
                ["DOCKER_CONTEXT"] = null,
            };
            await using var probe = await StartOverTlsAsync(variables);
            try
            {
                Assert.True(await WatchdogProcesses.AppearsAsync(probe.Session, Deadline), "the probe's watchdog should run");
                var commandLine = Assert.Single(WatchdogProcesses.For(probe.Session)).CommandLine;
                Assert.Contains($"--engine {proxy.Host}", commandLine, StringComparison.Ordinal);
                Assert.Contains($"--tls-verify --tls-ca {proxy.CaPath} --tls-cert {proxy.ClientCertificatePath} --tls-key {proxy.ClientKeyPath}", commandLine, StringComparison.Ordinal);

                var handshakes = proxy.AcceptedClients;
                var clock = Stopwatch.StartNew();
                await probe.EndAsync("KILL");
                var elapsed = await EngineResources.TimeUntilGoneAsync(clock, Deadline,
                    () => EngineResources.ContainerExistsAsync(probe.ContainerId),
                    () => EngineResources.NetworkExistsAsync(probe.NetworkName),
                    () => EngineResources.VolumeExistsAsync(probe.VolumeName));

                output.WriteLine($"KILL over TLS: removed in {elapsed?.TotalMilliseconds:0} ms");
                var watchdogExited = await WatchdogProcesses.ExitsAsync(probe.Session, Deadline);
                output.WriteLine(probe.ReadWatchdogLog());
                Assert.True(elapsed is not null, $"the probe's resources must be gone within {Deadline.TotalSeconds} s");
                Assert.True(proxy.AcceptedClients > handshakes, "the watchdog must have removed them through the TLS endpoint");
                Assert.True(watchdogExited, "the watchdog must exit once it has cleaned up");
            }
            finally
            {
                await EngineResources.RemoveAsync([probe.ContainerId], [probe.NetworkName], [probe.VolumeName, probe.KeptVolumeName]);
            }
        }
        finally
        {
            await proxy.DisposeAsync();
            proxy.Dispose();
        }
    }

    /// <summary>The probe's first TLS handshake, in a cold process, must finish within the engine probe's 2 s: on a machine
    /// loaded by parallel tests it sometimes does not, which says nothing about the watchdog, so that is tried again.</summary>
    private async Task<LeakProbeProcess> StartOverTlsAsync(Dictionary<string, string?> variables)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await LeakProbeProcess.StartAsync(fixture.ProbeDll, variables, hostName: LeakProbeFixture.NewHostName());
            }
            catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("no answer within", StringComparison.Ordinal))
            {
                output.WriteLine($"attempt {attempt}: the probe's TLS connection timed out; trying again");
            }
        }
    }

    [Fact]
    public async Task With_TESTKIT_CLEANUP_off_there_is_no_watchdog_and_no_sweep()
    {
        var host = LeakProbeFixture.NewHostName();
        var deadVolume = await EngineResources.CreateVolumeAsync(
            EngineResources.SessionLabels(Guid.NewGuid().ToString("N"), await EngineResources.DeadPidAsync(), EngineResources.StartAt(1), host));
        LeakProbeProcess? killed = null;
        try
        {
            await using var probe = await LeakProbeProcess.StartAsync(
                fixture.ProbeDll, new Dictionary<string, string?> { [LeakProtection.EnvironmentVariable] = "off" }, hostName: host);
            killed = probe;

            Assert.Contains(probe.Lines, line => line.StartsWith("log 503 ", StringComparison.Ordinal) && line.Contains("TESTKIT_CLEANUP=off", StringComparison.Ordinal));
            Assert.DoesNotContain(probe.Lines, line => line.StartsWith("log 500 ", StringComparison.Ordinal) || line.StartsWith("log 504 ", StringComparison.Ordinal));
            Assert.Empty(WatchdogProcesses.For(probe.Session));

            await probe.EndAsync("KILL");
            await probe.WaitForExitAsync();
            if (host is null)
            {
                output.WriteLine("unshare --uts is not available, so the probe has this host's name and the other test processes' sweeps "
                    + "may remove what it left: not watching whether its resources stay");
                return;
            }

            // Removal takes about a second when protection is on (see the tests above): watch for three.
            Assert.True(await EngineResources.StaysAsync(TimeSpan.FromSeconds(3),
                () => EngineResources.ContainerExistsAsync(probe.ContainerId),
                () => EngineResources.NetworkExistsAsync(probe.NetworkName),
                () => EngineResources.VolumeExistsAsync(probe.VolumeName),
                () => EngineResources.VolumeExistsAsync(deadVolume)), "with TESTKIT_CLEANUP=off nothing may remove the probe's resources nor sweep the dead session's");
        }
        finally
        {
            await EngineResources.RemoveAsync([killed?.ContainerId], [killed?.NetworkName], [killed?.VolumeName, killed?.KeptVolumeName, deadVolume]);
        }
    }
}
