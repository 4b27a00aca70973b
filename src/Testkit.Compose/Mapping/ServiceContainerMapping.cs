using System.Globalization;
using Testkit.Containers;
using Testkit.Waiting;

namespace Testkit.Compose;

/// <summary>A compose service as a core <see cref="ContainerBuilder"/>: image (or the one built), name, labels, environment,
/// command, ports, mounts, networks with aliases, healthcheck and limits.</summary>
internal sealed class ServiceContainerMapping(ComposeProject project, string prefix, ComposeStackOptions options, StackResources resources)
{
    private ComposeProject Project { get; } = project;

    /// <summary>The builder of <paramref name="service"/>'s container: <paramref name="waitHealthy"/> when another service waits
    /// for its health, then the waits the user added.</summary>
    public ContainerBuilder ToBuilder(ComposeService service, bool waitHealthy, IReadOnlyList<IWaitStrategy> extraWaits)
    {
        var image = resources.Images.TryGetValue(service.Name, out var built) ? built.Name : service.Image!;
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
            builder = builder.ReplaceCommand([.. command]);
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
            builder = builder.WithPortBinding(new PortBinding(port.Target).OnHostPort(PublishedPort(port.Published)).OnHostIp(port.HostIp ?? options.HostIp).WithProtocol(port.Protocol));
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

        foreach (var strategy in extraWaits)
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
                    builder = builder.WithVolumeMount(resources.NewAnonymousVolume(), mount.Target, mount.ReadOnly);
                    break;
                default:
                    builder = resources.Volumes.TryGetValue(mount.Source!, out var volume)
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
            builder = resources.Networks.TryGetValue(key, out var network)
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
}
