using Docker.DotNet.Models;
using Testkit.Cleanup;
using DockerPortBinding = Docker.DotNet.Models.PortBinding;

namespace Testkit.Containers;

/// <summary>Translates settings into the engine's create request.</summary>
internal static class ContainerSpec
{
    public static CreateContainerParameters ToCreateParameters(ContainerSettings settings, string image)
    {
        var labels = new Dictionary<string, string>(settings.Labels);
        foreach (var (key, value) in ResourceLabels.ForThisSession)
        {
            labels[key] = value;
        }

        return new CreateContainerParameters
        {
            Image = image,
            Name = settings.Name,
            Entrypoint = settings.Entrypoint is { } entrypoint ? [.. entrypoint] : null!,
            Cmd = settings.Command is { } command ? [.. command] : null!,
            Env = [.. settings.Environment.Select(e => $"{e.Key}={e.Value}")],
            Labels = labels,
            ExposedPorts = settings.Ports.ToDictionary(p => p.Key, _ => new EmptyStruct()),
            HostConfig = new HostConfig
            {
                PortBindings = settings.Ports
                    .GroupBy(p => p.Key)
                    .ToDictionary(g => g.Key, g => (IList<DockerPortBinding>)[.. g.Select(p => new DockerPortBinding
                    {
                        HostIP = p.HostIp,
                        HostPort = p.HostPort == 0 ? "" : p.HostPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    })]),
            },
        };
    }
}
