using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Testkit.Containers;
using Testkit.Waiting;

namespace Testkit.Compose;

/// <summary>Runs a compose project through the core API: networks, volumes, builds and containers, removed again on dispose.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "A compose stack is the established name; it is not a stack collection.")]
public sealed class ComposeStack : IAsyncDisposable
{
    private readonly ILogger logger;
    private readonly Dictionary<string, List<IWaitStrategy>> extraWaits = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Container> containers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (long ExitCode, string Output)> exitedWhileStarting = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly string prefix;
    private readonly StackResources resources;
    private readonly ServiceContainerMapping mapping;
    private bool started;
    private bool down;

    /// <summary>Creates a stack from a loaded project; profiles in <paramref name="options"/> are applied to it.</summary>
    public ComposeStack(ComposeProject project, ComposeStackOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(project);
        options ??= new ComposeStackOptions();
        Project = project.WithProfiles(options.Profiles);
        logger = options.Logger ?? NullLogger.Instance;
        prefix = StackNames.Prefix(Project.Name);
        resources = new StackResources(Project, prefix, options, logger);
        mapping = new ServiceContainerMapping(Project, prefix, options, resources);
        foreach (var warning in Project.Warnings)
        {
            logger.ComposeWarning(Project.Name, warning.ToString());
        }
    }

    /// <summary>The project that runs (after profiles).</summary>
    public ComposeProject Project { get; }

    /// <summary>The prefix of every engine name the stack creates, unique per stack so that tests can run in parallel.</summary>
    public string NamePrefix() => prefix;

    /// <summary>Reads compose files (later files override earlier ones) with default options.</summary>
    public static ComposeStack FromFiles(params string[] paths) => FromFiles(new ComposeStackOptions(), paths);

    /// <summary>Reads compose files (later files override earlier ones) with the given environment, profiles and options.</summary>
    public static ComposeStack FromFiles(ComposeStackOptions options, params string[] paths)
    {
        ArgumentNullException.ThrowIfNull(options);
        var project = ComposeLoader.Load(paths, new ComposeLoadOptions { Environment = options.Environment, ProjectName = options.ProjectName });
        return new ComposeStack(project, options);
    }

    /// <summary>Adds a wait strategy for one service, run after its compose healthcheck wait if any.</summary>
    public ComposeStack WithWait(string serviceName, IWaitStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        if (!Project.Services.ContainsKey(serviceName))
        {
            throw new ArgumentException($"The compose project has no service '{serviceName}': use one of {string.Join(", ", Project.Services.Keys)}.", nameof(serviceName));
        }

        if (started)
        {
            throw new InvalidOperationException("Add wait strategies before StartAsync: the services are already started.");
        }

        if (!extraWaits.TryGetValue(serviceName, out var list))
        {
            extraWaits[serviceName] = list = [];
        }

        list.Add(strategy);
        return this;
    }

    /// <summary>The running container of a service: mapped ports, logs, exec and every core operation.</summary>
    public Container GetService(string name)
    {
        if (containers.TryGetValue(name, out var container))
        {
            return container;
        }

        throw Project.Services.ContainsKey(name)
            ? new InvalidOperationException($"Service '{name}' is not started: call StartAsync first (or it was disabled by a profile).")
            : new ArgumentException($"The compose project has no service '{name}': use one of {string.Join(", ", Project.Services.Keys)}.", nameof(name));
    }

    /// <summary>Creates networks and volumes, builds images, then starts the services in dependency order with their conditions honoured.
    /// If anything fails, everything created so far is removed before the exception propagates.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(down, this);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (started)
            {
                throw new InvalidOperationException("The stack is already started: dispose it and create a new one to start again.");
            }

            started = true;
            var order = Project.StartOrder();
            var healthyNeeded = Project.Services.Values
                .SelectMany(s => s.DependsOn.Where(d => d.Value.Condition == ComposeCondition.ServiceHealthy && Project.Services.ContainsKey(d.Key)))
                .Select(d => d.Key).ToHashSet(StringComparer.Ordinal);
            CheckHealthchecks(healthyNeeded);

            var clock = Stopwatch.StartNew();
            logger.ComposeStarting(Project.Name, Project.Services.Count, order.Count);
            try
            {
                await resources.CreateNetworksAsync(cancellationToken).ConfigureAwait(false);
                await resources.CreateVolumesAsync(cancellationToken).ConfigureAwait(false);
                await resources.BuildImagesAsync(cancellationToken).ConfigureAwait(false);
                foreach (var group in order)
                {
                    await Task.WhenAll(group.Select(name => StartServiceAsync(name, healthyNeeded.Contains(name), cancellationToken))).ConfigureAwait(false);
                }
            }
            catch (Exception e)
            {
                logger.ComposeStartFailed(Project.Name, e.Message);
                await RemoveAllAsync(removeVolumes: true).ConfigureAwait(false);
                throw;
            }

