using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Testkit.Engine;
using Testkit.Images;
using Testkit.Waiting;

namespace Testkit.Containers;

/// <summary>A container on the engine: created and started by <see cref="StartAsync"/>, removed with its
/// anonymous volumes by <see cref="DisposeAsync"/>.</summary>
public class Container : IWaitTarget, IAsyncDisposable
{
    /// <summary>How many log lines an error about a failed start quotes.</summary>
    public const int ErrorLogLines = 50;

    private static readonly TimeSpan ExitGrace = TimeSpan.FromMilliseconds(500);

    // Long enough for a slow engine to hand over the rest of an exited container's log, short enough not to hide the failure.
    private static readonly TimeSpan OutputDrainLimit = TimeSpan.FromSeconds(5);

    private readonly ILogger logger;
    private readonly CancellationTokenSource lifetime = new();
    private readonly string instance = Guid.NewGuid().ToString("N"); // this object's containers' ResourceLabels.Instance
    private DockerEngine? engine;
    private string? id;
    private bool createAttempted; // a create was sent that no removal has undone yet: its container may exist without an id
    private ImageInspectResponse? resolvedImage; // what the engine knew of Image when it was resolved
    private Dictionary<string, int> mappedPorts = [];
    private Task? outputForwarding;
    private int disposed;
    private string? reuseKey;
    private string? attachedDevService;
    private IDisposable? reuseLock;
    private DateTimeOffset? previousRunEnded; // set by a start after a stop: what waits read begins there
    private CancellationTokenSource? startDeadline; // the running start's WithStartupTimeout, linked to the caller's token
    private Stopwatch startClock = new();
    private string startStep = "starting"; // what the running start is doing, for the error when its timeout fires

    /// <summary>Describes a container; nothing happens on the engine until <see cref="StartAsync"/>.</summary>
    /// <exception cref="ArgumentException">The settings cannot work (see <see cref="ContainerBuilder.Build"/>); checked here so
    /// that a module's container, made from settings without <see cref="ContainerBuilder.Build"/>, is checked too.</exception>
    public Container(ContainerSettings settings)
    {
        Settings = ContainerSettingsValidator.Validate(settings);
        logger = settings.Logger ?? NullLogger.Instance;
    }

    /// <summary>What this container was described with; from its first start on, what it was created with (a module
    /// may adjust the description then, see <see cref="PrepareSettingsAsync"/>).</summary>
    public ContainerSettings Settings { get; private set; }

    /// <summary>The engine's id of the container.</summary>
    /// <exception cref="InvalidOperationException">The container has not been started.</exception>
    public string Id => id ?? throw NotStarted();

    /// <summary>The container's name on the engine (without the leading slash).</summary>
    public string? Name { get; private set; }

    /// <summary>The image that runs, after substitution.</summary>
    public string? Image { get; private set; }

    /// <summary>The host name or address tests connect to for published ports.</summary>
    public string Host => (engine ?? throw NotStarted()).Host;

    /// <summary>The name of the dev service this container stands for (see <see cref="DevServices"/>), or null when it is a container of its own.</summary>
    public string? DevService => attachedDevService;

    /// <summary>How long the last <see cref="StartAsync"/> took, waits included.</summary>
    public TimeSpan StartDuration { get; private set; }

