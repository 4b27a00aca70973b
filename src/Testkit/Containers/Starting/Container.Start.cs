using System.Diagnostics;
using System.Globalization;
using Docker.DotNet.Models;
using Testkit.Engine;
using Testkit.Waiting;

namespace Testkit.Containers;

// The start as a whole: its attempts, its timeout over every step, and what a failed one reports and removes.
public partial class Container
{
    /// <summary>Creates and starts the container (or starts it again after <see cref="StopAsync"/>, keeping its
    /// files), then waits until its wait strategies say it is ready. If the first start fails, the
    /// container is removed before the exception propagates.</summary>
    /// <exception cref="ContainerExitedException">It stopped while starting (exit code and last log lines inside).</exception>
    /// <exception cref="WaitTimeoutException">It did not become ready within the startup timeout (which bounds the whole start:
    /// engine connection, pull, a module's preparation, create, start and waits; the message names the step it ended), or a
    /// wait's own timeout fired (<see cref="WaitTimeoutException.IsStartupTimeout"/> tells which).</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed != 0, this);
        var clock = Stopwatch.StartNew();
        var startRequested = DateTimeOffset.UtcNow;
        var firstStart = id is null;
        var attempts = firstStart && DevServices.For(Settings.Module) is null ? Settings.StartupAttempts : 1;
        var failures = new List<Exception>();
        while (true)
        {
            try
            {
                await StartAttemptAsync(firstStart, startRequested, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (Exception e) when (e is ContainerExitedException or WaitTimeoutException && !cancellationToken.IsCancellationRequested
                                      && failures.Count + 1 < attempts)
            {
                // The failed container is removed already; the next attempt starts from the description on a new one.
                failures.Add(e);
                logger.StartAttemptFailed(failures.Count, attempts, e.Message);
                (id, reuseKey, Name, mappedPorts) = (null, null, null, []);
            }
            catch (Exception e) when (failures.Count > 0 && e is ContainerExitedException or WaitTimeoutException)
            {
                failures.Add(e);
                throw new ContainerStartException($"{Image ?? Settings.Image}", failures);
            }
        }

        StartDuration = clock.Elapsed;
        logger.ContainerReady(ShortId, Image, clock.ElapsedMilliseconds);
    }

    /// <summary>One try of <see cref="StartAsync"/>, bounded by the startup timeout; a failed first start removes its container.</summary>
    private async Task StartAttemptAsync(bool firstStart, DateTimeOffset startRequested, CancellationToken cancellationToken)
    {
        // WithStartupTimeout bounds the whole start, not only the waits: a pull or a module's preparation that hangs ends too.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Settings.StartupTimeout);
        (startDeadline, startClock, startStep) = (deadline, Stopwatch.StartNew(), "starting");
        var token = deadline.Token;
        try
        {
            if (firstStart && DevServices.For(Settings.Module) is { } devService)
            {
                await AttachToDevServiceAsync(devService, token).ConfigureAwait(false);
                await StartCreatedAsync(token).ConfigureAwait(false);
            }
            else if (firstStart)
            {
                startStep = $"starting what the container needs ({GetType().Name}.OnStartingAsync)";
                await OnStartingAsync(token).ConfigureAwait(false);
                await CreateAndStartAsync(token).ConfigureAwait(false);
            }
            else
            {
                previousRunEnded = PreviousRunEnd(await StartCreatedAsync(token).ConfigureAwait(false));
            }

            await StartForwardingOutputAsync(startRequested, token).ConfigureAwait(false);
            if (attachedDevService is null)
            {
                startStep = $"handing the started container what it needs ({GetType().Name}.OnStartedAsync)";
                await OnStartedAsync(token).ConfigureAwait(false);
            }

            await WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Read before the removal: the log tail is gone with the container.
            Exception? reported = await StartTimeoutAsync(e, cancellationToken).ConfigureAwait(false) ?? (Exception?)ConnectionLost(e);
            if (firstStart)
            {
                // A reused container that cannot become ready is broken for every run; one whose start the caller cancelled is not.
                // A dev service belongs to the developer, whatever happens.
                if (attachedDevService is null && (reuseKey is null || !cancellationToken.IsCancellationRequested))
                {
                    await RemoveAfterFailedStartAsync().ConfigureAwait(false);
                }

                await OnStartFailedAsync().ConfigureAwait(false);
            }

            if (reported is not null)
            {
                throw reported;
            }

            throw;
        }
        finally
        {
            startDeadline = null;
            reuseLock?.Dispose();
            reuseLock = null;
        }
    }

    /// <summary>When the container's previous run ended (the engine's clock, as its log timestamps), read from the inspect
    /// of the run that followed it: the engine keeps FinishedAt until that run ends too. Null if it never ran before.</summary>
    private static DateTimeOffset? PreviousRunEnd(ContainerInspectResponse started) =>
        DateTimeOffset.TryParse(started.State?.FinishedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var ended) && ended.Year > 1
            ? ended
            : null;

    /// <summary>What is left of the running start's <see cref="ContainerSettings.StartupTimeout"/> (at least 1 ms, so that a
    /// limit handed on to a step is never "none").</summary>
    private TimeSpan RemainingStartTime =>
        TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, (Settings.StartupTimeout - startClock.Elapsed).Ticks));

    /// <summary>The error a start reports when its startup timeout ended a step other than the waits (which report their
    /// own), or null when <paramref name="error"/> is something else (the caller's cancellation among them).</summary>
    private async Task<WaitTimeoutException?> StartTimeoutAsync(Exception error, CancellationToken callerToken)
    {
        if (error is WaitTimeoutException || startDeadline is not { IsCancellationRequested: true } || callerToken.IsCancellationRequested)
        {
            return null;
        }

        // Anything may surface from a cancelled request (a cancellation, an I/O error of the aborted stream): the deadline decides.
        var tail = id is null ? [] : await TailAsync().ConfigureAwait(false);
        return new WaitTimeoutException(Masked($"the start to get past {startStep}"), Settings.StartupTimeout, startupTimeout: true, tail,
            id is null ? null : $"{ShortId} ({Image ?? Settings.Image})");
    }

    /// <summary>The error a start reports when the engine stopped answering meanwhile (a raw HTTP or socket error
    /// otherwise), or null when <paramref name="error"/> is something else.</summary>
    private EngineConnectionLostException? ConnectionLost(Exception error) =>
        engine is not null && EngineConnectionLostException.IsConnectionFailure(error)
            ? new EngineConnectionLostException(engine.Endpoint, $"starting container {ShortId} ({Image ?? Settings.Image})", error)
            : null;

    /// <summary>Removes what a failed start created; with the engine gone, that waits for the watchdog or the next run's
    /// sweep, and the start's own error is the one to report.</summary>
    private async Task RemoveAfterFailedStartAsync()
    {
        try
        {
            await RemoveAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (EngineConnectionLostException.IsConnectionFailure(e))
        {
            logger.RemovalDeferred(ShortId, e.GetBaseException().Message);
        }
    }
}
