using System.Globalization;
using Testkit.Cleanup;
using Testkit.Engine;
using Xunit.Abstractions;

namespace Testkit.Tests.LeakCleanup;

public class OwnWatchdogTests(ITestOutputHelper output)
{
    [Fact]
    public async Task This_test_process_has_a_watchdog_in_a_session_of_its_own_that_is_not_its_child()
    {
        await DockerEngine.GetSharedAsync();
        if (!LeakProtection.Enabled)
        {
            output.WriteLine("leak protection is off in this test process (TESTKIT_CLEANUP): nothing to check");
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var pid = await WatchdogLauncher.Ready.WaitAsync(timeout.Token);
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var (parent, session) = (int.Parse(fields[1], CultureInfo.InvariantCulture), int.Parse(fields[3], CultureInfo.InvariantCulture));

        Assert.Contains($"--session {ResourceLabels.SessionId} ", File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' '), StringComparison.Ordinal);
        if (File.Exists("/usr/bin/setsid"))
        {
            Assert.NotEqual(Environment.ProcessId, parent);
            Assert.Equal(pid, session);
        }
    }
}