    // runc's freeze fails now and then ("unable to freeze") while the container's processes fork; a second try succeeds.
    private static readonly ResiliencePipeline FreezeRetry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<DockerApiException>(e => e.ResponseBody?.Contains("unable to freeze", StringComparison.Ordinal) == true),
            Delay = TimeSpan.FromMilliseconds(50),
            MaxRetryAttempts = 4,
        })
        .Build();

    // The settings as described, before PrepareSettingsAsync turned them into what is created.
    private ContainerSettings? described;

    private protected DockerEngine Engine => engine ?? throw NotStarted();

    private string ShortId => id is null ? "-" : id[..Math.Min(12, id.Length)];

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

    /// <summary>Stops the container: SIGTERM (or the image's stop signal), then SIGKILL after the grace period
    /// (10 s unless given). Its files stay; <see cref="StartAsync"/> starts it again.</summary>
    public Task StopAsync(TimeSpan? gracePeriod = null, CancellationToken cancellationToken = default) =>
        TimedAsync("stopped", async () =>
        {
            var seconds = (uint)Math.Ceiling((gracePeriod ?? TimeSpan.FromSeconds(10)).TotalSeconds);
            if (seconds == 0)
            {
                // The client drops t=0 from the request and the engine then waits its default 10 s: kill instead.
                try
                {
                    await Engine.Client.Containers.KillContainerAsync(Id, new ContainerKillParameters { Signal = "SIGKILL" }, cancellationToken).ConfigureAwait(false);
                }
                catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.Conflict)
                {
                    return; // Not running: already stopped, as asked.
                }

                await Engine.Client.Containers.WaitContainerAsync(Id, cancellationToken).ConfigureAwait(false);
                return;
            }

            await Engine.Client.Containers.StopContainerAsync(Id, new ContainerStopParameters { WaitBeforeKillSeconds = seconds }, cancellationToken).ConfigureAwait(false);
        });

    /// <summary>Stops and starts the container again, then waits until it is ready.</summary>
    public async Task RestartAsync(TimeSpan? gracePeriod = null, CancellationToken cancellationToken = default)
    {
        await StopAsync(gracePeriod, cancellationToken).ConfigureAwait(false);
        await StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Freezes every process of the container.</summary>
    public Task PauseAsync(CancellationToken cancellationToken = default) =>
        TimedAsync("paused", () => FreezeRetry.ExecuteAsync(
            async token => await Engine.Client.Containers.PauseContainerAsync(Id, token).ConfigureAwait(false), cancellationToken).AsTask());

    /// <summary>Lets a paused container run again.</summary>
    public Task UnpauseAsync(CancellationToken cancellationToken = default) =>
        TimedAsync("unpaused", () => Engine.Client.Containers.UnpauseContainerAsync(Id, cancellationToken));

    /// <summary>Sends a signal to the main process (SIGKILL unless given, e.g. "SIGHUP").</summary>
    public Task KillAsync(string signal = "SIGKILL", CancellationToken cancellationToken = default) =>
        TimedAsync($"sent {signal}", () => Engine.Client.Containers.KillContainerAsync(Id, new ContainerKillParameters { Signal = signal }, cancellationToken));

    /// <summary>Waits until the main process exits and returns its exit code.</summary>
    public async Task<long> WaitForExitAsync(CancellationToken cancellationToken = default) =>
        (await Engine.Client.Containers.WaitContainerAsync(Id, cancellationToken).ConfigureAwait(false)).StatusCode;

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

    /// <summary>The container's current state, health included.</summary>
    public async Task<ContainerState> GetStateAsync(CancellationToken cancellationToken = default)
    {
        var state = (await InspectAsync(cancellationToken).ConfigureAwait(false)).State
            ?? throw new TestkitException($"The engine returned no state for container {ShortId}; is it being removed?");
        return new ContainerState(state.Status, state.Running, state.Paused, state.ExitCode, state.OOMKilled, state.Health?.Status,
            string.IsNullOrEmpty(state.Error) ? null : state.Error);
    }

    /// <summary>The container's IP address on each network it joined, by network name.</summary>
    public async Task<IReadOnlyDictionary<string, string>> GetIpAddressesAsync(CancellationToken cancellationToken = default)
    {
        var networks = (await InspectAsync(cancellationToken).ConfigureAwait(false)).NetworkSettings?.Networks;
        return networks?.ToDictionary(n => n.Key, n => n.Value.IPAddress) ?? [];
    }

    /// <summary>A snapshot of CPU and memory use, like one line of <c>docker stats</c> (takes about a second:
    /// the engine samples twice to compute the CPU figure).</summary>
    public async Task<ContainerStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        ContainerStatsResponse? received = null;
        await Engine.Client.Containers.GetContainerStatsAsync(
            Id, new ContainerStatsParameters { Stream = false }, new SyncProgress<ContainerStatsResponse>(s => received = s), cancellationToken).ConfigureAwait(false);
        if (received is not { } sample)
        {
            throw new TestkitException($"The engine returned no statistics for container {ShortId}; is it running?");
        }

        var (cpu, previous, memory) = (sample.CPUStats, sample.PreCPUStats, sample.MemoryStats);
        var cpuDelta = (double)(cpu?.CPUUsage?.TotalUsage ?? 0) - (previous?.CPUUsage?.TotalUsage ?? 0);
        var systemDelta = (double)(cpu?.SystemUsage ?? 0) - (previous?.SystemUsage ?? 0);
        var cpus = cpu?.OnlineCPUs ?? (uint)(cpu?.CPUUsage?.PercpuUsage?.Count ?? 1);
        var cpuPercent = systemDelta > 0 && cpuDelta > 0 ? cpuDelta / systemDelta * cpus * 100 : 0;

        // Like `docker stats`: page cache that the kernel can drop is not "used".
        var stats = memory?.Stats ?? new Dictionary<string, ulong>();
        var cache = stats.TryGetValue("total_inactive_file", out var v1) ? v1 : stats.TryGetValue("inactive_file", out var v2) ? v2 : 0;
        var usage = memory?.Usage ?? 0;
        return new ContainerStats(cpuPercent, (long)(usage - Math.Min(cache, usage)), (long)(memory?.Limit ?? 0));
    }

    /// <summary>What the container has written so far, standard output and error apart.</summary>
    public async Task<(string Stdout, string Stderr)> GetLogsAsync(LogOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var stream = await Engine.Client.Containers.GetContainerLogsAsync(Id, LogParameters(options, follow: false), cancellationToken).ConfigureAwait(false);
        return await stream.ReadOutputToEndAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The container's log lines (all, or as <paramref name="options"/> selects), then new ones as they
    /// come, until cancelled or the container stops.</summary>
    public async IAsyncEnumerable<LogLine> FollowLogsAsync(LogOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var stream = await Engine.Client.Containers.GetContainerLogsAsync(Id, LogParameters(options, follow: true), cancellationToken).ConfigureAwait(false);
        await foreach (var line in MultiplexedLogReader.ReadLinesAsync(stream, cancellationToken).ConfigureAwait(false))
        {
            yield return line;
        }
    }

    /// <summary>The container's log lines from its start, then new ones as they come, until cancelled or it stops.</summary>
    public IAsyncEnumerable<LogLine> FollowLogsAsync(CancellationToken cancellationToken = default) => FollowLogsAsync(null, cancellationToken);

    // Waits read what this run logged: after a stop and start, the previous run's "ready" line would otherwise count.
    IAsyncEnumerable<LogLine> IWaitTarget.FollowLogsAsync(CancellationToken cancellationToken) =>
        FollowLogsAsync(previousRunEnded is { } ended ? new LogOptions(Since: ended) : null, cancellationToken);

    /// <summary>Runs a command inside the running container and returns its exit code and output.</summary>
    public Task<ExecResult> ExecAsync(IReadOnlyList<string> command, CancellationToken cancellationToken = default) =>
        ExecAsync(command, null, cancellationToken);

    /// <summary>Runs a command inside the running container with its own environment, user or working
    /// directory; <see cref="ExecOptions.OnOutput"/> receives lines as they are written.</summary>
    public async Task<ExecResult> ExecAsync(IReadOnlyList<string> command, ExecOptions? options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Count == 0)
        {
            throw new ArgumentException("A command needs at least a program name.", nameof(command));
        }

        var exec = await Engine.Client.Exec.CreateContainerExecAsync(Id, new ContainerExecCreateParameters
        {
            Cmd = [.. command],
            AttachStdout = true,
            AttachStderr = true,
            Env = options is null ? null! : [.. options.Environment.Select(e => $"{e.Key}={e.Value}")],
            User = options?.User!,
            WorkingDir = options?.WorkingDirectory!,
        }, cancellationToken).ConfigureAwait(false);
        using var stream = await Engine.Client.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters(), cancellationToken).ConfigureAwait(false);
        string stdout, stderr;
        if (options?.OnOutput is { } onOutput)
        {
            var (outText, errText) = (new System.Text.StringBuilder(), new System.Text.StringBuilder());
            await foreach (var line in MultiplexedLogReader.ReadLinesAsync(stream, cancellationToken).ConfigureAwait(false))
            {
                (line.IsError ? errText : outText).Append(line.Text).Append('\n');
                onOutput(line);
            }

            (stdout, stderr) = (outText.ToString(), errText.ToString());
        }
        else
        {
            (stdout, stderr) = await stream.ReadOutputToEndAsync(cancellationToken).ConfigureAwait(false);
        }

        var inspect = await Engine.Client.Exec.InspectContainerExecAsync(exec.ID, cancellationToken).ConfigureAwait(false);
        return new ExecResult(inspect.ExitCode ?? -1, stdout, stderr);
    }

    /// <summary>Copies files into the container (running or not), as <c>docker cp</c> does.</summary>
    public async Task CopyToContainerAsync(IEnumerable<ContainerFile> files, CancellationToken cancellationToken = default)
    {
        await using var tar = await ContainerArchive.CreateAsync(files, cancellationToken).ConfigureAwait(false);
        await Engine.Client.Containers.ExtractArchiveToContainerAsync(Id, new CopyToContainerParameters { Path = "/" }, tar, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes <paramref name="content"/> to a file inside the container.</summary>
    public Task CopyToContainerAsync(string containerPath, ReadOnlyMemory<byte> content, UnixFileMode? mode = null, CancellationToken cancellationToken = default) =>
        CopyToContainerAsync([new ContainerFile(containerPath, content, null, mode)], cancellationToken);

    /// <summary>Reads a file from the container (running or stopped); a symbolic link is read as the file it points to.</summary>
    /// <exception cref="TestkitException">The path does not exist, or is a directory or another kind of file that is not a regular file.</exception>
    public async Task<byte[]> ReadFileAsync(string containerPath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(containerPath);
        var (stat, body) = await GetArchiveAsync(containerPath, cancellationToken).ConfigureAwait(false);
        var path = $"'{containerPath}'";
        if (ContainerArchive.KindOf(stat.Mode) == ContainerPathKind.SymbolicLink)
        {
            // The engine's archive of a link holds only the link; its stat gives the target fully resolved inside the
            // container, which is what cat would read.
            await body.DisposeAsync().ConfigureAwait(false);
            path = $"'{containerPath}' (a symbolic link to '{stat.LinkTarget}')";
            (stat, body) = await GetArchiveAsync(stat.LinkTarget, cancellationToken, path).ConfigureAwait(false);
        }

        await using (body)
        {
            switch (ContainerArchive.KindOf(stat.Mode))
            {
                case ContainerPathKind.Directory:
                    // Refused before the body is read: the archive of a directory is all of its files.
                    throw new TestkitException($"{path} in container {ShortId} is a directory: ReadFileAsync reads one file. "
                                               + $"Copy a directory out with CopyFromContainerAsync(\"{containerPath}\", hostDirectory), or read a file inside it.");
                case ContainerPathKind.File:
                    return await ContainerArchive.ReadOnlyFileAsync(body, containerPath, cancellationToken).ConfigureAwait(false);

                default:
                    throw new TestkitException($"{path} in container {ShortId} is not a regular file (a device, pipe or socket) and has no content to read. "
                                               + "Give the path of a regular file.");
            }
        }
    }

    /// <summary>Copies a file or directory out of the container into <paramref name="hostDirectory"/>.</summary>
    /// <exception cref="TestkitException">The path does not exist in the container.</exception>
    public async Task CopyFromContainerAsync(string containerPath, string hostDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(containerPath);
        Directory.CreateDirectory(hostDirectory);
        var (_, body) = await GetArchiveAsync(containerPath, cancellationToken).ConfigureAwait(false);
        await using (body)
        {
            await using var tar = await ContainerArchive.BufferAsync(body, cancellationToken).ConfigureAwait(false);
            await System.Formats.Tar.TarFile.ExtractToDirectoryAsync(tar, hostDirectory, overwriteFiles: true, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Saves the container's files and settings (running or stopped) as the image <paramref name="repository"/>:<paramref name="tag"/>
    /// (<c>latest</c> when null), like <c>docker commit --change 'CMD …' --change 'ENV …'</c>: <paramref name="command"/>
    /// replaces the CMD, <paramref name="environment"/> sets variables. The image carries the session labels and is
    /// removed when the returned handle is disposed.</summary>
    /// <exception cref="ArgumentException">The repository has a tag, or the tag, command or a variable name is not valid.</exception>
    /// <exception cref="TestkitException">The engine refused, e.g. the container was removed.</exception>
    public Task<BuiltImage> CommitAsync(
        string repository, string? tag = null, string? message = null, IReadOnlyList<string>? command = null,
        IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default) =>
        ContainerCommit.CommitAsync(Engine, Id, repository, tag, message, command, environment, logger, cancellationToken);

    /// <summary>Stops and removes the container and its anonymous volumes. Safe to call twice, and on a
    /// container that never started.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            await DisposeAsyncCore().ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Settings.Image} ({(id is null ? "not started" : ShortId)})";

    /// <summary>Runs before the container is created on its first start: the place for a module to start what the
    /// container needs (a companion container, a network) without waiting for it.</summary>
    protected virtual Task OnStartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs on the first start, before the image is resolved and the container created: the place for a module
    /// to decide what is created from what it finds on the engine (e.g. a prepared image instead of the described one).
    /// The result becomes <see cref="Settings"/>.</summary>
    protected virtual Task<ContainerSettings> PrepareSettingsAsync(ContainerSettings settings, CancellationToken cancellationToken) =>
        Task.FromResult(settings);

    /// <summary>How many more times a first start is tried when a host port it publishes turned out to be taken, each time
    /// with settings prepared anew: for a module whose <see cref="PrepareSettingsAsync"/> chooses free host ports itself,
    /// which another process may take between the choice and the start. 0 unless a module says otherwise.</summary>
    protected virtual int HostPortRetries => 0;

    /// <summary>Runs when the first start failed, after the container was removed: the place to remove companions.</summary>
    protected virtual ValueTask OnStartFailedAsync() => ValueTask.CompletedTask;

    /// <summary>Removes the container (and, in a module, what belongs to it); runs once, from <see cref="DisposeAsync"/>.
    /// A reused container is kept for the next run instead.</summary>
    protected virtual async ValueTask DisposeAsyncCore()
    {
        await lifetime.CancelAsync().ConfigureAwait(false);
        if (attachedDevService is not null)
        {
            // The developer's own: left as it was found.
        }
        else if (reuseKey is not null && id is not null)
        {
            Reuse.ContainerReuse.Touch(reuseKey);
            logger.ContainerKeptForReuse(ShortId, reuseKey[..12]);
        }
        else
        {
            await RemoveAsync().ConfigureAwait(false);
        }

        if (outputForwarding is not null)
        {
            await outputForwarding.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        lifetime.Dispose();
    }

    /// <summary>Runs after the engine started the container and its ports are known, before the wait strategies:
    /// the place for a module to hand the container what it can only know now (e.g. an advertised address).</summary>
    protected virtual Task OnStartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static InvalidOperationException NotStarted() => new("The container has not been started: call StartAsync first.");

    private static ContainerLogsParameters LogParameters(LogOptions? options, bool follow) => new()
    {
        ShowStdout = true,
        ShowStderr = true,
        Follow = follow,
        Since = options?.Since is { } since ? UnixTimestamp(since) : null!,
        Tail = options?.Tail?.ToString(CultureInfo.InvariantCulture)!,
    };

    // Seconds with nanoseconds, as the engine takes them: whole seconds would let a run's lines of the same second in.
    private static string UnixTimestamp(DateTimeOffset time)
    {
        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return string.Create(CultureInfo.InvariantCulture, $"{ticks / TimeSpan.TicksPerSecond}.{ticks % TimeSpan.TicksPerSecond * 100:D9}");
    }

    /// <summary>When the container's previous run ended (the engine's clock, as its log timestamps), read from the inspect
    /// of the run that followed it: the engine keeps FinishedAt until that run ends too. Null if it never ran before.</summary>
    private static DateTimeOffset? PreviousRunEnd(ContainerInspectResponse started) =>
        DateTimeOffset.TryParse(started.State?.FinishedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var ended) && ended.Year > 1
            ? ended
            : null;

    private async Task CreateAndStartAsync(CancellationToken cancellationToken)
    {
        // A first start tried again after a failure prepares from the description, not from the last preparation.
        described ??= Settings;
        for (var retries = HostPortRetries; ; retries--)
        {
            startStep = $"preparing the settings ({GetType().Name}.PrepareSettingsAsync)";
            Settings = await PrepareSettingsAsync(described, cancellationToken).ConfigureAwait(false);
            await CreateAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await StartCreatedAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (HostPortTakenException e) when (retries > 0)
            {
                logger.HostPortTakenRetrying(ShortId, e.Ports);
                await RemoveAsync().ConfigureAwait(false);
                id = null;
            }
        }
    }

    private async Task CreateAsync(CancellationToken cancellationToken)
    {
        startStep = "connecting to the engine";
        engine = await DockerEngine.GetSharedAsync(logger, RemainingStartTime, cancellationToken).ConfigureAwait(false);
        startStep = $"resolving image {Settings.Image}, creating its networks and volumes";
        var dependencies = Settings.Networks.Select(n => n.OwnedNetwork?.CreateAsync(cancellationToken))
            .Concat(Settings.Mounts.Select(m => m.OwnedVolume?.CreateAsync(cancellationToken)))
            .OfType<Task>()
            .Append(ResolveImageAsync(cancellationToken));
        await Task.WhenAll(dependencies).ConfigureAwait(false);

        var parameters = ContainerSpec.ToCreateParameters(Settings, Image!, instance);
        if (Settings.Reuse && Reuse.ContainerReuse.Enabled && await FindReusableAsync(parameters, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        // Not cancelled mid-request: the engine goes on creating a container whose client gave up (API 1.41's create takes no
        // cancellation), and a removal that lists by label right after the abort can run before the engine has it (5–8 of
        // 49 cancelled starts leaked so). Waiting for the answer keeps the id; the cancellation takes effect right after.
        // The instance label still finds a container whose answer was lost otherwise (a timeout, a dropped connection).
        startStep = "creating the container";
        createAttempted = true;
        var created = await engine.Client.Containers.CreateContainerAsync(parameters, CancellationToken.None).ConfigureAwait(false);
        id = created.ID;
        cancellationToken.ThrowIfCancellationRequested();
        startStep = "connecting the container to its networks";
        foreach (var network in Settings.Networks.Skip(1))
        {
            await engine.Client.Networks.ConnectNetworkAsync(network.Network, new NetworkConnectParameters
            {
                Container = id,
                EndpointConfig = ContainerSpec.ToEndpoint(network),
            }, cancellationToken).ConfigureAwait(false);
        }

        if (!Settings.Files.IsEmpty)
        {
            startStep = "copying files into the container";
            await CopyToContainerAsync(Settings.Files, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Takes a running dev service instead of creating a container: its environment replaces the described one,
    /// so that a module reads the dev service's user, password and database.</summary>
    private async Task AttachToDevServiceAsync(string name, CancellationToken cancellationToken)
    {
        startStep = "connecting to the engine";
        engine = await DockerEngine.GetSharedAsync(logger, RemainingStartTime, cancellationToken).ConfigureAwait(false);
        startStep = $"finding dev service {name}";
        var found = await DevServices.FindAsync(engine, Settings.Module!, name, cancellationToken).ConfigureAwait(false);
        var inspect = await engine.Client.Containers.InspectContainerAsync(found.ID, cancellationToken).ConfigureAwait(false);
        id = found.ID;
        Image = found.Image;
        attachedDevService = name;
        var environment = (inspect.Config?.Env ?? []).Select(e => e.Split('=', 2)).Where(e => e.Length == 2)
            .ToImmutableDictionary(e => e[0], e => e[1]);
        Settings = Settings with { Environment = environment };
        logger.AttachedToDevService(ShortId, Settings.Module!, name);
    }

    /// <summary>Finds the container these settings made in an earlier run and takes it (true), or prepares the create
    /// parameters of a new reusable one (false). Holds the key's lock until the start ends.</summary>
    private async Task<bool> FindReusableAsync(CreateContainerParameters parameters, CancellationToken cancellationToken)
    {
        var key = await Reuse.ReuseKey.ComputeAsync(Settings, resolvedImage!.ID, cancellationToken).ConfigureAwait(false);
        startStep = $"waiting for the lock of reused container {key[..12]}";
        reuseLock = await Reuse.ContainerReuse.LockAsync(key, RemainingStartTime, cancellationToken).ConfigureAwait(false);
        reuseKey = key;
        Reuse.ContainerReuse.Touch(key);
        var found = await Engine.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{Cleanup.ResourceLabels.Reuse}={key}"] = true } },
        }, cancellationToken).ConfigureAwait(false);
        foreach (var candidate in found)
        {
            if (candidate.State is "running" or "exited" or "created" or "paused")
            {
                id = candidate.ID;
                if (candidate.State == "paused")
                {
                    await Engine.Client.Containers.UnpauseContainerAsync(id, cancellationToken).ConfigureAwait(false);
                }

                logger.ContainerReused(ShortId, Image, candidate.State, key[..12]);
                return true;
            }

            // Dead, or being removed: it cannot serve; a new one takes its place.
            await Engine.Client.Containers.RemoveContainerAsync(candidate.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken).ConfigureAwait(false);
        }

        // Kept by the session cleanup, found again by its key; a stable name makes a leftover easy to recognise.
        parameters.Name ??= "testkit-reuse-" + key[..12];
        parameters.Labels[Cleanup.ResourceLabels.Keep] = "true";
        parameters.Labels[Cleanup.ResourceLabels.Reuse] = key;
        return false;
    }

    private async Task ResolveImageAsync(CancellationToken cancellationToken) =>
        (Image, resolvedImage) = await ImageResolver.ResolveAndInspectAsync(
            Engine, Settings.Image, Settings.PullPolicy, logger, cancellationToken, pulling: image => startStep = $"pulling image {image}").ConfigureAwait(false);

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

    /// <summary>Starts forwarding the output to the consumers as soon as the engine started the container, so that they see
    /// what it prints while it starts (and, if it dies then, all of it: what a user reads when a start fails).</summary>
    private async Task StartForwardingOutputAsync(DateTimeOffset startRequested, CancellationToken cancellationToken)
    {
        if (Settings.OutputConsumers.IsEmpty)
        {
            return;
        }

        if (previousRunEnded is not null && outputForwarding is { IsCompleted: false } previousForwarding)
        {
            // Its log stream ends with the run it followed (the engine closes it on exit); the new run gets a new one.
            await Task.WhenAny(previousForwarding, Task.Delay(TimeSpan.FromSeconds(1), cancellationToken)).ConfigureAwait(false);
        }

        if (outputForwarding is null or { IsCompleted: true })
        {
            // A new container's output from its first line; after a stop and start, from the end of the previous run (forwarded
            // already); a reused container's or a dev service's from this start (their earlier runs are not this test's output;
            // the host's clock stands for the engine's, as for a local engine).
            var since = previousRunEnded ?? (reuseKey is not null || attachedDevService is not null ? startRequested : (DateTimeOffset?)null);
            outputForwarding = ForwardLinesAsync(new LogOptions(Since: since), lifetime.Token);
        }
    }

    private async Task ForwardLinesAsync(LogOptions options, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var line in FollowLogsAsync(options, cancellationToken).ConfigureAwait(false))
            {
                foreach (var consumer in Settings.OutputConsumers)
                {
                    consumer(line);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or DockerApiException or IOException)
        {
            // The container went away or we were disposed: forwarding simply ends.
        }
    }

    /// <summary>Waits (bounded) until the consumers have the last line of a container that exited: the engine ends the log
    /// stream on exit, so that the consumers are complete when the exception about the exit reaches the caller.</summary>
    private async Task DrainOutputAsync()
    {
        if (outputForwarding is { } forwarding)
        {
            await Task.WhenAny(forwarding, Task.Delay(OutputDrainLimit, CancellationToken.None)).ConfigureAwait(false);
        }
    }

    private async Task<IReadOnlyList<string>> TailAsync()
    {
        try
        {
            using var stream = await Engine.Client.Containers.GetContainerLogsAsync(Id, LogParameters(new LogOptions(Tail: ErrorLogLines), follow: false), CancellationToken.None).ConfigureAwait(false);
            var lines = new List<string>();
            await foreach (var line in MultiplexedLogReader.ReadLinesAsync(stream, CancellationToken.None).ConfigureAwait(false))
            {
                lines.Add(line.Text);
            }

            return SecretMasker.MaskAll(lines, Settings.SecretValues);
        }
        catch (DockerApiException)
        {
            return [];
        }
    }

    // A wait's description may quote its command, and a command may carry a password.
    private string Masked(string text) => SecretMasker.MaskText(text, Settings.SecretValues);

    /// <summary>The engine's stat of <paramref name="containerPath"/> and its tar body, not yet read; <paramref name="named"/>
    /// is how a missing path is named in the error (a link that led there, say).</summary>
    private async Task<(ContainerPathStatResponse Stat, Stream Body)> GetArchiveAsync(string containerPath, CancellationToken cancellationToken, string? named = null)
    {
        try
        {
            var archive = await Engine.Client.Containers.GetArchiveFromContainerAsync(
                Id, new ContainerPathStatParameters { Path = containerPath }, false, cancellationToken).ConfigureAwait(false);
            return (archive.Stat, archive.Stream ?? Stream.Null);
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new TestkitException(named is null
                ? $"'{containerPath}' does not exist in container {ShortId}. Check the path (it is absolute, inside the container)."
                : $"{named} in container {ShortId} leads nowhere: '{containerPath}' does not exist. Check the link's target.", e);
        }
    }

    private Task<ContainerInspectResponse> InspectAsync(CancellationToken cancellationToken) =>
        Engine.Client.Containers.InspectContainerAsync(Id, cancellationToken);

    private async Task TimedAsync(string action, Func<Task> operation)
    {
        var clock = Stopwatch.StartNew();
        await operation().ConfigureAwait(false);
        logger.ContainerAction(ShortId, action, clock.ElapsedMilliseconds);
    }

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

    private async Task RemoveAsync()
    {
        if (engine is null || (id is null && !createAttempted))
        {
            return;
        }

        var clock = Stopwatch.StartNew();

        // Without an id the create's answer was lost (cancelled mid-request), but the engine may have created it all the same.
        foreach (var containerId in id is { } known ? [known] : await FindOwnAsync().ConfigureAwait(false))
        {
            try
            {
                await engine.Client.Containers.RemoveContainerAsync(containerId, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }).ConfigureAwait(false);
                logger.ContainerRemoved(containerId[..Math.Min(12, containerId.Length)], clock.ElapsedMilliseconds);
            }
            catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound || e.ResponseBody?.Contains("already in progress", StringComparison.Ordinal) == true)
            {
                // Already gone (auto-removed, or removed by hand): nothing left to do.
            }
        }

        createAttempted = false;
    }

    /// <summary>The containers this object created, found by their <see cref="Cleanup.ResourceLabels.Instance"/> label.</summary>
    private async Task<IEnumerable<string>> FindOwnAsync()
    {
        var found = await engine!.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{Cleanup.ResourceLabels.Instance}={instance}"] = true } },
        }).ConfigureAwait(false);
        return found.Select(c => c.ID);
    }
}
