using Microsoft.Extensions.Logging;
using Testkit.Images;
using Testkit.Networks;
using Testkit.Volumes;

namespace Testkit.Compose;

/// <summary>What a stack creates besides its containers: networks, named and anonymous volumes, built images; and their removal.</summary>
internal sealed class StackResources(ComposeProject project, string prefix, ComposeStackOptions options, ILogger logger)
{
    private readonly Dictionary<string, Network> networks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Volume> volumes = new(StringComparer.Ordinal);
    private readonly List<Volume> anonymousVolumes = [];
    private readonly Dictionary<string, BuiltImage> images = new(StringComparer.Ordinal);

    private ComposeProject Project { get; } = project;

    /// <summary>The networks created, by key; external ones are not here.</summary>
    public IReadOnlyDictionary<string, Network> Networks => networks;

    /// <summary>The named volumes created, by key; external ones are not here.</summary>
    public IReadOnlyDictionary<string, Volume> Volumes => volumes;

    /// <summary>The images built, by service.</summary>
    public IReadOnlyDictionary<string, BuiltImage> Images => images;

    /// <summary>A new anonymous volume of the project, removed with the stack whatever <c>removeVolumes</c> says.</summary>
    public Volume NewAnonymousVolume()
    {
        var anonymous = new VolumeBuilder().WithLabel("com.docker.compose.project", Project.Name).Build();
        lock (anonymousVolumes)
        {
            anonymousVolumes.Add(anonymous);
        }

        return anonymous;
    }

    /// <summary>Creates the networks the services join, except external ones.</summary>
    public async Task CreateNetworksAsync(CancellationToken cancellationToken)
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

    /// <summary>Creates the named volumes the services mount, except external ones.</summary>
    public async Task CreateVolumesAsync(CancellationToken cancellationToken)
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

    /// <summary>Builds the images of the services that have <c>build:</c>.</summary>
    public async Task BuildImagesAsync(CancellationToken cancellationToken)
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

    /// <summary>Removes the built images, the networks and the anonymous volumes, and the named volumes when
    /// <paramref name="removeVolumes"/> is true; a failure is logged and the rest still removed. Containers go first, by the stack.</summary>
    public async Task RemoveAllAsync(bool removeVolumes)
    {
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

    /// <summary>Runs one removal; a failure is logged, not thrown, so that the other resources are still removed.</summary>
    public async Task RemoveAsync(string what, Func<ValueTask> remove)
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
}
