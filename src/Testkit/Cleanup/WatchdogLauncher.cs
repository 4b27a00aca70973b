using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Testkit.Engine;

namespace Testkit.Cleanup;

/// <summary>Starts this process's watchdog: <c>dotnet exec Testkit.Watchdog.dll</c>, found next to Testkit.dll, with its
/// standard input a pipe that only this process holds, so that the watchdog sees end-of-input however this process ends.</summary>
/// <remarks>Where util-linux's <c>setsid</c> exists the watchdog is started through <c>setsid --fork</c>: in a session
/// of its own (Ctrl-C and signals to this process group miss it) and no longer a child of this process, so that a
/// runner that kills the test host's process tree (by parent id) does not kill it too.</remarks>
internal static class WatchdogLauncher
{
    /// <summary>The watchdog's file name; its <c>.runtimeconfig.json</c> and <c>.deps.json</c> lie beside it.</summary>
    public const string AssemblyFileName = "Testkit.Watchdog.dll";

    private static readonly TaskCompletionSource<int> ReadySource = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Holds the write end of the watchdog's standard input for the life of this process: closing it means "gone".
    private static Process? lifeline;

    /// <summary>The watchdog's process id once it watches (never completes when it could not start).</summary>
    public static Task<int> Ready => ReadySource.Task;

    /// <summary>Starts the watchdog for this session on <paramref name="engine"/>; null when it runs, else why not and what to do.</summary>
    public static string? Start(DockerEngine engine, ILogger logger)
    {
        var directory = Path.GetDirectoryName(typeof(WatchdogLauncher).Assembly.Location) is { Length: > 0 } location ? location : AppContext.BaseDirectory;
        var watchdog = Path.Combine(directory, AssemblyFileName);
        if (!File.Exists(watchdog))
        {
            return $"{watchdog} is missing. The Testkit package's buildTransitive targets copy {AssemblyFileName} with its .runtimeconfig.json and "
                + ".deps.json next to Testkit.dll in every project that gets Testkit, directly or through another package: reference the Testkit "
                + "package directly, or do not exclude its build assets (ExcludeAssets=build), or copy those three files there if your build "
                + "dropped them; TESTKIT_CLEANUP=off silences this.";
        }

        if (FindDotnetHost() is not { } dotnet)
        {
            return "no 'dotnet' host was found to run the watchdog (this process is not run by dotnet, and neither DOTNET_HOST_PATH, DOTNET_ROOT "
                + "nor PATH leads to one). Put dotnet on PATH or set DOTNET_HOST_PATH to it.";
        }

        var start = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        if (FindSetsid() is { } setsid)
        {
            start.FileName = setsid;
            start.ArgumentList.Add("--fork");
            start.ArgumentList.Add(dotnet);
        }
        else
        {
            // Without setsid the watchdog stays in this process group; it ignores Ctrl-C and hang-up itself.
            start.FileName = dotnet;
        }

        foreach (var argument in Arguments(watchdog, engine))
        {
            start.ArgumentList.Add(argument);
        }

        // A profiler or startup hook meant for the tests (coverage, tracing) would slow the watchdog and report on it.
        foreach (var variable in new[] { "CORECLR_ENABLE_PROFILING", "CORECLR_PROFILER", "CORECLR_PROFILER_PATH", "DOTNET_STARTUP_HOOKS" })
        {
            start.Environment.Remove(variable);
        }

        var clock = Stopwatch.StartNew();
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("the process did not start");
        }
        catch (Win32Exception e)
        {
            return $"'{start.FileName}' could not be started ({e.Message}). Check that it is executable, or set TESTKIT_CLEANUP=off to go without leak protection.";
        }

        process.OutputDataReceived += (_, line) => OnOutput(line.Data, clock, logger);
        process.ErrorDataReceived += (_, line) => OnOutput(line.Data is null ? null : "watchdog: " + line.Data, clock, logger);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lifeline = process;
        return null;
    }

    private static IEnumerable<string> Arguments(string watchdog, DockerEngine engine)
    {
        yield return "exec";
        yield return watchdog;
        yield return "--session";
        yield return ResourceLabels.SessionId;
        yield return "--parent";
        yield return Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        yield return "--engine";
        yield return engine.Endpoint.Uri.ToString();
        yield return "--api";
        yield return engine.ApiVersion.ToString();
        if (engine.Endpoint.Tls is { } tls)
        {
            yield return tls.Verify ? "--tls-verify" : "--tls";
            foreach (var (option, path) in new[] { ("--tls-ca", tls.CaCertificatePath), ("--tls-cert", tls.ClientCertificatePath), ("--tls-key", tls.ClientKeyPath) })
            {
                if (path is not null)
                {
                    yield return option;
                    yield return Path.GetFullPath(path);
                }
            }
        }

        if (Environment.GetEnvironmentVariable("TESTKIT_WATCHDOG_LOG") is { Length: > 0 } log)
        {
            yield return "--log";
            yield return Path.GetFullPath(log);
        }
    }

    private static void OnOutput(string? line, Stopwatch clock, ILogger logger)
    {
        if (line is null)
        {
            return;
        }

        try
        {
            if (!ReadySource.Task.IsCompleted && line.StartsWith("ready ", StringComparison.Ordinal)
                && int.TryParse(line.AsSpan("ready ".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                ReadySource.TrySetResult(pid);
                logger.WatchdogReady(pid, clock.ElapsedMilliseconds);
            }
            else
            {
                logger.WatchdogOutput(line);
            }
        }
#pragma warning disable CA1031 // The logger may belong to a test that has ended; its failure must not end this process.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>The <c>dotnet</c> host that runs this process, else the one of the running runtime, else DOTNET_HOST_PATH,
    /// DOTNET_ROOT or PATH.</summary>
    private static string? FindDotnetHost()
    {
        var name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.ProcessPath is { } current && string.Equals(Path.GetFileName(current), name, StringComparison.OrdinalIgnoreCase))
        {
            return current;
        }

        // The runtime lives in <root>/shared/Microsoft.NETCore.App/<version>/ and its host in <root>.
        var runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location) ?? "";
        string?[] candidates =
        [
            runtimeDirectory.Length == 0 ? null : Path.GetFullPath(Path.Combine(runtimeDirectory, "..", "..", "..", name)),
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH"),
            Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root ? Path.Combine(root, name) : null,
            .. (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, name)),
        ];
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>util-linux's setsid, which has <c>--fork</c>; busybox's has not.</summary>
    private static string? FindSetsid()
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        foreach (var path in new[] { "/usr/bin/setsid", "/bin/setsid" })
        {
            if (File.Exists(path) && new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.Name is not "busybox")
            {
                return path;
            }
        }

        return null;
    }
}
