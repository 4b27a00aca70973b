using System.Diagnostics;
using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Testkit.Cleanup;
using Testkit.Engine;

namespace Testkit.Tests.LeakCleanup;

/// <summary>What exists on the real engine, how long until it is gone, and forced removal of what a test made.</summary>
internal static class EngineResources
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(20);

    public static Task<bool> ContainerExistsAsync(string id) => ExistsAsync(e => e.Client.Containers.InspectContainerAsync(id));

    public static Task<bool> NetworkExistsAsync(string nameOrId) => ExistsAsync(e => e.Client.Networks.InspectNetworkAsync(nameOrId));

    public static Task<bool> VolumeExistsAsync(string name) => ExistsAsync(e => e.Client.Volumes.InspectAsync(name));

    public static Task<bool> ImageExistsAsync(string id) => ExistsAsync(e => e.Client.Images.InspectImageAsync(id));

    /// <summary>How long until every probe says "gone", or null when something is still there at the deadline.</summary>
    public static async Task<TimeSpan?> TimeUntilGoneAsync(Stopwatch since, TimeSpan deadline, params Func<Task<bool>>[] exists)
    {
        while (true)
        {
            var present = await Task.WhenAll(exists.Select(e => e()));
            if (!present.Any(p => p))
            {
                return since.Elapsed;
            }

            if (since.Elapsed > deadline)
            {
                return null;
            }

            await Task.Delay(PollEvery);
        }
    }

    /// <summary>Whether everything is still there after <paramref name="duration"/>, checked all along (to prove that
    /// nothing removes it, the only way is to watch for a while: longer than removal takes when something does).</summary>
    public static async Task<bool> StaysAsync(TimeSpan duration, params Func<Task<bool>>[] exists)
    {
        var clock = Stopwatch.StartNew();
        do
        {
            if ((await Task.WhenAll(exists.Select(e => e()))).Any(p => !p))
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
        while (clock.Elapsed < duration);
        return true;
    }

    /// <summary>Labels of a session whose owner is the given process on this host, as Testkit writes them; a start that
    /// the process does not have makes a dead owner out of a live pid (a reused pid).</summary>
    public static Dictionary<string, string> SessionLabels(string session, int pid, string start, string? host = null) => new()
    {
        [ResourceLabels.Managed] = "true",
        [ResourceLabels.Session] = session,
        [ResourceLabels.OwnerHost] = host ?? Environment.MachineName,
        [ResourceLabels.OwnerPid] = pid.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [ResourceLabels.OwnerStart] = start,
        ["org.testkit.test"] = "leak-protection",
    };

    /// <summary>The start label of a process on this boot and pid namespace that started at <paramref name="ticks"/>.</summary>
    public static string StartAt(long ticks)
    {
        var parts = SessionOwner.Current.Start.Split(':');
        return $"{parts[0]}:{parts[1]}:{parts[2]}:{ticks}";
    }

    /// <summary>The id of a process that has exited: a pid nobody holds now.</summary>
    public static async Task<int> DeadPidAsync()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        await process.WaitForExitAsync();
        return process.Id;
    }

    public static async Task<string> CreateVolumeAsync(Dictionary<string, string> labels)
    {
        var engine = await DockerEngine.GetSharedAsync();
        var name = "testkit-leaktest-" + Guid.NewGuid().ToString("N")[..12];
        await engine.Client.Volumes.CreateAsync(new VolumesCreateParameters { Name = name, Labels = labels });
        return name;
    }

    public static async Task<string> CreateNetworkAsync(Dictionary<string, string> labels)
    {
        var engine = await DockerEngine.GetSharedAsync();
        var name = "testkit-leaktest-" + Guid.NewGuid().ToString("N")[..12];
        return (await engine.Client.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = name, Labels = labels })).ID;
    }

    /// <summary>A running <c>sleep infinity</c> container, so that removing it needs force.</summary>
    public static async Task<string> StartContainerAsync(Dictionary<string, string> labels)
    {
        var engine = await DockerEngine.GetSharedAsync();
        var image = await Testkit.Images.ImageResolver.ResolveAsync(
            engine, "debian:bookworm", Testkit.Images.PullPolicy.Missing, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None);
        var id = (await engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = image,
            Cmd = ["sleep", "infinity"],
            Labels = labels,
        })).ID;
        await engine.Client.Containers.StartContainerAsync(id, new ContainerStartParameters());
        return id;
    }

    /// <summary>An image committed from <paramref name="containerId"/> that carries <paramref name="labels"/>, with a tag
    /// unless <paramref name="tagged"/> is false.</summary>
    public static async Task<string> CommitImageAsync(string containerId, Dictionary<string, string> labels, bool tagged = true)
    {
        var engine = await DockerEngine.GetSharedAsync();
        var tag = "leaktest-" + Guid.NewGuid().ToString("N")[..12];
        return (await engine.Client.Images.CommitContainerChangesAsync(new CommitContainerChangesParameters
        {
            ContainerID = containerId,
            RepositoryName = tagged ? "testkit-leaktest" : null!,
            Tag = tagged ? tag : null!,
            Labels = labels,
            Cmd = ["sleep", "infinity"],
        })).ID;
    }

    /// <summary>Removes what a test made, whatever state it is in; what is gone already is fine.</summary>
    public static async Task RemoveAsync(IEnumerable<string?>? containers = null, IEnumerable<string?>? networks = null,
        IEnumerable<string?>? volumes = null, IEnumerable<string?>? images = null)
    {
        var engine = await DockerEngine.GetSharedAsync();
        await Task.WhenAll((containers ?? []).OfType<string>().Select(id => Quietly(() =>
            engine.Client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }))));
        await Task.WhenAll((networks ?? []).OfType<string>().Select(id => Quietly(() => engine.Client.Networks.DeleteNetworkAsync(id))));
        await Task.WhenAll((volumes ?? []).OfType<string>().Select(name => Quietly(() => engine.Client.Volumes.RemoveAsync(name, force: true))));
        await Task.WhenAll((images ?? []).OfType<string>().Select(id => Quietly(() =>
            engine.Client.Images.DeleteImageAsync(id, new ImageDeleteParameters { Force = true }))));
    }

    private static async Task Quietly(Func<Task> remove)
    {
        try
        {
            await remove();
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }

    private static async Task<bool> ExistsAsync(Func<DockerEngine, Task> inspect)
    {
        var engine = await DockerEngine.GetSharedAsync();
        try
        {
            await inspect(engine);
            return true;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}
