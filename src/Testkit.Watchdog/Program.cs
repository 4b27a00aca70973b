using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Testkit.Watchdog;

/// <summary>Waits until the test process that started it is gone, then removes that process's session from the engine.</summary>
/// <remarks>The test process holds the write end of this process's standard input: the kernel closes it however the
/// test process ends (normal exit, SIGTERM, SIGKILL), so end-of-input is the signal, with no polling. Only SIGTERM to
/// the watchdog itself also starts the cleanup; the terminal's signals (Ctrl-C, hang-up) are ignored, because the test
/// process may survive them and is then still using its resources.</remarks>
internal static class Program
{
    // Long enough for an engine that is restarting (a service restart, a package upgrade, Docker Desktop coming back):
    // the watchdog costs nothing while it waits, and what it cannot remove waits for the next run's sweep.
    private static readonly TimeSpan CleanupDeadline = TimeSpan.FromMinutes(5);

    public static async Task<int> Main(string[] args)
    {
        WatchdogOptions options;
        try
        {
            options = WatchdogOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return 2;
        }

        var log = new WatchdogLog(options.LogPath);
        var terminated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var signals = HandleSignals(terminated);
        var parentGone = Task.Factory.StartNew(WaitForEndOfInput, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        // The test process reads this line to know (and log) that it is protected and how long the start took.
        await Console.Out.WriteLineAsync($"ready {Environment.ProcessId}").ConfigureAwait(false);
        await Console.Out.FlushAsync().ConfigureAwait(false);
        log.Write($"watching test process {options.ParentPid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} "
            + $"for session {options.Session} on {options.Engine}");

        var cause = await Task.WhenAny(parentGone, terminated.Task).ConfigureAwait(false) == parentGone
            ? "the test process is gone"
            : "SIGTERM received";
        var clock = Stopwatch.StartNew();
        log.Write($"{cause}; removing the resources of session {options.Session}");
        using var deadline = new CancellationTokenSource(CleanupDeadline);
        try
        {
            using var engine = new EngineHttp(options);
            var report = await SessionReaper.RemoveSessionAsync(engine, options.Session, log.Write, deadline.Token).ConfigureAwait(false);
            log.Write($"{report} in {clock.ElapsedMilliseconds} ms");
            return 0;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            log.Write($"gave up after {CleanupDeadline.TotalSeconds:0} s: the engine at {options.Engine} did not answer. The next Testkit run on this "
                + $"host removes the leftovers of this dead session, or remove them now with "
                + $"'docker rm -f -v $(docker ps -aq --filter label={SessionReaper.SessionLabel}={options.Session})'");
            return 1;
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            log.Write($"cannot reach the engine at {options.Engine}: {e.Message}. Check the TLS files passed with --tls-ca/--tls-cert/--tls-key "
                + "(the SDK passes those it connected with)");
            return 1;
        }
    }

    private static void WaitForEndOfInput()
    {
        using var input = Console.OpenStandardInput();
        var buffer = new byte[64];
        while (input.Read(buffer) > 0)
        {
            // Nothing is ever written: only the end of the input means something.
        }
    }

    private static Registrations HandleSignals(TaskCompletionSource terminated)
    {
        var registrations = new Registrations();
        try
        {
            registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                terminated.TrySetResult();
            }));
            foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGQUIT, PosixSignal.SIGHUP })
            {
                registrations.Add(PosixSignalRegistration.Create(signal, context => context.Cancel = true));
            }
        }
        catch (PlatformNotSupportedException)
        {
            // Where a signal does not exist it cannot stop the watchdog either.
        }

        return registrations;
    }

    /// <summary>Keeps the signal handlers registered until disposed.</summary>
    private sealed class Registrations : List<PosixSignalRegistration>, IDisposable
    {
        public void Dispose()
        {
            foreach (var registration in this)
            {
                registration.Dispose();
            }
        }
    }
}
