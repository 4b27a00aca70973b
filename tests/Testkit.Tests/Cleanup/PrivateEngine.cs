using System.Diagnostics;

namespace Testkit.Tests.LeakCleanup;

/// <summary>A second Docker daemon of the test's own (its own socket, data and state directories, no bridge), so that a
/// test can kill and restart an engine without disturbing the engine every other test uses.</summary>
/// <remarks>Needs root, <c>unshare</c> and <c>dockerd</c> on PATH, as eng/engine.sh installs it; <see cref="Available"/> says whether.</remarks>
internal sealed class PrivateEngine : IAsyncDisposable
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(90);

    private readonly string directory;
    private Process? daemon;

    private PrivateEngine(string directory) => this.directory = directory;

    /// <summary>The engine's address, for DOCKER_HOST.</summary>
    public string Host => "unix://" + Path.Combine(directory, "docker.sock");

    public static bool Available => Environment.UserName == "root" && OnPath("dockerd") && OnPath("unshare");

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, program)));

    public static async Task<PrivateEngine> StartAsync()
    {
        // Short: a unix socket's path must stay under 108 bytes.
        var engine = new PrivateEngine(Directory.CreateTempSubdirectory("tk-engine-").FullName);
        await engine.StartDaemonAsync();
        return engine;
    }

    /// <summary>Kills the daemon (SIGKILL, as a crash or an OOM kill would), leaving its containers' processes to their shims.</summary>
    public async Task KillAsync()
    {
        daemon!.Kill();
        await daemon.WaitForExitAsync();
        daemon.Dispose();
        daemon = null;

        // The containerd it started would outlive it for a while, and the next dockerd times out waiting to start its own:
        // the engine crashed as a whole, and only the shims (the containers' processes) stay.
        var containerdPid = Path.Combine(directory, "exec", "containerd", "containerd.pid");
        if (File.Exists(containerdPid) && int.TryParse(await File.ReadAllTextAsync(containerdPid), out var pid))
        {
            try
            {
                using var containerd = Process.GetProcessById(pid);
                containerd.Kill();
                await containerd.WaitForExitAsync();
            }
            catch (ArgumentException)
            {
                // Gone already.
            }
        }
    }

    /// <summary>Starts the daemon again on the same state, as a restarted service would, and waits until it answers.</summary>
    public Task RestartAsync() => StartDaemonAsync();

    /// <summary>Imports an image of a few megabytes that can run <c>sleep</c>: the host's own sleep and the libraries it
    /// loads (no registry here, and loading a Debian image into a second engine takes seconds).</summary>
    public async Task<string> ImportSleeperAsync()
    {
        const string image = "testkit-fault/sleeper:1";
        const string script = """
            set -e
            root=$(mktemp -d)
            for file in /usr/bin/sleep $(ldd /usr/bin/sleep | grep -o '/[^ ]*'); do
              mkdir -p "$root$(dirname "$file")"
              cp -L "$file" "$root$file"
            done
            tar -C "$root" -c . | docker --host "$0" import - "$1"
            rm -rf "$root"
            """;
        using var import = Process.Start(new ProcessStartInfo("sh", ["-c", script, Host, image]) { UseShellExecute = false, RedirectStandardOutput = true })!;
        await import.WaitForExitAsync();
        return import.ExitCode == 0 ? image : throw new InvalidOperationException($"Importing {image} into the private engine failed with {import.ExitCode}.");
    }

    /// <summary>The ids of the containers (all states) labelled <paramref name="label"/>.</summary>
    public async Task<IReadOnlyList<string>> ContainersAsync(string label) =>
        (await DockerAsync("ps", "-aq", "--no-trunc", "--filter", "label=" + label)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public Task<string> DockerAsync(params string[] arguments) => Shared.DockerCli.RunAsync(["--host", Host, .. arguments]);

    /// <summary>Every container with its state and its last log lines, for a failing test's output (empty when the daemon is down).</summary>
    public async Task<string> DescribeContainersAsync()
    {
        try
        {
            var text = await DockerAsync("ps", "-a", "--no-trunc");
            foreach (var id in (await DockerAsync("ps", "-aq")).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                text += $"--- {id}:\n" + await DockerAsync("logs", "--tail", "20", id);
            }

            return text;
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }

    /// <summary>What the daemon logged, for a failing test's output.</summary>
    public string ReadLog() => File.Exists(LogPath) ? File.ReadAllText(LogPath) : "(no log)";

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (daemon is { HasExited: false })
            {
                foreach (var id in (await DockerAsync("ps", "-aq")).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    try
                    {
                        await DockerAsync("rm", "-f", id);
                    }
                    catch (InvalidOperationException)
                    {
                        // Being removed already (a watchdog, a sweep): the daemon's stop below waits for it.
                    }
                }

                // A clean stop unmounts the containers' layers, so that the directory can go.
                using var stop = Process.Start("kill", ["-TERM", daemon.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await stop.WaitForExitAsync();
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await daemon.WaitForExitAsync(deadline.Token);
            }
        }
        finally
        {
            if (daemon is { HasExited: false })
            {
                daemon.Kill(entireProcessTree: true);
            }

            daemon?.Dispose();
            await RemoveLeftoversAsync();
        }
    }

    /// <summary>After a failed test the daemon may be dead with its containers' shims alive and their layers mounted: end
    /// every process that names this engine's directory, unmount what lies under it, then delete it.</summary>
    private async Task RemoveLeftoversAsync()
    {
        foreach (var process in Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(d => d!.All(char.IsAsciiDigit)))
        {
            try
            {
                if ((await File.ReadAllTextAsync($"/proc/{process}/cmdline")).Contains(directory, StringComparison.Ordinal))
                {
                    using var leftover = Process.GetProcessById(int.Parse(process!, System.Globalization.CultureInfo.InvariantCulture));
                    leftover.Kill();
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                // Ended meanwhile.
            }
        }

        var mounts = (await File.ReadAllLinesAsync("/proc/mounts")).Select(l => l.Split(' ')[1]).Where(m => m.StartsWith(directory, StringComparison.Ordinal));
        foreach (var mount in mounts.OrderDescending(StringComparer.Ordinal))
        {
            using var umount = Process.Start("umount", ["-l", mount]);
            await umount.WaitForExitAsync();
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Something still holds it: the temporary directory is the system's to clear.
        }
    }

    private string LogPath => Path.Combine(directory, "dockerd.log");

    private async Task StartDaemonAsync()
    {
        // In a network namespace of its own: a dockerd without a bridge deletes the host's docker0 at start-up (the main
        // engine's default bridge, which every other container needs), and its iptables rules stay its own too.
        var start = new ProcessStartInfo("unshare")
        {
            UseShellExecute = false,
            ArgumentList =
            {
                "--net", "sh", "-c", "exec dockerd --data-root \"$0/data\" --exec-root \"$0/exec\" --pidfile \"$0/dockerd.pid\" --host \"unix://$0/docker.sock\" "
                    + "--bridge none --iptables=false --ip-masq=false >> \"$0/dockerd.log\" 2>&1",
                directory,
            },
        };
        daemon = Process.Start(start)!;
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (daemon.HasExited)
            {
                throw new InvalidOperationException($"The private dockerd exited with {daemon.ExitCode}. Its log:\n{ReadLog()}");
            }

            try
            {
                await DockerAsync("version", "--format", "{{.Server.APIVersion}}");
                return;
            }
            catch (InvalidOperationException) when (deadline.Elapsed < AnswerTimeout)
            {
                await Task.Delay(50);
            }
        }
    }
}
