using System.Collections.Concurrent;
using System.Diagnostics;

namespace Testkit.Tests.LeakCleanup;

/// <summary>A running tests/Testkit.LeakProbe: a test process in miniature that made a container, a network and a volume
/// (and a kept volume), to be ended by a signal, a command or the end of its input.</summary>
internal sealed class LeakProbeProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly Lazy<bool> CanRename = new(() =>
    {
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("unshare", ["--uts", "hostname", "testkit-probe-check"])
            {
                UseShellExecute = false,
                RedirectStandardError = true,
            })!;
            probe.WaitForExit();
            return probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });

    private readonly Process process;
    private readonly ConcurrentQueue<string> lines = new();
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LeakProbeProcess(Process process, string watchdogLog)
    {
        this.process = process;
        WatchdogLog = watchdogLog;
    }

    public string Session => Value("session");

    public string ContainerId => Value("container");

    public string NetworkName => Value("network");

    public string VolumeName => Value("volume");

    public string KeptVolumeName => Value("kept-volume");

    public string ReusedContainerId => Value("reused");

    public int Pid => process.Id;

    /// <summary>Where the probe's watchdog logs (TESTKIT_WATCHDOG_LOG).</summary>
    public string WatchdogLog { get; }

    public IReadOnlyList<string> Lines => [.. lines];

    /// <summary>Starts the probe with <paramref name="environment"/> added to (a null value: removed from) this process's
    /// environment — never with TESTKIT_CLEANUP unless given, whatever this process runs with — and waits for READY.</summary>
    /// <param name="hostName">A host name of its own (see <see cref="CanRenameHost"/>), so that the sweeps of the other test
    /// processes on this machine, which only judge this host's sessions, leave its resources alone.</param>
    /// <param name="arguments">More of the probe's options: <c>--engine-fault</c>, or <c>--build DIR</c> (a directory whose
    /// Dockerfile the probe starts building before READY, and never waits for, instead of making its container, network and volumes).</param>
    public static async Task<LeakProbeProcess> StartAsync(
        string probeDll, IReadOnlyDictionary<string, string?>? environment = null, bool connectOnly = false, string? hostName = null,
        IReadOnlyList<string>? arguments = null)
    {
        // In a process group (and session) of its own, so that "KILL-GROUP" can kill the group without killing this process.
        string[] command = [Environment.ProcessPath is { } current && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet"];
        if (File.Exists("/usr/bin/setsid"))
        {
            command = ["/usr/bin/setsid", .. command];
        }

        var start = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (hostName is not null)
        {
            // A new UTS namespace: the same process (exec all the way), pid namespace and boot, another host name.
            command = ["unshare", "--uts", "sh", "-c", "hostname \"$0\" && exec \"$@\"", hostName, .. command];
        }

        start.FileName = command[0];
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(probeDll);
        if (connectOnly)
        {
            start.ArgumentList.Add("--connect-only");
        }

        foreach (var argument in arguments ?? [])
        {
            start.ArgumentList.Add(argument);
        }

        var watchdogLog = Path.Combine(Path.GetTempPath(), $"testkit-leakprobe-{Guid.NewGuid():N}.log");
        start.Environment.Remove("TESTKIT_CLEANUP");
        start.Environment["TESTKIT_WATCHDOG_LOG"] = watchdogLog;
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var probe = new LeakProbeProcess(Process.Start(start)!, watchdogLog);
        probe.process.OutputDataReceived += (_, e) => probe.OnLine(e.Data);
        probe.process.ErrorDataReceived += (_, e) => probe.OnLine(e.Data is null ? null : "stderr " + e.Data);
        probe.process.BeginOutputReadLine();
        probe.process.BeginErrorReadLine();
        var exited = probe.process.WaitForExitAsync();
        if (await Task.WhenAny(probe.ready.Task, exited, Task.Delay(StartTimeout)) != probe.ready.Task)
        {
            await probe.DisposeAsync();
            throw new InvalidOperationException(
                $"The leak probe did not print READY within {StartTimeout.TotalSeconds} s (exited: {exited.IsCompleted}). Its output:\n{string.Join("\n", probe.Lines)}");
        }

        return probe;
    }

    /// <summary>Whether a probe can run under a host name of its own (<c>unshare --uts</c>: Linux, as root).</summary>
    public static bool CanRenameHost => CanRename.Value;

    /// <summary>Ends the probe: a signal name for kill(1) (KILL, TERM, INT), "KILL-TREE" (the probe and every descendant
    /// .NET finds by parent id, as test runners kill a test host), "KILL-GROUP" (SIGKILL to its process group), "exit"
    /// (a command: a normal return from Main), or "end-of-input" (its standard input closed: also a normal return).</summary>
    public async Task EndAsync(string how)
    {
        switch (how)
        {
            case "KILL-TREE":
                process.Kill(entireProcessTree: true);
                break;
            case "KILL-GROUP":
                using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-s", "KILL", "--", "-" + Pid.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!)
                {
                    await kill.WaitForExitAsync();
                    if (kill.ExitCode != 0)
                    {
                        throw new InvalidOperationException($"kill -s KILL -- -{Pid} failed: the probe leads no process group (is /usr/bin/setsid missing?).");
                    }
                }

                break;
            case "exit":
                await process.StandardInput.WriteLineAsync("exit");
                await process.StandardInput.FlushAsync();
                break;
            case "end-of-input":
                process.StandardInput.Close();
                break;
            case "KILL":
                process.Kill();
                break;
            default:
                using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-s", how, Pid.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!)
                {
                    await kill.WaitForExitAsync();
                }

                break;
        }
    }

    /// <summary>Writes a line to the probe's standard input (a command such as <c>start</c>).</summary>
    public async Task SendAsync(string line)
    {
        await process.StandardInput.WriteLineAsync(line);
        await process.StandardInput.FlushAsync();
    }

    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return process.ExitCode;
    }

    /// <summary>The watchdog's log, for the test output.</summary>
    public string ReadWatchdogLog() => File.Exists(WatchdogLog) ? File.ReadAllText(WatchdogLog) : "(no watchdog log)";

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
        }

        await process.WaitForExitAsync();
        process.Dispose();
        File.Delete(WatchdogLog);
    }

    private string Value(string key) =>
        lines.FirstOrDefault(l => l.StartsWith(key + " ", StringComparison.Ordinal))?[(key.Length + 1)..]
        ?? throw new InvalidOperationException($"The leak probe printed no '{key}' line. Its output:\n{string.Join("\n", Lines)}");

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lines.Enqueue(line);
        if (line == "READY")
        {
            ready.TrySetResult();
        }
    }
}
