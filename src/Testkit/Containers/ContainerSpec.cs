using System.Globalization;
using Docker.DotNet.Models;
using Testkit.Cleanup;
using DockerMount = Docker.DotNet.Models.Mount;
using DockerPortBinding = Docker.DotNet.Models.PortBinding;
using DockerRestartPolicy = Docker.DotNet.Models.RestartPolicy;

namespace Testkit.Containers;

/// <summary>Translates settings into the engine's create request.</summary>
internal static class ContainerSpec
{
    /// <summary>The create request; <paramref name="instance"/>, when given, becomes the <see cref="ResourceLabels.Instance"/>
    /// label by which the container is found again when the create's answer is lost.</summary>
    public static CreateContainerParameters ToCreateParameters(ContainerSettings settings, string image, string? instance = null)
    {
        var labels = new Dictionary<string, string>(settings.Labels);
        foreach (var (key, value) in ResourceLabels.ForThisSession)
        {
            labels[key] = value;
        }

        // Containers inherit their image's labels: one run from a kept image is not kept unless asked.
        labels.TryAdd(ResourceLabels.Keep, "false");
        if (instance is not null)
        {
            labels[ResourceLabels.Instance] = instance;
        }

        // API 1.41 accepts one network at creation; the others are connected before the start.
        var firstNetwork = settings.Networks.FirstOrDefault();
        return new CreateContainerParameters
        {
            Image = image,
            Name = settings.Name,
            Hostname = settings.Hostname!,
            User = settings.User!,
            WorkingDir = settings.WorkingDirectory!,
            Entrypoint = settings.Entrypoint is { } entrypoint ? [.. entrypoint] : null!,
            Cmd = settings.Command is { } command ? [.. command] : null!,
            Env = [.. settings.Environment.Select(e => $"{e.Key}={e.Value}")],
            Labels = labels,
            ExposedPorts = settings.Ports.ToDictionary(p => p.Key, _ => new EmptyStruct()),
            Healthcheck = settings.HealthCheck is { } health ? ToHealthcheck(health) : null!,
            HostConfig = new HostConfig
            {
                PortBindings = settings.Ports
                    .GroupBy(p => p.Key)
                    .ToDictionary(g => g.Key, g => (IList<DockerPortBinding>)[.. g.Select(p => new DockerPortBinding
                    {
                        HostIP = p.HostIp,
                        HostPort = p.HostPort == 0 ? "" : p.HostPort.ToString(CultureInfo.InvariantCulture),
                    })]),
                RestartPolicy = new DockerRestartPolicy { Name = ToKind(settings.RestartPolicy) },
                Memory = settings.MemoryLimitBytes ?? 0,
                NanoCPUs = settings.CpuLimit is { } cpus ? (long)(cpus * 1_000_000_000) : 0,
                ExtraHosts = [.. settings.ExtraHosts.Select(h => $"{h.Key}:{h.Value}")],
                AutoRemove = settings.AutoRemove,
                Privileged = settings.Privileged,
                Mounts = [.. settings.Mounts.Select(ToMount)],
                NetworkMode = firstNetwork?.Network!,
            },
            NetworkingConfig = firstNetwork is null
                ? null!
                : new NetworkingConfig { EndpointsConfig = new Dictionary<string, EndpointSettings> { [firstNetwork.Network] = ToEndpoint(firstNetwork) } },
        };
    }

    public static EndpointSettings ToEndpoint(NetworkAttachment attachment) => new() { Aliases = [.. attachment.Aliases] };

    private static HealthcheckConfig ToHealthcheck(HealthCheck health) => new()
    {
        Test = ["CMD", .. health.Command],
        Interval = health.Interval,
        Timeout = health.Timeout,
        Retries = health.Retries,
        StartPeriod = health.StartPeriod,
    };

    private static DockerMount ToMount(Mount mount) => new()
    {
        Type = mount.Type switch { MountType.Bind => "bind", MountType.Volume => "volume", _ => "tmpfs" },
        Source = mount.Type == MountType.Tmpfs ? null! : mount.Source,
        Target = mount.Target,
        ReadOnly = mount.ReadOnly,
    };

    private static RestartPolicyKind ToKind(RestartPolicy policy) => policy switch
    {
        RestartPolicy.Always => RestartPolicyKind.Always,
        RestartPolicy.OnFailure => RestartPolicyKind.OnFailure,
        RestartPolicy.UnlessStopped => RestartPolicyKind.UnlessStopped,
        _ => RestartPolicyKind.No,
    };
}
