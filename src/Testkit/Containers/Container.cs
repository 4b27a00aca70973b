using System.Diagnostics;
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
public partial class Container : IWaitTarget, IAsyncDisposable
{
    /// <summary>How many log lines an error about a failed start quotes.</summary>
    public const int ErrorLogLines = 50;

    private static readonly TimeSpan ExitGrace = TimeSpan.FromMilliseconds(500);

    // Long enough for a slow engine to hand over the rest of an exited container's log, short enough not to hide the failure.
    private static readonly TimeSpan AbandonedCreateWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CreateAnswerWait = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan OutputDrainLimit = TimeSpan.FromSeconds(5);

    private readonly ILogger logger;
    private readonly CancellationTokenSource lifetime = new();
    private readonly string instance = Guid.NewGuid().ToString("N"); // this object's containers' ResourceLabels.Instance
    private DockerEngine? engine;
    private string? id;
    private bool createAttempted; // a create was sent that no removal has undone yet: its container may exist without an id
    private Task? abandonedCreate; // a create the start stopped waiting for, whose container is removed once the engine answers
    private ResolvedImage? resolvedImage; // the image the container was created from, resolved once per start
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
    /// may adjust the description then, see <see cref="PrepareStartAsync"/>).</summary>
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

    // The settings as described, before PrepareStartAsync turned them into what is created.
    private ContainerSettings? described;

    private protected DockerEngine Engine => engine ?? throw NotStarted();

    private string ShortId => ShortIds.Of(id);


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

    /// <summary>Runs on the first start once the described image is resolved (substituted, pulled if missing, inspected),
    /// before the container is created: the place for a module to decide what is created from the image and from what it
    /// finds on the engine (e.g. a prepared image instead of the described one). The result's settings become
    /// <see cref="Settings"/>; each image is resolved once per start (see <see cref="PreparedStart.Image"/>).</summary>
    protected virtual Task<PreparedStart> PrepareStartAsync(PreparedStart start, CancellationToken cancellationToken) =>
        Task.FromResult(start);

    /// <summary>How many more times a first start is tried when a host port it publishes turned out to be taken, each time
    /// with settings prepared anew: for a module whose <see cref="PrepareStartAsync"/> chooses free host ports itself,
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

        if (abandonedCreate is not null)
        {
            // A hung engine may never answer: the watchdog removes that container by its session label instead.
            await abandonedCreate.WaitAsync(AbandonedCreateWait).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
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

    // A wait's description may quote its command, and a command may carry a password.
    private string Masked(string text) => SecretMasker.MaskText(text, Settings.SecretValues);

    private async Task TimedAsync(string action, Func<Task> operation)
    {
        var clock = Stopwatch.StartNew();
        await operation().ConfigureAwait(false);
        logger.ContainerAction(ShortId, action, clock.ElapsedMilliseconds);
    }

    private async Task RemoveAsync()
    {
        if (engine is null || (id is null && !createAttempted))
        {
            return;
        }

        if (abandonedCreate is { } pending)
        {
            // A create the start stopped waiting for removes its container when the answer comes, usually within
            // milliseconds: waiting that long leaves nothing behind when the start's error arrives; a hung engine does not
            // hold the error up longer than this.
            await pending.WaitAsync(CreateAnswerWait).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        var clock = Stopwatch.StartNew();

        // Without an id the create's answer was lost (cancelled mid-request), but the engine may have created it all the same.
        foreach (var containerId in id is { } known ? [known] : await FindOwnAsync().ConfigureAwait(false))
        {
            try
            {
                await engine.Client.Containers.RemoveContainerAsync(containerId, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }).ConfigureAwait(false);
                logger.ContainerRemoved(ShortIds.Of(containerId), clock.ElapsedMilliseconds);
            }
            catch (DockerApiException e) when (EngineErrorText.IsGone(e))
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
