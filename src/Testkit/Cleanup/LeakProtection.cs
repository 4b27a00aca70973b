using System.Diagnostics;
using Docker.DotNet;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Testkit.Engine;

namespace Testkit.Cleanup;

/// <summary>Removes what a test process created even when it is killed: a watchdog process removes the session's
/// resources when the process ends, however it ends, and a sweep at start-up removes what dead processes on this host
/// left, then removes reused containers idle for longer than <see cref="Containers.Reuse.ContainerReuse.IdleTimeout"/>.
/// Neither needs an image nor a privileged container.</summary>
/// <remarks>Both start when the shared engine first connects. Resources labelled <see cref="ResourceLabels.Keep"/>=true
/// are never touched.</remarks>
public static class LeakProtection
{
    /// <summary>The environment variable that turns leak protection off with <c>off</c> (or <c>false</c>, <c>0</c>, <c>no</c>).</summary>
    public const string EnvironmentVariable = "TESTKIT_CLEANUP";

    private static int attached;

    /// <summary>Whether the watchdog and the sweep run; false when TESTKIT_CLEANUP is <c>off</c>. Set it before the
    /// first container, network or volume is created: it is read once, when the shared engine connects.</summary>
    public static bool Enabled { get; set; } = !EnvironmentSwitch.IsOff(Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>The start-up sweep, completed at once when none runs; tests wait for it so that it does not race them.</summary>
    internal static Task<DeadSessionSweep.Result?> Sweep { get; private set; } = Task.FromResult<DeadSessionSweep.Result?>(null);

    /// <summary>Starts the watchdog and the sweep in the background, the first time the shared engine connects; returns <paramref name="engine"/>.</summary>
    internal static DockerEngine Attach(DockerEngine engine, ILogger? logger)
    {
        logger ??= NullLogger.Instance;
        if (Interlocked.Exchange(ref attached, 1) != 0)
        {
            return engine;
        }

        if (!Enabled)
        {
            logger.LeakProtectionOff(EnvironmentSwitch.IsOff(Environment.GetEnvironmentVariable(EnvironmentVariable))
                ? $"{EnvironmentVariable}={Environment.GetEnvironmentVariable(EnvironmentVariable)}"
                : $"{nameof(LeakProtection)}.{nameof(Enabled)} = false");
            return engine;
        }

        // Both in the background: the first container's start waits for neither. Spawning the watchdog costs a cold
        // Process.Start (15-60 ms here, under load) and is done long before a first container exists on the engine.
        _ = Task.Run(() => StartWatchdog(engine, logger));
        Sweep = Task.Run(() => SweepAsync(engine, logger));
        return engine;
    }

    private static void StartWatchdog(DockerEngine engine, ILogger logger)
    {
        var clock = Stopwatch.StartNew();
        string? reason;
        try
        {
            reason = WatchdogLauncher.Start(engine, logger);
        }
#pragma warning disable CA1031 // In the background nobody could catch it: it is logged instead.
        catch (Exception e)
#pragma warning restore CA1031
        {
            reason = $"Starting it failed: {e}. Please report this as a Testkit bug; meanwhile TESTKIT_CLEANUP=off silences this.";
        }

        if (reason is not null)
        {
            Safely(() => logger.WatchdogUnavailable(reason));

            // Most test processes run without a logger, or below Warning: without leak protection a killed run leaves its
            // containers running, so this is said where everyone sees it. Once: this runs once per process (see Attach).
            Safely(() => Console.Error.WriteLine($"Testkit: leak protection has no watchdog, so if this process is killed its containers keep running. {reason.ReplaceLineEndings(" ")}"));
            return;
        }

        Safely(() => logger.LeakProtectionStarted(ResourceLabels.SessionId, clock.ElapsedMilliseconds, SessionOwner.Current.Host));
    }

    private static async Task<DeadSessionSweep.Result?> SweepAsync(DockerEngine engine, ILogger logger)
    {
        DeadSessionSweep.Result result;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            result = await DeadSessionSweep.RunAsync(engine, timeout.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // In the background nobody could catch it: it is logged instead.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Safely(() => logger.SweepFailed(e is DockerApiException or HttpRequestException or OperationCanceledException ? e.Message : e.ToString()));
            return null;
        }

        if (result.Removed > 0 || result.DeadSessions > 0)
        {
            Safely(() => logger.SweepDone(result.Removed, result.DeadSessions, SessionOwner.Current.Host, (long)result.Elapsed.TotalMilliseconds));
        }

        foreach (var (resource, why) in result.Failures)
        {
            Safely(() => logger.SweepRemoveFailed(resource, why));
        }

        await PruneIdleReusedAsync(engine, logger).ConfigureAwait(false);
        return result;
    }

    private static async Task PruneIdleReusedAsync(DockerEngine engine, ILogger logger)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await Containers.Reuse.ContainerReuse.PruneIdleAsync(engine, DateTimeOffset.UtcNow, Containers.Reuse.ContainerReuse.IdleTimeout, labelFilter: null, logger, timeout.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // In the background nobody could catch it: it is logged instead.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Safely(() => logger.SweepFailed(e is DockerApiException or HttpRequestException or OperationCanceledException or IOException ? e.Message : e.ToString()));
        }
    }

    /// <summary>Logs from the background, where the logger may belong to a test that has ended and throw.</summary>
    private static void Safely(Action log)
    {
        try
        {
            log();
        }
#pragma warning disable CA1031 // A logger's failure must not end the sweep, nor the process.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
