using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Testkit.Containers;
using Testkit.Images;
using Testkit.Networks;
using Testkit.Volumes;
using Testkit.Waiting;

namespace Testkit.Compose;

/// <summary>Runs a compose project through the core API: networks, volumes, builds and containers, removed again on dispose.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "A compose stack is the established name; it is not a stack collection.")]
public sealed class ComposeStack : IAsyncDisposable
{
    private readonly ComposeStackOptions options;
    private readonly ILogger logger;
    private readonly Dictionary<string, List<IWaitStrategy>> extraWaits = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Container> containers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Network> networks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Volume> volumes = new(StringComparer.Ordinal);
    private readonly List<Volume> anonymousVolumes = [];
    private readonly Dictionary<string, BuiltImage> images = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (long ExitCode, string Output)> exitedWhileStarting = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly string prefix;
    private bool started;
    private bool down;

    /// <summary>Creates a stack from a loaded project; profiles in <paramref name="options"/> are applied to it.</summary>
    public ComposeStack(ComposeProject project, ComposeStackOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(project);
        this.options = options ?? new ComposeStackOptions();
        Project = project.WithProfiles(this.options.Profiles);
        logger = this.options.Logger ?? NullLogger.Instance;
        prefix = NamePrefix(Project.Name);
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
                await CreateNetworksAsync(cancellationToken).ConfigureAwait(false);
                await CreateVolumesAsync(cancellationToken).ConfigureAwait(false);
                await BuildImagesAsync(cancellationToken).ConfigureAwait(false);
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

    private async Task CreateNetworksAsync(CancellationToken cancellationToken)
    {
        var used = Project.Services.Values.SelectMany(s => s.Networks.Count == 0 ? ["default"] : s.Networks.Keys).ToHashSet(StringComparer.Ordinal);
        foreach (var key in used)
        {
            var declared = Project.Networks.GetValueOrDefault(key);
            if (declared is { External: true })
            {
                continue;
            }

            var builder = new NetworkBuilder().WithName(declared?.Name ?? $"{prefix}_{key}")
                .WithLabel("com.docker.compose.project", Project.Name).WithLabel("com.docker.compose.network", key);
            if (declared is not null)
            {
                builder = builder.WithInternal(declared.Internal);
                if (declared.Driver is { } driver)
                {
                    builder = builder.WithDriver(driver);
                }

                foreach (var (label, value) in declared.Labels)
                {
                    builder = builder.WithLabel(label, value);
                }
            }

            if (options.Logger is { } log)
            {
                builder = builder.WithLogger(log);
            }

            var network = builder.Build();
            networks[key] = network;
            await network.CreateAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CreateVolumesAsync(CancellationToken cancellationToken)
    {
        var used = Project.Services.Values.SelectMany(s => s.Volumes)
            .Where(m => m.Type == ComposeMountType.Volume && m.Source is not null).Select(m => m.Source!).ToHashSet(StringComparer.Ordinal);
        foreach (var key in used)
        {
            var declared = Project.Volumes.GetValueOrDefault(key);
            if (declared is { External: true })
            {
                continue;
            }

            var builder = new VolumeBuilder().WithName(declared?.Name ?? $"{prefix}_{key}")
                .WithLabel("com.docker.compose.project", Project.Name).WithLabel("com.docker.compose.volume", key);
            foreach (var (label, value) in declared?.Labels ?? new Dictionary<string, string>())
            {
                builder = builder.WithLabel(label, value);
            }

            if (options.Logger is { } log)
            {
                builder = builder.WithLogger(log);
            }

            var volume = builder.Build();
            volumes[key] = volume;
            await volume.CreateAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task BuildImagesAsync(CancellationToken cancellationToken)
    {
        foreach (var service in Project.Services.Values.Where(s => s.Build is not null))
        {
            var build = service.Build!;
            logger.ComposeBuilding(Project.Name, service.Name);
            var builder = new ImageBuilder(build.Context).WithLabel("com.docker.compose.project", Project.Name).WithLabel("com.docker.compose.service", service.Name);
            if (build.Dockerfile is { } dockerfile)
            {
                builder = builder.WithDockerfile(dockerfile);
            }

            // A service meant to outlive the session (a dev stack) keeps its image from the session cleanup too.
            if (service.Labels.TryGetValue(Cleanup.ResourceLabels.Keep, out var keep) && string.Equals(keep, "true", StringComparison.OrdinalIgnoreCase))
            {
                builder = builder.WithKeep();
            }

            if (build.Target is { } target)
            {
                builder = builder.WithTarget(target);
            }

            foreach (var (name, value) in build.Args)
            {
                if (value is not null)
                {
                    builder = builder.WithBuildArg(name, value);
                }
            }

            if (options.Logger is { } log)
            {
                builder = builder.WithLogger(log);
            }

            images[service.Name] = await builder.BuildAsync(cancellationToken).ConfigureAwait(false);
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
        var container = CreateBuilder(service, waitHealthy).Build();
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

    private ContainerBuilder CreateBuilder(ComposeService service, bool waitHealthy)
    {
        var image = images.TryGetValue(service.Name, out var built) ? built.Name : service.Image!;
        var builder = new ContainerBuilder(image)
            .WithName(service.ContainerName ?? $"{prefix}-{service.Name}-1")
            .WithLabel("com.docker.compose.project", Project.Name)
            .WithLabel("com.docker.compose.service", service.Name);
        foreach (var (label, value) in service.Labels)
        {
            builder = builder.WithLabel(label, value);
        }

        foreach (var (key, value) in service.Environment)
        {
            if (value is not null)
            {
                builder = builder.WithEnvironment(key, value);
            }
        }

        if (service.Entrypoint is { } entrypoint)
        {
            builder = builder.WithEntrypoint([.. entrypoint]);
        }

        if (service.Command is { } command)
        {
            builder = builder.WithCommand([.. command]);
        }

        if (service.WorkingDir is { } workingDir)
        {
            builder = builder.WithWorkingDirectory(workingDir);
        }

        if (service.Hostname is { } hostname)
        {
            builder = builder.WithHostname(hostname);
        }

        if (service.User is { } user)
        {
            builder = builder.WithUser(user);
        }

        foreach (var (host, address) in service.ExtraHosts)
        {
            builder = builder.WithExtraHost(host, address);
        }

        if (service.MemoryLimit is not null || service.Cpus is not null)
        {
            builder = builder.WithResourceLimits(service.MemoryLimit, service.Cpus);
        }

        if (service.Privileged)
        {
            builder = builder.WithPrivileged();
        }

        if (service.PullPolicy is { } pullPolicy)
        {
            builder = builder.WithPullPolicy(pullPolicy);
        }

        if (service.Restart is { } restart)
        {
            builder = builder.WithRestartPolicy(restart.Split(':')[0] switch
            {
                "always" => RestartPolicy.Always,
                "on-failure" => RestartPolicy.OnFailure,
                "unless-stopped" => RestartPolicy.UnlessStopped,
                _ => RestartPolicy.No,
            });
        }

        foreach (var port in service.Ports)
        {
            builder = builder.WithPortBinding(new PortBinding(port.Target, PublishedPort(port.Published), port.HostIp ?? options.HostIp, port.Protocol));
        }

        builder = AddMounts(builder, service);
        builder = AddNetworks(builder, service);
        if (ToHealthCheck(service.Healthcheck) is { } health)
        {
            builder = builder.WithHealthCheck(health);
        }

        if (waitHealthy)
        {
            builder = builder.AddWaitStrategy(Wait.ForHealthy());
        }

        foreach (var strategy in extraWaits.GetValueOrDefault(service.Name) ?? [])
        {
            builder = builder.AddWaitStrategy(strategy);
        }

        if (options.StartupTimeout is { } timeout)
        {
            builder = builder.WithStartupTimeout(timeout);
        }

        return options.Logger is { } log ? builder.WithLogger(log) : builder;
    }

    private ContainerBuilder AddMounts(ContainerBuilder builder, ComposeService service)
    {
        foreach (var mount in service.Volumes)
        {
            switch (mount.Type)
            {
                case ComposeMountType.Bind:
                    var source = Path.GetFullPath(mount.Source!, Project.WorkingDirectory);
                    if (!File.Exists(source) && !Directory.Exists(source))
                    {
                        Directory.CreateDirectory(source); // Compose creates a missing bind source as a directory.
                    }

                    builder = builder.WithBindMount(source, mount.Target, mount.ReadOnly);
                    break;
                case ComposeMountType.Tmpfs:
                    builder = builder.WithTmpfsMount(mount.Target);
                    break;
                case ComposeMountType.Volume when mount.Source is null:
                    var anonymous = new VolumeBuilder().WithLabel("com.docker.compose.project", Project.Name).Build();
                    lock (anonymousVolumes)
                    {
                        anonymousVolumes.Add(anonymous);
                    }

                    builder = builder.WithVolumeMount(anonymous, mount.Target, mount.ReadOnly);
                    break;
                default:
                    builder = volumes.TryGetValue(mount.Source!, out var volume)
                        ? builder.WithVolumeMount(volume, mount.Target, mount.ReadOnly)
                        : builder.WithVolumeMount(Project.Volumes[mount.Source!].Name ?? mount.Source!, mount.Target, mount.ReadOnly);
                    break;
            }
        }

        return builder;
    }

    private ContainerBuilder AddNetworks(ContainerBuilder builder, ComposeService service)
    {
        var attachments = service.Networks.Count == 0
            ? new Dictionary<string, ComposeServiceNetwork> { ["default"] = new([], null) }
            : service.Networks;
        foreach (var (key, attachment) in attachments)
        {
            string[] aliases = [service.Name, .. attachment.Aliases.Where(a => a != service.Name)];
            builder = networks.TryGetValue(key, out var network)
                ? builder.WithNetwork(network, aliases)
                : builder.WithNetwork(Project.Networks.GetValueOrDefault(key)?.Name ?? key, aliases);
        }

        return builder;
    }

    private static HealthCheck? ToHealthCheck(ComposeHealthcheck? health)
    {
        if (health is null || health.Disable || health.Test is null or { Count: 0 } or ["NONE", ..])
        {
            return null;
        }

        IReadOnlyList<string> command = health.Test[0] switch
        {
            "CMD-SHELL" => ["/bin/sh", "-c", string.Join(' ', health.Test.Skip(1))],
            "CMD" => [.. health.Test.Skip(1)],
            _ => ["/bin/sh", "-c", string.Join(' ', health.Test)],
        };

        // The specification's defaults: 30 s interval and timeout, 3 retries, no start period.
        return new HealthCheck(command, health.Interval ?? TimeSpan.FromSeconds(30), health.Timeout ?? TimeSpan.FromSeconds(30), health.Retries ?? 3, health.StartPeriod ?? TimeSpan.Zero);
    }

    private static int PublishedPort(string? published)
    {
        // A host range lets the engine choose; Testkit picks a random free port instead, reported by GetMappedPort.
        return published is not null && int.TryParse(published, NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : 0;
    }

    private async Task RemoveAllAsync(bool removeVolumes)
    {
        await Task.WhenAll(containers.Values.Select(c => RemoveAsync(c.ToString(), () => c.DisposeAsync()))).ConfigureAwait(false);
        containers.Clear();
        foreach (var image in images.Values)
        {
            await RemoveAsync(image.Name, () => image.DisposeAsync()).ConfigureAwait(false);
        }

        images.Clear();
        foreach (var network in networks.Values)
        {
            await RemoveAsync(network.ToString(), () => network.DisposeAsync()).ConfigureAwait(false);
        }

        networks.Clear();
        foreach (var volume in anonymousVolumes)
        {
            await RemoveAsync(volume.ToString(), () => volume.DisposeAsync()).ConfigureAwait(false);
        }

        anonymousVolumes.Clear();
        if (removeVolumes)
        {
            foreach (var volume in volumes.Values)
            {
                await RemoveAsync(volume.ToString(), () => volume.DisposeAsync()).ConfigureAwait(false);
            }
        }

        volumes.Clear();
    }

    private async Task RemoveAsync(string what, Func<ValueTask> remove)
    {
        try
        {
            await remove().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Removal goes on with the other resources; the failure is logged.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.ComposeRemoveFailed(Project.Name, what, e.Message);
        }
    }

    private static string NamePrefix(string project)
    {
        var clean = new StringBuilder();
        foreach (var c in project.ToLowerInvariant())
        {
            clean.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-');
        }

        var name = clean.ToString().Trim('-', '_');
        return (name.Length == 0 ? "compose" : name) + "-" + Guid.NewGuid().ToString("N")[..8];
    }
}

/// <summary>Raised when a compose stack cannot start because a service's dependency did not complete successfully.</summary>
public sealed class ComposeStackException : TestkitException
{
    /// <summary>Creates the exception with a message naming the service, the dependency and the exit code.</summary>
    public ComposeStackException(string message, string service, string dependency, long exitCode)
        : base(message)
    {
        Service = service;
        Dependency = dependency;
        ExitCode = exitCode;
    }

    /// <summary>The service that could not start.</summary>
    public string Service { get; }

    /// <summary>The dependency that failed.</summary>
    public string Dependency { get; }

    /// <summary>The dependency's exit code.</summary>
    public long ExitCode { get; }
}
