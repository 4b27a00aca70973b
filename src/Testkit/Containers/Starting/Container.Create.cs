using System.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;
using Testkit.Engine;
using Testkit.Images;

namespace Testkit.Containers;

// The first start's create, one step after the other, each once: resolve the described image (with its networks and
// volumes), let the module prepare what is created from it, create.
public partial class Container
{
    private async Task CreateAndStartAsync(CancellationToken cancellationToken)
    {
        // A first start tried again after a failure prepares from the description, not from the last preparation.
        described ??= Settings;
        startStep = "connecting to the engine";
        engine = await DockerEngine.GetSharedAsync(logger, RemainingStartTime, cancellationToken).ConfigureAwait(false);
        startStep = $"resolving image {described.Image}, creating its networks and volumes";
        var resolving = ResolveAsync(described.Image, described.PullPolicy, cancellationToken);
        await Task.WhenAll(CreateDependenciesAsync(described, cancellationToken), resolving).ConfigureAwait(false);
        var image = await resolving.ConfigureAwait(false);
        for (var retries = HostPortRetries; ; retries--)
        {
            startStep = $"preparing the settings ({GetType().Name}.PrepareStartAsync)";
            var prepared = await PrepareStartAsync(new PreparedStart(described, image), cancellationToken).ConfigureAwait(false);
            Settings = prepared.Settings;
            resolvedImage = prepared.Image.Requested == Settings.Image || prepared.Image.Reference == Settings.Image
                ? prepared.Image
                : await ResolveAsync(Settings.Image, Settings.PullPolicy, cancellationToken).ConfigureAwait(false);
            Image = resolvedImage.Reference;
            await CreateAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await StartCreatedAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (HostPortTakenException e) when (retries > 0)
            {
                logger.HostPortTakenRetrying(ShortId, e.Ports);
                await RemoveAsync().ConfigureAwait(false);
                id = null;
            }
        }
    }

    /// <summary>Creates the container from the prepared <see cref="Settings"/> and <see cref="resolvedImage"/>.</summary>
    private async Task CreateAsync(CancellationToken cancellationToken)
    {
        // What the preparation added; those of the description exist already (creating them again asks the engine nothing).
        await CreateDependenciesAsync(Settings, cancellationToken).ConfigureAwait(false);
        var parameters = ContainerSpec.ToCreateParameters(Settings, Image!, instance);
        if (Settings.Reuse && Reuse.ContainerReuse.Enabled && await FindReusableAsync(parameters, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        startStep = "creating the container";
        createAttempted = true;
        id = await CreateOnEngineAsync(parameters, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        startStep = "connecting the container to its networks";
        foreach (var network in Settings.Networks.Skip(1))
        {
            await Engine.Client.Networks.ConnectNetworkAsync(network.Network, new NetworkConnectParameters
            {
                Container = id,
                EndpointConfig = ContainerSpec.ToEndpoint(network),
            }, cancellationToken).ConfigureAwait(false);
        }

        if (!Settings.Files.IsEmpty)
        {
            startStep = "copying files into the container";
            await CopyToContainerAsync(Settings.Files, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends the create and returns the new container's id. The request itself is never cancelled: the engine goes on
    /// creating a container whose client gave up (API 1.41's create takes no cancellation), and a removal that lists by label
    /// right after the abort can run before the engine has it (5–8 of 49 cancelled starts leaked so). A start that ends
    /// meanwhile (its timeout, the caller) stops waiting at once, and the container is removed by its id when the answer comes.</summary>
    private async Task<string> CreateOnEngineAsync(CreateContainerParameters parameters, CancellationToken cancellationToken)
    {
        var creating = Engine.Client.Containers.CreateContainerAsync(parameters, CancellationToken.None);
        try
        {
            return (await creating.WaitAsync(cancellationToken).ConfigureAwait(false)).ID;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            abandonedCreate = RemoveOnceCreatedAsync(creating);
            throw;
        }
    }

    private async Task RemoveOnceCreatedAsync(Task<CreateContainerResponse> creating)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var created = await creating.ConfigureAwait(false);
            await Engine.Client.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }).ConfigureAwait(false);
            logger.ContainerRemoved(ShortIds.Of(created.ID), clock.ElapsedMilliseconds);
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException)
        {
            // The create failed (nothing to remove), or the removal did: the session's watchdog removes it by its labels.
            logger.RemovalDeferred(ShortId, e.GetBaseException().Message);
        }
    }

    private static Task CreateDependenciesAsync(ContainerSettings settings, CancellationToken cancellationToken) =>
        Task.WhenAll(settings.Networks.Select(n => n.OwnedNetwork?.CreateAsync(cancellationToken))
            .Concat(settings.Mounts.Select(m => m.OwnedVolume?.CreateAsync(cancellationToken)))
            .OfType<Task>());

    private Task<ResolvedImage> ResolveAsync(string image, PullPolicy policy, CancellationToken cancellationToken) =>
        ImageResolver.ResolveImageAsync(Engine, image, policy, logger, cancellationToken, pulling: pulled => startStep = $"pulling image {pulled}");
}
