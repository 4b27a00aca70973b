using System.Diagnostics;
using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Testkit.Cleanup;
using Testkit.Engine;
using Testkit.Networks;

namespace Testkit.Volumes;

/// <summary>A named volume, created on first use and removed on dispose.</summary>
/// <remarks>Thread-safe: concurrent <see cref="CreateAsync"/> calls (e.g. several containers starting at once)
/// create it once. Containers that share it can each dispose it: while one still mounts it, it stays.</remarks>
public sealed class Volume : IAsyncDisposable
{
    private readonly VolumeBuilder settings;
    private readonly ILogger logger;
    private readonly OwnedResource resource;

    internal Volume(VolumeBuilder settings)
    {
        this.settings = settings;
        Name = settings.Name ?? throw new ArgumentException("A volume needs a name; VolumeBuilder.Build() chooses one.", nameof(settings));
        logger = settings.Logger ?? NullLogger.Instance;
        resource = new OwnedResource("volume", logger, FindOwnAsync);
    }

    /// <summary>The volume's unique name.</summary>
    public string Name { get; }

    /// <summary>Creates the volume if it does not exist yet. Safe to call more than once.</summary>
    /// <exception cref="TestkitException">A volume of this name exists already and is not this one.</exception>
    /// <exception cref="ObjectDisposedException">The volume was disposed.</exception>
    public Task CreateAsync(CancellationToken cancellationToken = default) => resource.CreateAsync(this, CreateOnEngineAsync, cancellationToken);

    /// <summary>Removes the volume and its data. Safe to call twice. While a container still mounts it, it stays
    /// (logged as a warning) and a later call removes it.</summary>
    public async ValueTask DisposeAsync() => await resource.DisposeAsync(RemoveOnEngineAsync).ConfigureAwait(false);

    /// <inheritdoc />
    public override string ToString() => $"volume {Name} ({(resource.Id is null ? "not created" : "created")})";

    private async Task<string> CreateOnEngineAsync(DockerEngine engine, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        VolumeResponse response;
        try
        {
            response = await engine.Client.Volumes.CreateAsync(
                new VolumesCreateParameters { Name = Name, Labels = resource.LabelsWith(settings.Labels) }, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e)
        {
            throw new TestkitException(
                $"The engine refused to create volume '{Name}': {EngineErrorText.Of(e)}. Check the name (WithName) or leave it unset for a generated one.", e);
        }

        if (response.Labels is null || !response.Labels.TryGetValue(ResourceLabels.Instance, out var owner) || owner != resource.Instance)
        {
            // The engine handed back an existing volume instead of creating one; removing it on dispose would
            // destroy someone else's data.
            resource.CreateUndone();
            throw new TestkitException(
                $"A volume named '{Name}' already exists on the engine and was not created by this Volume object, so Testkit will not use "
                + $"(nor later remove) it. Leave the name unset for a generated unique one, choose another with WithName, share one Volume "
                + $"object between containers, or remove the old one with 'docker volume rm {Name}'.");
        }

        logger.VolumeCreated(Name, clock.ElapsedMilliseconds);
        return Name;
    }

    private static async Task<IReadOnlyList<string>> FindOwnAsync(DockerEngine target, string label, CancellationToken cancellationToken)
    {
        var found = await target.Client.Volumes.ListAsync(new VolumesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [label] = true } },
        }, cancellationToken).ConfigureAwait(false);
        return [.. (found.Volumes ?? []).Select(v => v.Name)];
    }

    /// <summary>Removes one volume; false when a container still mounts it.</summary>
    private async Task<bool> RemoveOnEngineAsync(DockerEngine target, string name)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            await target.Client.Volumes.RemoveAsync(name, force: true).ConfigureAwait(false);
            logger.VolumeRemoved(name, clock.ElapsedMilliseconds);
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // Already gone (removed by hand): nothing left to do.
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            // Throwing would break containers that share the volume and each dispose it; the last one removes it.
            logger.VolumeInUse(name, EngineErrorText.Of(e));
            return false;
        }
        catch (DockerApiException e)
        {
            throw new TestkitException($"Volume '{name}' could not be removed: {EngineErrorText.Of(e)}. Remove it with 'docker volume rm -f {name}'.", e);
        }

        return true;
    }
}
