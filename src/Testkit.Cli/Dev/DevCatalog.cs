using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using Testkit.Engine;

namespace Testkit.Cli.Dev;

/// <summary>A port a dev container publishes.</summary>
/// <param name="ContainerPort">The port inside the container.</param>
/// <param name="Protocol">tcp or udp.</param>
/// <param name="HostIp">The host address it is published on.</param>
/// <param name="HostPort">The host port.</param>
internal sealed record DevPort(int ContainerPort, string Protocol, string HostIp, int HostPort)
{
    public override string ToString() => $"{HostIp}:{HostPort}->{ContainerPort}/{Protocol}";
}

/// <summary>One container of a dev service, as the engine reports it now.</summary>
internal sealed record DevContainer(
    string Id, string Name, string Role, string State, string? Health, string Image, string EngineImage,
    IReadOnlyList<DevPort> Ports, DateTimeOffset? StartedAt, IReadOnlyDictionary<string, string> Labels)
{
    public bool Running => State == "running";
}

/// <summary>A dev service: its containers (none after <c>down</c>), and the volumes and networks labelled with its name.</summary>
internal sealed record DevService(string Name, string Module, IReadOnlyList<DevContainer> Containers, IReadOnlyList<string> Volumes, IReadOnlyList<string> Networks)
{
    /// <summary>The container clients connect to: the main one, or the only one.</summary>
    public DevContainer? Main => Containers.FirstOrDefault(c => c.Role == DevLabels.MainRole) ?? (Containers.Count == 1 ? Containers[0] : null);

    /// <summary>running, partly running, exited…, or "down" when only its data is left.</summary>
    public string Status => Containers.Count == 0 ? "down"
        : Containers.All(c => c.Running) ? "running"
        : Containers.Any(c => c.Running) ? "partly running"
        : Containers[0].State;

    /// <summary>The container of a role or compose service; the main one when <paramref name="role"/> is null.</summary>
    /// <exception cref="CliException">No such part, or several and none chosen.</exception>
    public DevContainer Pick(string? role)
    {
        if (Containers.Count == 0)
        {
            throw CliException.Conflict($"Dev service '{Name}' is down (its data is kept): start it with 'testkit up {Module} --name {Name}'.");
        }

        if (role is null)
        {
            return Main ?? throw CliException.Usage(
                $"Dev service '{Name}' has several containers: choose one with --service ({string.Join(", ", Containers.Select(c => c.Role))}).");
        }

        return Containers.FirstOrDefault(c => c.Role == role)
            ?? throw CliException.NotFound($"Dev service '{Name}' has no part '{role}': choose one of {string.Join(", ", Containers.Select(c => c.Role))}.");
    }
}

/// <summary>Finds dev services on the engine by their labels.</summary>
internal static class DevCatalog
{
    /// <summary>Every dev service (or the one named <paramref name="name"/>), sorted by name.</summary>
    public static async Task<IReadOnlyList<DevService>> ListAsync(DockerEngine engine, string? name, CancellationToken cancellationToken)
    {
        var filter = name is null ? DevLabels.Name : $"{DevLabels.Name}={name}";
        var containers = DevEngine.ContainersAsync(engine, cancellationToken, filter);
        var volumes = DevEngine.VolumesAsync(engine, cancellationToken, filter);
        var networks = DevEngine.NetworksAsync(engine, cancellationToken, filter);
        await Task.WhenAll(containers, volumes, networks).ConfigureAwait(false);

        // A container removed between the list and its inspect (another 'down', a test's cleanup) is simply no longer there.
        var inspected = (await Task.WhenAll((await containers.ConfigureAwait(false)).Select(c => DescribeAsync(engine, c, cancellationToken))).ConfigureAwait(false))
            .OfType<DevContainer>().ToList();
        var allVolumes = await volumes.ConfigureAwait(false);
        var allNetworks = await networks.ConfigureAwait(false);
        var names = inspected.Select(c => c.Labels[DevLabels.Name])
            .Concat(allVolumes.Select(v => v.Labels[DevLabels.Name]))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return [.. names.Select(service =>
        {
            var own = inspected.Where(c => c.Labels[DevLabels.Name] == service).OrderBy(c => c.Role == DevLabels.MainRole ? "" : c.Role, StringComparer.Ordinal).ToList();
            var ownVolumes = allVolumes.Where(v => v.Labels[DevLabels.Name] == service).ToList();
            var module = (own.Count > 0 ? own[0].Labels.GetValueOrDefault(DevLabels.Module) : null)
                ?? ownVolumes.Select(v => DevLabels.Get(v.Labels, DevLabels.Module)).FirstOrDefault(m => m is not null) ?? "?";
            return new DevService(service, module, own, [.. ownVolumes.Select(v => v.Name).Order(StringComparer.Ordinal)],
                [.. allNetworks.Where(n => DevLabels.Get(n.Labels, DevLabels.Name) == service).Select(n => n.Name)]);
        })];
    }

    /// <summary>The dev service named <paramref name="name"/>.</summary>
    /// <exception cref="CliException">There is none (exit code 4).</exception>
    public static async Task<DevService> FindAsync(DockerEngine engine, string name, CancellationToken cancellationToken) =>
        await ListAsync(engine, name, cancellationToken).ConfigureAwait(false) is [var found, ..]
            ? found
            : throw CliException.NotFound($"There is no dev service named '{name}': 'testkit ls' lists them.");

    private static async Task<DevContainer?> DescribeAsync(DockerEngine engine, ContainerListResponse listed, CancellationToken cancellationToken)
    {
        ContainerInspectResponse inspect;
        try
        {
            inspect = await engine.Client.Containers.InspectContainerAsync(listed.ID, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }

        var labels = (IReadOnlyDictionary<string, string>)(inspect.Config?.Labels ?? listed.Labels ?? new Dictionary<string, string>());

        // Running: the ports as published now; stopped: as configured (the same unless the engine chose them).
        var bindings = inspect.NetworkSettings?.Ports is { Count: > 0 } live && listed.State == "running"
            ? live
            : inspect.HostConfig?.PortBindings ?? new Dictionary<string, IList<PortBinding>>();
        var ports = bindings
            .Where(b => b.Value is { Count: > 0 })
            .SelectMany(b => b.Value.Select(v => (Key: b.Key, v.HostIP, v.HostPort)))
            .Where(b => int.TryParse(b.HostPort, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .Select(b =>
            {
                var (port, protocol) = b.Key.Split('/') is [var p, var proto] ? (p, proto) : (b.Key, "tcp");
                return new DevPort(int.Parse(port, CultureInfo.InvariantCulture), protocol, string.IsNullOrEmpty(b.HostIP) ? "0.0.0.0" : b.HostIP,
                    int.Parse(b.HostPort, CultureInfo.InvariantCulture));
            })
            .DistinctBy(p => (p.ContainerPort, p.Protocol, p.HostIp))
            .OrderBy(p => p.ContainerPort)
            .ToList();
        DateTimeOffset? started = listed.State == "running"
                                  && DateTimeOffset.TryParse(inspect.State?.StartedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : null;
        return new DevContainer(
            listed.ID, inspect.Name?.TrimStart('/') ?? listed.ID[..12], labels.GetValueOrDefault(DevLabels.Role) ?? DevLabels.MainRole,
            listed.State, inspect.State?.Health?.Status, labels.GetValueOrDefault(DevLabels.Image) ?? inspect.Config?.Image ?? listed.Image,
            inspect.Config?.Image ?? listed.Image, ports, started, labels);
    }
}
