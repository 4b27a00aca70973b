using Docker.DotNet;
using Docker.DotNet.Models;
using Testkit.Cleanup;
using Testkit.Engine;
using Testkit.Networks;

namespace Testkit.Cli.Dev;

/// <summary>The engine as the CLI uses it: connected with errors turned into exit codes, and the few calls the SDK's
/// public API has no need for (finding and removing resources by label, attaching to a container made by an earlier run).</summary>
internal static class DevEngine
{
    /// <summary>Connects, with the SDK's leak protection only when asked: every resource of a dev service is kept anyway,
    /// and a background sweep would race <c>testkit prune</c>'s own.</summary>
    /// <exception cref="CliException">No engine answered (exit code 2).</exception>
    public static async Task<DockerEngine> ConnectAsync(bool leakProtection, CancellationToken cancellationToken)
    {
        if (!leakProtection)
        {
            LeakProtection.Enabled = false;
        }

        try
        {
            return await DockerEngine.GetSharedAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (EngineUnavailableException e) when (e.IsBusy)
        {
            // An engine is there but too busy to answer: "start one" would be wrong advice; the SDK's text names the wait and the fix.
            throw new CliException(ExitCodes.EngineUnavailable, e.Message.ReplaceLineEndings(" "), e);
        }
        catch (EngineUnavailableException e)
        {
            throw new CliException(ExitCodes.EngineUnavailable,
                $"No container engine answered (tried {string.Join(", ", e.Attempts.Select(a => a.Uri.ToString()))}). "
                + "Start one (e.g. 'sudo systemctl start docker'), or point DOCKER_HOST at a running engine.", e);
        }
        catch (TestkitException e)
        {
            // A malformed DOCKER_HOST or a docker context that does not exist: the message names it and the fix.
            throw new CliException(ExitCodes.EngineUnavailable, e.Message, e);
        }
    }

    /// <summary>A label filter for the engine's list calls: every <c>key</c> or <c>key=value</c> must match.</summary>
    public static Dictionary<string, IDictionary<string, bool>> Labels(params string[] labels) =>
        new() { ["label"] = labels.ToDictionary(l => l, _ => true) };

    /// <summary>The containers carrying every one of <paramref name="labels"/>, stopped ones included.</summary>
    public static async Task<IList<ContainerListResponse>> ContainersAsync(DockerEngine engine, CancellationToken cancellationToken, params string[] labels) =>
        await engine.Client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = Labels(labels) }, cancellationToken).ConfigureAwait(false);

    /// <summary>The volumes carrying every one of <paramref name="labels"/>.</summary>
    public static async Task<IList<VolumeResponse>> VolumesAsync(DockerEngine engine, CancellationToken cancellationToken, params string[] labels) =>
        (await engine.Client.Volumes.ListAsync(new VolumesListParameters { Filters = Labels(labels) }, cancellationToken).ConfigureAwait(false)).Volumes ?? [];

    /// <summary>The networks carrying every one of <paramref name="labels"/>.</summary>
    public static async Task<IList<NetworkResponse>> NetworksAsync(DockerEngine engine, CancellationToken cancellationToken, params string[] labels) =>
        await engine.Client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = Labels(labels) }, cancellationToken).ConfigureAwait(false);

    /// <summary>The container of this exact name, or null.</summary>
    public static async Task<ContainerListResponse?> ContainerNamedAsync(DockerEngine engine, string name, CancellationToken cancellationToken)
    {
        var found = await engine.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["name"] = new Dictionary<string, bool> { [$"^/{name}$"] = true } },
        }, cancellationToken).ConfigureAwait(false);
        return found.FirstOrDefault();
    }

    /// <summary>The volume of this exact name, or null.</summary>
    public static async Task<VolumeResponse?> VolumeNamedAsync(DockerEngine engine, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await engine.Client.Volumes.InspectAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Stops a container gracefully (SIGTERM, then SIGKILL after <paramref name="grace"/>); already stopped or gone is fine.</summary>
    public static async Task StopAsync(DockerEngine engine, string id, TimeSpan grace, CancellationToken cancellationToken)
    {
        try
        {
            await engine.Client.Containers.StopContainerAsync(id, new ContainerStopParameters { WaitBeforeKillSeconds = (uint)grace.TotalSeconds }, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Gone already.
        }
    }

    /// <summary>Removes a container (forced, with its anonymous volumes); one already gone is fine.</summary>
    public static async Task RemoveContainerAsync(DockerEngine engine, string id, CancellationToken cancellationToken)
    {
        try
        {
            await engine.Client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound || EngineErrorText.Of(e).Contains("already in progress", StringComparison.Ordinal))
        {
            // Gone, or being removed by someone else.
        }
    }

    /// <summary>Removes the networks labelled with dev service <paramref name="name"/>; one already gone is fine.</summary>
    public static async Task RemoveNetworksAsync(DockerEngine engine, string name, CancellationToken cancellationToken)
    {
        foreach (var network in await NetworksAsync(engine, cancellationToken, $"{DevLabels.Name}={name}").ConfigureAwait(false))
        {
            try
            {
                await engine.Client.Networks.DeleteNetworkAsync(network.ID, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // Gone already.
            }
        }
    }

    /// <summary>Removes a volume and its data; one already gone is fine.</summary>
    /// <exception cref="CliException">A container outside the dev service still uses it.</exception>
    public static async Task RemoveVolumeAsync(DockerEngine engine, string name, CancellationToken cancellationToken)
    {
        try
        {
            await engine.Client.Volumes.RemoveAsync(name, force: false, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Gone already.
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            throw CliException.Conflict($"Volume {name} is still used by another container ({EngineErrorText.Of(e)}); remove that container first.");
        }
    }
}
