using System.Diagnostics;
using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Testkit.Cleanup;
using Testkit.Containers;
using Testkit.Engine;

namespace Testkit.Networks;

/// <summary>A user-defined bridge network, created on first use and removed on dispose.</summary>
/// <remarks>Thread-safe: concurrent <see cref="CreateAsync"/> calls (e.g. several containers starting at once)
/// create it once.</remarks>
public sealed class Network : IAsyncDisposable
{
    private const int RemoveAttempts = 3;

    private readonly NetworkBuilder settings;
    private readonly ILogger logger;
    private readonly OwnedResource resource;

    internal Network(NetworkBuilder settings)
    {
        this.settings = settings;
        Name = settings.Name ?? throw new ArgumentException("A network needs a name; NetworkBuilder.Build() chooses one.", nameof(settings));
        logger = settings.Logger ?? NullLogger.Instance;
        resource = new OwnedResource("network", logger, FindOwnAsync);
    }

    /// <summary>The network's unique name.</summary>
    public string Name { get; }

    /// <summary>The engine's id of the network.</summary>
    /// <exception cref="InvalidOperationException">The network has not been created yet.</exception>
    public string Id => resource.Id ?? throw new InvalidOperationException(
        $"Network '{Name}' has not been created: call CreateAsync first (a container that joins it creates it on start).");

    /// <summary>The engine's network driver, e.g. <c>bridge</c>.</summary>
    public string Driver => settings.Driver;

    /// <summary>True when containers on the network cannot reach outside it.</summary>
    public bool Internal => settings.Internal;

    /// <summary>Creates the network if it does not exist yet. Safe to call more than once.</summary>
    /// <exception cref="TestkitException">Another network already has this name, or the engine refused the request.</exception>
    /// <exception cref="ObjectDisposedException">The network was disposed.</exception>
    public Task CreateAsync(CancellationToken cancellationToken = default) => resource.CreateAsync(this, async (engine, token) =>
    {
        var clock = Stopwatch.StartNew();
        var created = await CreateOnEngineAsync(engine, token).ConfigureAwait(false);
        if (created.Warning?.Contains("already exists", StringComparison.Ordinal) == true)
        {
            // Engines before API 1.44 create a second network of the same name and only warn; containers joining
            // by name would then land on either, so undo it and report the conflict as newer engines do.
            await RemoveOnEngineAsync(engine, created.ID).ConfigureAwait(false);
            resource.CreateUndone();
            throw NameTaken(created.Warning, null);
        }

        logger.NetworkCreated(Name, ShortIds.Of(created.ID), settings.Driver, settings.Internal, clock.ElapsedMilliseconds);
        return created.ID;
    }, cancellationToken);

    /// <summary>Connects a running container to this network (creating the network first if needed), reachable
    /// there by its name and <paramref name="aliases"/>.</summary>
    public Task ConnectAsync(Container container, params string[] aliases) => ConnectAsync(container, (IEnumerable<string>)aliases);

    /// <summary>Connects a running container to this network (creating the network first if needed), reachable
    /// there by its name and <paramref name="aliases"/>.</summary>
    /// <exception cref="TestkitException">The engine refused, e.g. the container is already connected or was removed.</exception>
    public async Task ConnectAsync(Container container, IEnumerable<string> aliases, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(aliases);
        string[] names = [.. aliases];
        if (names.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("An alias cannot be empty; pass DNS names such as \"cache\".", nameof(aliases));
        }

        var containerId = container.Id;
        await CreateAsync(cancellationToken).ConfigureAwait(false);
        var networkId = Id;
        try
        {
            await resource.Engine!.Client.Networks.ConnectNetworkAsync(
                networkId,
                new NetworkConnectParameters { Container = containerId, EndpointConfig = new EndpointSettings { Aliases = names } },
                cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e)
        {
            throw new TestkitException(
                $"Container {ShortIds.Of(containerId)} could not join network '{Name}': {EngineErrorText.Of(e)}. "
                + "Connect a started container that is not on this network yet (DisconnectAsync first to change its aliases).", e);
        }

        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.NetworkConnected(ShortIds.Of(containerId), Name, names.Length == 0 ? "-" : string.Join(", ", names));
        }
    }

