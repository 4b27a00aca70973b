using Docker.DotNet.Models;

namespace Testkit.Containers;

// The reuse decision: a container of an earlier run taken again, or a new one made reusable.
public partial class Container
{
    /// <summary>Finds the container these settings made in an earlier run and takes it (true), or prepares the create
    /// parameters of a new reusable one (false). Holds the key's lock until the start ends.</summary>
    private async Task<bool> FindReusableAsync(CreateContainerParameters parameters, CancellationToken cancellationToken)
    {
        var key = await Reuse.ReuseKey.ComputeAsync(Settings, resolvedImage!.Id, cancellationToken).ConfigureAwait(false);
        startStep = $"waiting for the lock of reused container {key[..12]}";
        reuseLock = await Reuse.ContainerReuse.LockAsync(key, RemainingStartTime, cancellationToken).ConfigureAwait(false);
        reuseKey = key;
        Reuse.ContainerReuse.Touch(key);
        var found = await Engine.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{Cleanup.ResourceLabels.Reuse}={key}"] = true } },
        }, cancellationToken).ConfigureAwait(false);
        foreach (var candidate in found)
        {
            if (candidate.State is "running" or "exited" or "created" or "paused")
            {
                id = candidate.ID;
                if (candidate.State == "paused")
                {
                    await Engine.Client.Containers.UnpauseContainerAsync(id, cancellationToken).ConfigureAwait(false);
                }

                logger.ContainerReused(ShortId, Image, candidate.State, key[..12]);
                return true;
            }

            // Dead, or being removed: it cannot serve; a new one takes its place.
            await Engine.Client.Containers.RemoveContainerAsync(candidate.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken).ConfigureAwait(false);
        }

        // Kept by the session cleanup, found again by its key; a stable name makes a leftover easy to recognise.
        parameters.Name ??= "testkit-reuse-" + key[..12];
        parameters.Labels[Cleanup.ResourceLabels.Keep] = "true";
        parameters.Labels[Cleanup.ResourceLabels.Reuse] = key;
        return false;
    }
}
