using Testkit.Cleanup;
using Testkit.Tests.Support;
using Xunit.Abstractions;

namespace Testkit.Tests.LeakCleanup;

/// <summary>A test process whose output lacks the watchdog's files runs without leak protection: it must say so where
/// everyone sees it (standard error, once), not only to a logger that most test processes do not have.</summary>
[Collection(LeakProbeGroup.Name)]
public sealed class MissingWatchdogTests(LeakProbeFixture fixture, ITestOutputHelper output)
{
    private const string StderrLine = "stderr Testkit: leak protection has no watchdog";

    [Fact]
    public async Task Without_the_watchdog_files_a_process_warns_once_on_stderr_and_in_its_log_naming_the_cause_and_the_fix()
    {
        var directory = CopyWithoutWatchdog(Path.GetDirectoryName(fixture.ProbeDll)!);
        try
        {
            await using var probe = await LeakProbeProcess.StartAsync(
                Path.Combine(directory, Path.GetFileName(fixture.ProbeDll)), connectOnly: true, hostName: LeakProbeFixture.NewHostName());
            var warning = await Eventually.ReturnsAsync(
                () => Task.FromResult(probe.Lines.FirstOrDefault(line => line.StartsWith("log 502 ", StringComparison.Ordinal))),
                line => line is not null, "the probe's log event 502 (no watchdog)");
            await probe.EndAsync("exit");
            await probe.WaitForExitAsync();
            output.WriteLine(string.Join("\n", probe.Lines));

            Assert.StartsWith("log 502 Warning ", warning, StringComparison.Ordinal);
            var stderr = Assert.Single(probe.Lines, line => line.StartsWith(StderrLine, StringComparison.Ordinal));
            foreach (var said in new[] { Path.Combine(directory, WatchdogLauncher.AssemblyFileName) + " is missing", "reference the Testkit package directly", "TESTKIT_CLEANUP=off" })
            {
                Assert.Contains(said, warning, StringComparison.Ordinal);
                Assert.Contains(said, stderr, StringComparison.Ordinal);
            }

            Assert.Empty(WatchdogProcesses.For(probe.Session));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task With_the_watchdog_files_a_process_says_nothing_on_stderr()
    {
        await using var probe = await LeakProbeProcess.StartAsync(fixture.ProbeDll, connectOnly: true, hostName: LeakProbeFixture.NewHostName());
        await Eventually.ReturnsAsync(
            () => Task.FromResult(probe.Lines.Any(line => line.StartsWith("log 500 ", StringComparison.Ordinal))), started => started,
            "the probe's log event 500 (watchdog started)");
        await probe.EndAsync("exit");
        await probe.WaitForExitAsync();

        Assert.DoesNotContain(probe.Lines, line => line.StartsWith(StderrLine, StringComparison.Ordinal));
    }

    /// <summary>A copy of the probe's output without Testkit.Watchdog.*, as a build that dropped them leaves it.</summary>
    private static string CopyWithoutWatchdog(string source)
    {
        var target = Directory.CreateTempSubdirectory("testkit-no-watchdog-").FullName;
        foreach (var file in Directory.EnumerateFiles(source).Where(f => !Path.GetFileName(f).StartsWith("Testkit.Watchdog.", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        return target;
    }
}
