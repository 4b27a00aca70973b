using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Testkit.Engine;
using Testkit.Networks;

namespace Testkit.Cleanup;

/// <summary>Removes what test processes on this host left behind when they died with their watchdog (a crash of the
/// machine, a watchdog that could not start or reach the engine): every container, network, volume and image whose
/// owner labels name this host and a process that no longer runs.</summary>
/// <remarks>Only this host can judge its own processes: resources owned on other hosts, in other pid namespaces or
/// before this boot are left alone, as are those kept (<see cref="KeepRule"/>) and those without owner labels.</remarks>
internal static class DeadSessionSweep
{
    /// <summary>What one sweep did.</summary>
    /// <param name="DeadSessions">Sessions found whose owner is dead.</param>
    /// <param name="Removed">Resources removed.</param>
    /// <param name="Failures">Resources that could not be removed, each with the engine's reason.</param>
    /// <param name="Elapsed">How long the sweep took.</param>
    public sealed record Result(int DeadSessions, int Removed, IReadOnlyList<(string Resource, string Reason)> Failures, TimeSpan Elapsed);

    /// <summary>Sweeps once.</summary>
    /// <exception cref="DockerApiException">The engine refused to list resources.</exception>
    public static async Task<Result> RunAsync(DockerEngine engine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var clock = Stopwatch.StartNew();
        var client = engine.Client;
        IDictionary<string, IDictionary<string, bool>> OnThisHost() => new Dictionary<string, IDictionary<string, bool>>
        {
            ["label"] = new Dictionary<string, bool> { [$"{ResourceLabels.OwnerHost}={SessionOwner.Current.Host}"] = true },
        };

        var containers = client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = OnThisHost() }, cancellationToken);
        var networks = client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = OnThisHost() }, cancellationToken);
        var volumes = client.Volumes.ListAsync(new VolumesListParameters { Filters = OnThisHost() }, cancellationToken);
        var images = client.Images.ListImagesAsync(new ImagesListParameters { Filters = OnThisHost() }, cancellationToken);
        await Task.WhenAll(containers, networks, volumes, images).ConfigureAwait(false);

        var verdicts = new Dictionary<string, bool>(StringComparer.Ordinal);
        bool OfDeadSession(IDictionary<string, string>? labels, bool tagged = false)
        {
            if (labels is null
                || KeepRule.IsKept(labels.TryGetValue(ResourceLabels.Keep, out var keep) ? keep : null, tagged)
                || !labels.TryGetValue(ResourceLabels.Session, out var session)
                || session == ResourceLabels.SessionId
                || SessionOwner.FromLabels(labels) is not { } owner)
            {
                return false;
            }

            if (!verdicts.TryGetValue(session, out var dead))
            {
                verdicts[session] = dead = owner.Judge() == SessionOwner.Liveness.Dead;
            }

            return dead;
        }

        var removed = 0;
        var failures = new ConcurrentQueue<(string, string)>();
        async Task RemoveAsync(string resource, Func<Task> remove)
        {
            try
            {
                await remove().ConfigureAwait(false);
                Interlocked.Increment(ref removed);
            }
            catch (DockerApiException e) when (EngineErrorText.IsGone(e))
            {
                // Another process's sweep or watchdog got there first.
            }
            catch (DockerApiException e)
            {
                failures.Enqueue((resource, EngineErrorText.Of(e)));
            }
        }

        // Containers first: networks and volumes cannot go while a container uses them, nor images while one runs.
        await Task.WhenAll((await containers.ConfigureAwait(false)).Where(c => OfDeadSession(c.Labels)).Select(c => RemoveAsync(
            $"container {Short(c.ID)}",
            () => client.Containers.RemoveContainerAsync(c.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken)))).ConfigureAwait(false);
        await Task.WhenAll(
            (await networks.ConfigureAwait(false)).Where(n => OfDeadSession(n.Labels)).Select(n => RemoveAsync(
                $"network {n.Name}", () => client.Networks.DeleteNetworkAsync(n.ID, cancellationToken)))
            .Concat((await volumes.ConfigureAwait(false)).Volumes?.Where(v => OfDeadSession(v.Labels)).Select(v => RemoveAsync(
                $"volume {v.Name}", () => client.Volumes.RemoveAsync(v.Name, force: true, cancellationToken))) ?? [])).ConfigureAwait(false);
        await Task.WhenAll((await images.ConfigureAwait(false)).Where(i => OfDeadSession(i.Labels, KeepRule.IsTagged(i.RepoTags))).Select(i => RemoveAsync(
            $"image {Short(i.ID)}",
            () => client.Images.DeleteImageAsync(i.ID, new ImageDeleteParameters { Force = true }, cancellationToken)))).ConfigureAwait(false);

        return new Result(verdicts.Count(v => v.Value), removed, [.. failures], clock.Elapsed);
    }

    private static string Short(string id) => id.Replace("sha256:", "", StringComparison.Ordinal) is var bare ? bare[..Math.Min(12, bare.Length)] : id;
}
