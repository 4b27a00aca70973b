using System.Diagnostics;
using Testkit.Cli.Output;
using Testkit.Compose;
using Testkit.Engine;

namespace Testkit.Cli.Dev;

/// <summary>What <c>testkit up -f</c> reports: the stack's name and each service's container and ports.</summary>
internal sealed record ComposeUpResult(string Name, string Module, string Project, IReadOnlyList<ComposeUpService> Services, double StartSeconds);

/// <summary>One service of a dev stack.</summary>
internal sealed record ComposeUpService(string Service, string Container, string State, IReadOnlyList<string> Ports);

/// <summary>Runs compose files as a dev stack through <see cref="ComposeStack"/>, made to outlive the command: every
/// container, network and volume gets the dev labels (<c>org.testkit.keep=true</c> among them) through the project
/// model's own label fields, named volumes get stable names so that their data survives <c>down</c>/<c>up</c>, and
/// anonymous volumes become named ones, kept the same way.</summary>
internal static class ComposeDevStack
{
    public const string ModuleName = "compose";

    public static async Task<ComposeUpResult> UpAsync(
        DockerEngine engine, IReadOnlyList<string> files, string? name, IReadOnlyList<string> profiles, TimeSpan startupTimeout,
        Terminal terminal, CancellationToken cancellationToken)
    {
        ComposeProject project;
        try
        {
            project = ComposeLoader.Load(files, new ComposeLoadOptions { ProjectName = name });
        }
        catch (ComposeException e)
        {
            // One line: each problem names its file, line and key.
            throw CliException.Usage("The compose files cannot be used: " + string.Join("; ", e.Errors));
        }

        var devName = DevNames.Validate(name ?? project.Name);
        if ((await DevEngine.ContainersAsync(engine, cancellationToken, $"{DevLabels.Name}={devName}").ConfigureAwait(false)).Count > 0)
        {
            throw CliException.Conflict($"Dev service '{devName}' exists already: use it ('testkit ls'), remove it with 'testkit down {devName}' (its data is kept), or choose another --name.");
        }

        project = await KeepAsync(engine, project.WithProfiles(profiles), devName, cancellationToken).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        await terminal.WithStatusAsync($"Starting compose stack '{devName}' ({project.Services.Count} services)…", async show =>
        {
            // Not disposed on purpose: disposing would remove the stack; 'testkit down' removes it by its labels.
            var stack = new ComposeStack(project, new ComposeStackOptions { Logger = new StatusLogger(show), StartupTimeout = startupTimeout, Profiles = profiles });
            await stack.StartAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);

        var service = await DevCatalog.FindAsync(engine, devName, cancellationToken).ConfigureAwait(false);
        return new ComposeUpResult(devName, ModuleName, project.Name,
            [.. service.Containers.Select(c => new ComposeUpService(c.Role, c.Name, c.State, [.. c.Ports.Select(p => p.ToString())]))],
            Math.Round(clock.Elapsed.TotalSeconds, 2));
    }

    /// <summary>The project with the dev labels on every container, network and volume it creates, and stable volume names.</summary>
    private static async Task<ComposeProject> KeepAsync(DockerEngine engine, ComposeProject project, string devName, CancellationToken cancellationToken)
    {
        Dictionary<string, string> Labels(IReadOnlyDictionary<string, string> own, string role)
        {
            var labels = new Dictionary<string, string>(own, StringComparer.Ordinal);
            foreach (var (key, value) in DevLabels.For(devName, ModuleName, role))
            {
                labels[key] = value;
            }

            return labels;
        }

        var volumes = new Dictionary<string, ComposeVolume>(project.Volumes, StringComparer.Ordinal);
        var services = new Dictionary<string, ComposeService>(StringComparer.Ordinal);
        foreach (var service in project.Services.Values)
        {
            // An anonymous volume would carry only the session's labels and be swept once the command has exited.
            var mounts = service.Volumes.Select((mount, index) =>
            {
                if (mount.Type != ComposeMountType.Volume || mount.Source is not null)
                {
                    return mount;
                }

                var key = $"{service.Name}-anonymous-{index}";
                volumes[key] = new ComposeVolume(null, null, External: false, new Dictionary<string, string>(), new Dictionary<string, string>());
                return mount with { Source = key };
            }).ToList();
            var labels = Labels(service.Labels, service.Name);
            labels[DevLabels.Image] = service.Image ?? $"(built) {service.Name}";
            services[service.Name] = service with { Labels = labels, Volumes = mounts };
        }

        var networks = new Dictionary<string, ComposeNetwork>(project.Networks, StringComparer.Ordinal);
        foreach (var key in services.Values.SelectMany(s => s.Networks.Count == 0 ? ["default"] : s.Networks.Keys).Distinct(StringComparer.Ordinal))
        {
            var declared = networks.GetValueOrDefault(key);
            if (declared is not { External: true })
            {
                networks[key] = new ComposeNetwork(declared?.Name, declared?.Driver, External: false, declared?.Internal ?? false, Labels(declared?.Labels ?? new Dictionary<string, string>(), "network"));
            }
        }

        var used = services.Values.SelectMany(s => s.Volumes).Where(m => m.Type == ComposeMountType.Volume && m.Source is not null).Select(m => m.Source!).ToHashSet(StringComparer.Ordinal);
        foreach (var key in used)
        {
            var declared = volumes.GetValueOrDefault(key) ?? new ComposeVolume(null, null, false, new Dictionary<string, string>(), new Dictionary<string, string>());
            if (declared.External)
            {
                continue;
            }

            // A stable name (compose's own "<project>_<key>") so that 'up' after 'down' finds the data again; an existing
            // one of this stack is used as external, since the stack would refuse to create a volume that exists.
            var volumeName = declared.Name ?? $"{devName}_{key}";
            var existing = await DevEngine.VolumeNamedAsync(engine, volumeName, cancellationToken).ConfigureAwait(false);
            if (existing is not null && DevLabels.Get(existing.Labels, DevLabels.Name) != devName)
            {
                throw CliException.Conflict($"Volume '{volumeName}' exists and does not belong to dev stack '{devName}': remove it ('docker volume rm {volumeName}') or choose another --name.");
            }

            volumes[key] = declared with { Name = volumeName, External = existing is not null, Labels = Labels(declared.Labels, "volume:" + key) };
        }

        return project with { Services = services, Networks = networks, Volumes = volumes };
    }
}
