using System.Diagnostics;
using System.Runtime.CompilerServices;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Testkit.Cleanup;
using Testkit.Engine;
using Testkit.Images;
using Testkit.Waiting;

namespace Testkit.Containers;

/// <summary>A container on the engine: created and started by <see cref="StartAsync"/>, removed with its
/// anonymous volumes by <see cref="DisposeAsync"/>.</summary>
public class Container : IWaitTarget, IAsyncDisposable
{
    private readonly ILogger logger;
    private DockerEngine? engine;
    private string? id;
    private Dictionary<string, int> mappedPorts = [];
    private int disposed;

    /// <summary>Describes a container; nothing happens on the engine until <see cref="StartAsync"/>.</summary>
    public Container(ContainerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        logger = settings.Logger ?? NullLogger.Instance;
    }

    /// <summary>What this container was described with.</summary>
    public ContainerSettings Settings { get; }

    /// <summary>The engine's id of the container.</summary>
    /// <exception cref="InvalidOperationException">The container has not been started.</exception>
    public string Id => id ?? throw NotStarted();

    /// <summary>The image that runs, after substitution.</summary>
    public string? Image { get; private set; }

    /// <summary>The host name or address tests connect to for published ports.</summary>
    public string Host => (engine ?? throw NotStarted()).Host;

    /// <summary>How long <see cref="StartAsync"/> took, waits included.</summary>
    public TimeSpan StartDuration { get; private set; }

    private protected DockerEngine Engine => engine ?? throw NotStarted();

    /// <summary>Creates and starts the container, then waits until its wait strategies say it is ready.
    /// On any failure the container is removed before the exception propagates.</summary>
    /// <exception cref="ContainerExitedException">It stopped while starting (exit code and last log lines inside).</exception>
    /// <exception cref="WaitTimeoutException">It did not become ready within the startup timeout.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (id is not null)
        {
            throw new InvalidOperationException($"Container {id} was already started; build a new one to run another.");
        }