            logger.ComposeStarted(Project.Name, clock.ElapsedMilliseconds);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Removes the containers, the networks and built images, and the volumes Testkit created when <paramref name="removeVolumes"/> is true.</summary>
    public async Task DownAsync(bool removeVolumes = true, CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (down)
            {
                return;
            }

            down = true;
            var clock = Stopwatch.StartNew();
            await RemoveAllAsync(removeVolumes).ConfigureAwait(false);
            logger.ComposeDown(Project.Name, clock.ElapsedMilliseconds, removeVolumes);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Removes everything the stack created, volumes included; disposing twice is safe.</summary>
    public ValueTask DisposeAsync() => new(DownAsync(removeVolumes: true));

    /// <summary>Waits until a service's main process exits and returns its exit code, e.g. for a one-shot migration service.</summary>
    public async Task<long> GetExitCodeAsync(string serviceName, CancellationToken cancellationToken = default)
    {
        var container = GetService(serviceName);
        return exitedWhileStarting.TryGetValue(serviceName, out var exit) ? exit.ExitCode : await container.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void CheckHealthchecks(HashSet<string> healthyNeeded)
    {
        var errors = new List<ComposeDiagnostic>();
        foreach (var name in healthyNeeded)
        {
            var service = Project.Services[name];
            if (service.Healthcheck is { Disable: true } or { Test: ["NONE", ..] })
            {
                errors.Add(new ComposeDiagnostic(service.Source, $"services.{name}.healthcheck",
                    $"another service waits for '{name}' with condition service_healthy, but its healthcheck is disabled: give it a healthcheck or use condition service_started"));
            }
        }

        if (errors.Count > 0)
        {
            throw new ComposeException(errors);
        }
    }

    private async Task StartServiceAsync(string name, bool waitHealthy, CancellationToken cancellationToken)
    {
        var service = Project.Services[name];
        foreach (var (dependency, entry) in service.DependsOn)
        {
            if (entry.Condition == ComposeCondition.ServiceCompletedSuccessfully && containers.TryGetValue(dependency, out var one))
            {
                logger.ComposeWaitingForCompletion(Project.Name, name, dependency);
                long exitCode;
                string output;
                if (exitedWhileStarting.TryGetValue(dependency, out var exit))
                {
                    (exitCode, output) = exit;
                }
                else
                {
                    exitCode = await one.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                    var (stdout, stderr) = exitCode == 0 ? ("", "") : await one.GetLogsAsync(new LogOptions(Tail: 20), cancellationToken).ConfigureAwait(false);
                    output = (stdout + stderr).TrimEnd();
                }

                if (exitCode != 0)
                {
                    throw new ComposeStackException(
                        $"Service '{name}' depends on '{dependency}' with condition service_completed_successfully, but '{dependency}' exited with code {exitCode.ToString(CultureInfo.InvariantCulture)}: " +
                        $"fix the command of '{dependency}' (or its input) so that it exits with 0. Its last output:{Environment.NewLine}{output}",
                        name, dependency, exitCode);
                }
            }
        }

        var clock = Stopwatch.StartNew();
        var container = mapping.ToBuilder(service, waitHealthy, extraWaits.GetValueOrDefault(name) ?? []).Build();
        containers[name] = container;
        try
        {
            await container.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ContainerExitedException e) when (e.ExitCode == 0 || IsCompletionDependency(name))
        {
            // A one-shot service may finish before the core's start check sees it running; the core then removes the
            // container, so its exit code and output are kept here for the services that wait for its completion.
            exitedWhileStarting[name] = (e.ExitCode, string.Join(Environment.NewLine, e.LastLogLines));
        }

        logger.ComposeServiceReady(Project.Name, name, clock.ElapsedMilliseconds);
    }

    private bool IsCompletionDependency(string name) =>
        Project.Services.Values.Any(s => s.DependsOn.TryGetValue(name, out var d) && d.Condition == ComposeCondition.ServiceCompletedSuccessfully);

    private async Task RemoveAllAsync(bool removeVolumes)
    {
        await Task.WhenAll(containers.Values.Select(c => resources.RemoveAsync(c.ToString(), () => c.DisposeAsync()))).ConfigureAwait(false);
        containers.Clear();
        await resources.RemoveAllAsync(removeVolumes).ConfigureAwait(false);
    }
}
