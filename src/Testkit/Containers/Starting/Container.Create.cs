using Docker.DotNet.Models;
using Testkit.Engine;
using Testkit.Images;

namespace Testkit.Containers;

// The first start's create: settings prepared, image resolved, the container created with what it needs.
public partial class Container
{
    private async Task CreateAndStartAsync(CancellationToken cancellationToken)
    {
        // A first start tried again after a failure prepares from the description, not from the last preparation.
        described ??= Settings;
        for (var retries = HostPortRetries; ; retries--)
        {
            startStep = $"preparing the settings ({GetType().Name}.PrepareSettingsAsync)";
            Settings = await PrepareSettingsAsync(described, cancellationToken).ConfigureAwait(false);
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

    private async Task CreateAsync(CancellationToken cancellationToken)
    {
        startStep = "connecting to the engine";
        engine = await DockerEngine.GetSharedAsync(logger, RemainingStartTime, cancellationToken).ConfigureAwait(false);
        startStep = $"resolving image {Settings.Image}, creating its networks and volumes";
        var dependencies = Settings.Networks.Select(n => n.OwnedNetwork?.CreateAsync(cancellationToken))
            .Concat(Settings.Mounts.Select(m => m.OwnedVolume?.CreateAsync(cancellationToken)))
            .OfType<Task>()
            .Append(ResolveImageAsync(cancellationToken));
        await Task.WhenAll(dependencies).ConfigureAwait(false);

        var parameters = ContainerSpec.ToCreateParameters(Settings, Image!, instance);
        if (Settings.Reuse && Reuse.ContainerReuse.Enabled && await FindReusableAsync(parameters, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        // Not cancelled mid-request: the engine goes on creating a container whose client gave up (API 1.41's create takes no
        // cancellation), and a removal that lists by label right after the abort can run before the engine has it (5–8 of
        // 49 cancelled starts leaked so). Waiting for the answer keeps the id; the cancellation takes effect right after.
        // The instance label still finds a container whose answer was lost otherwise (a timeout, a dropped connection).
        startStep = "creating the container";
        createAttempted = true;
        var created = await engine.Client.Containers.CreateContainerAsync(parameters, CancellationToken.None).ConfigureAwait(false);
        id = created.ID;
        cancellationToken.ThrowIfCancellationRequested();
        startStep = "connecting the container to its networks";
        foreach (var network in Settings.Networks.Skip(1))
        {
            await engine.Client.Networks.ConnectNetworkAsync(network.Network, new NetworkConnectParameters
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

    private async Task ResolveImageAsync(CancellationToken cancellationToken) =>
        (Image, resolvedImage) = await ImageResolver.ResolveAndInspectAsync(
            Engine, Settings.Image, Settings.PullPolicy, logger, cancellationToken, pulling: image => startStep = $"pulling image {image}").ConfigureAwait(false);
}