        var clock = Stopwatch.StartNew();
        engine = await DockerEngine.GetSharedAsync(logger, cancellationToken).ConfigureAwait(false);
        Image = await ImageResolver.ResolveAsync(engine, Settings.Image, logger, cancellationToken).ConfigureAwait(false);
        var created = await engine.Client.Containers.CreateContainerAsync(ContainerSpec.ToCreateParameters(Settings, Image), cancellationToken).ConfigureAwait(false);
        id = created.ID;
        try
        {
            await StartCreatedAsync(cancellationToken).ConfigureAwait(false);
            await WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
            StartDuration = clock.Elapsed;
            logger.ContainerReady(ShortId, Image, clock.ElapsedMilliseconds);
        }
        catch
        {
            await RemoveAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The host port published for <paramref name="containerPort"/>.</summary>
    /// <exception cref="ArgumentException">That port was not published (see <c>WithPortBinding</c>).</exception>
    public int GetMappedPort(int containerPort, string protocol = "tcp")
    {
        _ = Id;
        return mappedPorts.TryGetValue($"{containerPort}/{protocol}", out var port)
            ? port
            : throw new ArgumentException($"Port {containerPort}/{protocol} of container {ShortId} is not published. Publish it with WithPortBinding({containerPort}).", nameof(containerPort));
    }

    int IWaitTarget.GetMappedPort(int containerPort) => GetMappedPort(containerPort);

    /// <summary>Everything the container has written so far, standard output and error apart.</summary>
    public async Task<(string Stdout, string Stderr)> GetLogsAsync(CancellationToken cancellationToken = default)
    {
        using var stream = await Engine.Client.Containers.GetContainerLogsAsync(
            Id, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true }, cancellationToken).ConfigureAwait(false);
        return await stream.ReadOutputToEndAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The container's log lines from its start, then new ones as they come, until cancelled or it stops.</summary>
    public async IAsyncEnumerable<LogLine> FollowLogsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var stream = await Engine.Client.Containers.GetContainerLogsAsync(
            Id, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Follow = true }, cancellationToken).ConfigureAwait(false);
        await foreach (var line in MultiplexedLogReader.ReadLinesAsync(stream, cancellationToken).ConfigureAwait(false))
        {
            yield return line;
        }
    }

    /// <summary>Runs a command inside the running container and returns its exit code and output.</summary>
    public async Task<ExecResult> ExecAsync(IReadOnlyList<string> command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var exec = await Engine.Client.Exec.CreateContainerExecAsync(
            Id, new ContainerExecCreateParameters { Cmd = [.. command], AttachStdout = true, AttachStderr = true }, cancellationToken).ConfigureAwait(false);
        using var stream = await Engine.Client.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters(), cancellationToken).ConfigureAwait(false);
        var (stdout, stderr) = await stream.ReadOutputToEndAsync(cancellationToken).ConfigureAwait(false);
        var inspect = await Engine.Client.Exec.InspectContainerExecAsync(exec.ID, cancellationToken).ConfigureAwait(false);
        return new ExecResult(inspect.ExitCode ?? -1, stdout, stderr);
    }

    /// <summary>The container's current state, health included.</summary>
    public async Task<ContainerState> GetStateAsync(CancellationToken cancellationToken = default)
    {
        var state = (await Engine.Client.Containers.InspectContainerAsync(Id, cancellationToken).ConfigureAwait(false)).State
            ?? throw new TestkitException($"The engine returned no state for container {ShortId}; is it being removed?");
        return new ContainerState(state.Status, state.Running, state.Paused, state.ExitCode, state.OOMKilled, state.Health?.Status,
            string.IsNullOrEmpty(state.Error) ? null : state.Error);
    }

    /// <summary>Removes the container and its anonymous volumes, stopping it first if it runs. Safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            await RemoveAsync().ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Settings.Image} ({(id is null ? "not started" : ShortId)})";

    private string ShortId => id is null ? "-" : id[..Math.Min(12, id.Length)];

    private static InvalidOperationException NotStarted() => new("The container has not been started: call StartAsync first.");

    private async Task StartCreatedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Engine.Client.Containers.StartContainerAsync(Id, new ContainerStartParameters(), cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e) when (e.ResponseBody?.Contains("port is already allocated", StringComparison.Ordinal) == true
                                           || e.ResponseBody?.Contains("address already in use", StringComparison.Ordinal) == true)
        {
            var fixedPorts = string.Join(", ", Settings.Ports.Where(p => p.HostPort != 0).Select(p => $"{p.HostIp}:{p.HostPort}"));
            throw new TestkitException(
                $"Host port {fixedPorts} is already in use, so container {ShortId} ({Image}) cannot publish it. "
                + "Stop what holds it, or let Testkit choose a free port (WithPortBinding(containerPort) without a host port).", e);
        }

        var inspect = await Engine.Client.Containers.InspectContainerAsync(Id, cancellationToken).ConfigureAwait(false);
        mappedPorts = inspect.NetworkSettings?.Ports?
            .Where(p => p.Value is { Count: > 0 })
            .ToDictionary(p => p.Key, p => int.Parse(p.Value[0].HostPort, System.Globalization.CultureInfo.InvariantCulture))
            ?? [];
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.ContainerStarted(ShortId, Image, string.Join(", ", mappedPorts.Select(p => $"{p.Key}->{Host}:{p.Value}")));
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Settings.StartupTimeout);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        var exited = Engine.Client.Containers.WaitContainerAsync(Id, stop.Token);
        IWaitStrategy? current = null;
        var waits = Task.Run(async () =>
        {
            foreach (var strategy in Settings.WaitStrategies)
            {
                current = strategy;
                logger.Waiting(ShortId, strategy);
                await WaitRunner.RunAsync(strategy, this, stop.Token).ConfigureAwait(false);
            }
        }, stop.Token);

        try
        {
            await Task.WhenAny(waits, exited).ConfigureAwait(false);
            if (!waits.IsCompletedSuccessfully)
            {
                // A wait that failed or did not finish may only be the symptom of a container that stopped.
                var state = (await Engine.Client.Containers.InspectContainerAsync(Id, CancellationToken.None).ConfigureAwait(false)).State;
                if (state is { Running: false })
                {
                    var tail = await TailAsync(CancellationToken.None).ConfigureAwait(false);
                    throw new ContainerExitedException(ShortId, Image!, state.ExitCode, current?.ToString(), tail);
                }
            }

            await waits.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var tail = await TailAsync(CancellationToken.None).ConfigureAwait(false);
            throw new WaitTimeoutException(current?.ToString() ?? "the container to start", Settings.StartupTimeout, tail, $"{ShortId} ({Image})");
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(exited, waits).ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    private async Task<IReadOnlyList<string>> TailAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var stream = await Engine.Client.Containers.GetContainerLogsAsync(
                Id, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Tail = LogTail.Lines.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                cancellationToken).ConfigureAwait(false);
            var lines = new List<string>();
            await foreach (var line in MultiplexedLogReader.ReadLinesAsync(stream, cancellationToken).ConfigureAwait(false))
            {
                lines.Add(line.Text);
            }

            return lines;
        }
        catch (DockerApiException)
        {
            return [];
        }
    }

    private async Task RemoveAsync()
    {
        if (id is null || engine is null)
        {
            return;
        }

        var clock = Stopwatch.StartNew();
        try
        {
            await engine.Client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }).ConfigureAwait(false);
            logger.ContainerRemoved(ShortId, clock.ElapsedMilliseconds);
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Already gone (auto-removed or removed by hand): nothing left to do.
        }
    }
}
