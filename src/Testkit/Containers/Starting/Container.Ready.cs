using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Testkit.Waiting;

namespace Testkit.Containers;

// The created container started, then waited on until its wait strategies say it is ready.
public partial class Container
{
    /// <summary>Starts the created container and returns the engine's inspect of it, which gave its name and host ports.</summary>
    private async Task<ContainerInspectResponse> StartCreatedAsync(CancellationToken cancellationToken)
    {
        startStep = "starting the container";
        try
        {
            await Engine.Client.Containers.StartContainerAsync(Id, new ContainerStartParameters(), cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e) when (e.ResponseBody?.Contains("port is already allocated", StringComparison.Ordinal) == true
                                           || e.ResponseBody?.Contains("address already in use", StringComparison.Ordinal) == true)
        {
            var fixedPorts = string.Join(", ", Settings.Ports.Where(p => p.HostPort != 0).Select(p => $"{p.HostIp}:{p.HostPort}"));
            throw new HostPortTakenException(fixedPorts,
                $"Host port {fixedPorts} is already in use, so container {ShortId} ({Image}) cannot publish it. "
                + "Stop what holds it, or let Testkit choose a free port (WithPortBinding(containerPort) without a host port).", e);
        }

        var inspect = await InspectAsync(cancellationToken).ConfigureAwait(false);
        Name = inspect.Name?.TrimStart('/');
        mappedPorts = inspect.NetworkSettings?.Ports?
            .Where(p => p.Value is { Count: > 0 })
            .ToDictionary(p => p.Key, p => int.Parse(p.Value[0].HostPort, CultureInfo.InvariantCulture))
            ?? [];
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.ContainerStarted(ShortId, Image, string.Join(", ", mappedPorts.Select(p => $"{p.Key}->{Host}:{p.Value}")));
        }

        return inspect;
    }

    /// <summary>Runs the wait strategies within what is left of the start's timeout; <paramref name="cancellationToken"/> is
    /// the caller's, told apart from that timeout in the error.</summary>
    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = startDeadline!;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        var exited = Engine.Client.Containers.WaitContainerAsync(Id, stop.Token);
        IWaitStrategy? current = null;
        var waits = Task.Run(async () =>
        {
            foreach (var strategy in Settings.WaitStrategies)
            {
                current = strategy;
                startStep = $"waiting for {Masked(strategy.ToString() ?? "a wait strategy")}";
                logger.Waiting(ShortId, strategy);
                await WaitRunner.RunAsync(strategy, this, stop.Token).ConfigureAwait(false);
            }
        }, stop.Token);

        try
        {
            await Task.WhenAny(waits, exited).ConfigureAwait(false);
            if (!waits.IsCompletedSuccessfully && exited.IsCompletedSuccessfully)
            {
                // A one-shot container may exit right after writing what a wait looks for: give the waits a moment to see it.
                await Task.WhenAny(waits, Task.Delay(ExitGrace, CancellationToken.None)).ConfigureAwait(false);
            }

            if (!waits.IsCompletedSuccessfully)
            {
                // A wait that failed or did not finish may only be the symptom of a container that stopped: say so at once.
                var state = await GetStateAsync(CancellationToken.None).ConfigureAwait(false);
                if (!state.Running)
                {
                    await DrainOutputAsync().ConfigureAwait(false);
                    var awaited = (current ?? Settings.WaitStrategies.FirstOrDefault())?.ToString() is { } text ? Masked(text) : null;
                    throw new ContainerExitedException(ShortId, Image!, state.ExitCode, state.OomKilled, awaited, await TailAsync().ConfigureAwait(false));
                }
            }

            await waits.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // A short timeout can fire before the first wait began: that wait is what was not awaited long enough.
            var awaited = (current ?? Settings.WaitStrategies.FirstOrDefault())?.ToString() ?? "the container to start";
            throw new WaitTimeoutException(Masked(awaited), Settings.StartupTimeout, startupTimeout: true, await TailAsync().ConfigureAwait(false), $"{ShortId} ({Image})");
        }
        catch (WaitTimeoutException e) when (e.LastLogLines.Count == 0)
        {
            throw new WaitTimeoutException(Masked(e.Awaited), e.Timeout, e.IsStartupTimeout, await TailAsync().ConfigureAwait(false), $"{ShortId} ({Image})");
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(exited, waits).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