    /// <summary>Disconnects a container from this network while it runs; other containers no longer reach it here.</summary>
    /// <exception cref="TestkitException">The engine refused, e.g. the container is not on this network.</exception>
    public async Task DisconnectAsync(Container container, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(container);
        var containerId = container.Id;
        ObjectDisposedException.ThrowIf(resource.Disposed, this);
        var networkId = Id;
        try
        {
            await resource.Engine!.Client.Networks.DisconnectNetworkAsync(
                networkId, new NetworkDisconnectParameters { Container = containerId }, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e)
        {
            throw new TestkitException(
                $"Container {ShortIds.Of(containerId)} could not leave network '{Name}': {EngineErrorText.Of(e)}. "
                + "Disconnect only a container that ConnectAsync or WithNetwork put on this network.", e);
        }

        logger.NetworkDisconnected(ShortIds.Of(containerId), Name);
    }

    /// <summary>Removes the network, disconnecting containers still attached to it first. Safe to call twice.</summary>
    /// <exception cref="TestkitException">The engine kept refusing to remove it.</exception>
    public async ValueTask DisposeAsync() => await resource.DisposeAsync(async (engine, networkId) =>
    {
        await RemoveOnEngineAsync(engine, networkId).ConfigureAwait(false);
        return true;
    }).ConfigureAwait(false);

    /// <inheritdoc />
    public override string ToString() => $"network {Name} ({(resource.Id is null ? "not created" : ShortIds.Of(resource.Id))})";


    private async Task<NetworksCreateResponse> CreateOnEngineAsync(DockerEngine target, CancellationToken cancellationToken)
    {
        var labels = resource.LabelsWith(settings.Labels);
        try
        {
            return await target.Client.Networks.CreateNetworkAsync(
                new NetworksCreateParameters { Name = Name, Driver = settings.Driver, Internal = settings.Internal, Labels = labels },
                cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            throw NameTaken(EngineErrorText.Of(e), e);
        }
        catch (DockerApiException e)
        {
            throw new TestkitException(
                $"The engine refused to create network '{Name}' (driver {settings.Driver}): {EngineErrorText.Of(e)}. "
                + "Check the name (WithName; 'bridge', 'host' and 'none' are reserved) and the driver (WithDriver; 'bridge' works everywhere).", e);
        }
    }

    private TestkitException NameTaken(string engineSays, Exception? inner) => new(
        $"A network named '{Name}' already exists on the engine ({engineSays}), so Testkit cannot create its own. "
        + $"Leave the name unset for a generated unique one, choose another with WithName, or remove the old one with 'docker network rm {Name}'.",
        inner);

    private static async Task<IReadOnlyList<string>> FindOwnAsync(DockerEngine engine, string label, CancellationToken cancellationToken)
    {
        var found = await engine.Client.Networks.ListNetworksAsync(
            new NetworksListParameters
            {
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [label] = true } },
            },
            cancellationToken).ConfigureAwait(false);
        return [.. found.Select(n => n.ID)];
    }

    private async Task RemoveOnEngineAsync(DockerEngine target, string networkId)
    {
        var clock = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            NetworkResponse network;
            try
            {
                network = await target.Client.Networks.InspectNetworkAsync(networkId).ConfigureAwait(false);
            }
            catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                return;
            }

            // Removal fails while any container is attached, and a test that forgot one should still leave nothing behind.
            if (network.Containers is { Count: > 0 } attached)
            {
                logger.NetworkDisconnectingLeftovers(Name, attached.Count, string.Join(", ", attached.Values.Select(c => c.Name)));
                foreach (var containerId in attached.Keys)
                {
                    try
                    {
                        await target.Client.Networks.DisconnectNetworkAsync(
                            networkId, new NetworkDisconnectParameters { Container = containerId, Force = true }).ConfigureAwait(false);
                    }
                    catch (DockerApiException e) when (e.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
                    {
                        // It was removed or left on its own meanwhile.
                    }
                }
            }

            try
            {
                await target.Client.Networks.DeleteNetworkAsync(networkId).ConfigureAwait(false);
                logger.NetworkRemoved(Name, clock.ElapsedMilliseconds);
                return;
            }
            catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                return;
            }
            catch (DockerApiException e) when (attempt < RemoveAttempts && EngineErrorText.Of(e).Contains("active endpoints", StringComparison.Ordinal))
            {
                // A container joined between the inspect and the removal: disconnect it too.
            }
            catch (DockerApiException e)
            {
                throw new TestkitException(
                    $"Network '{Name}' could not be removed: {EngineErrorText.Of(e)}. "
                    + $"Remove the containers that keep joining it, then run 'docker network rm {Name}'.", e);
            }
        }
    }
}
