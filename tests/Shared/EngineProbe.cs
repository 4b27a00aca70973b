using Docker.DotNet;
using Docker.DotNet.Models;
using Testkit.Cleanup;
using Testkit.Engine;

namespace Testkit.Tests.Shared;

/// <summary>Asks the real engine what exists, to assert that nothing leaked. Linked into every test project.</summary>
internal static class EngineProbe
{
    public static async Task<bool> ContainerExistsAsync(string id)
    {
        var engine = await DockerEngine.GetSharedAsync();
        try
        {
            await engine.Client.Containers.InspectContainerAsync(id);
            return true;
        }
        catch (DockerContainerNotFoundException)
        {
            return false;
        }
    }

    public static async Task<bool> ContainerRunningAsync(string id)
    {
        var engine = await DockerEngine.GetSharedAsync();
        try
        {
            return (await engine.Client.Containers.InspectContainerAsync(id)).State?.Running == true;
        }
        catch (DockerContainerNotFoundException)
        {
            return false;
        }
    }

    public static async Task<bool> NetworkExistsAsync(string id)
    {
        var engine = await DockerEngine.GetSharedAsync();
        try
        {
            await engine.Client.Networks.InspectNetworkAsync(id);
            return true;
        }
        catch (DockerNetworkNotFoundException)
        {
            return false;
        }
    }

    public static async Task<int> CountContainersFromImageAsync(string imageSubstring)
    {
        var engine = await DockerEngine.GetSharedAsync();
        var all = await engine.Client.Containers.ListContainersAsync(new ContainersListParameters { All = true });
        return all.Count(c => c.Labels.TryGetValue(ResourceLabels.Session, out var s) && s == ResourceLabels.SessionId
                              && c.Image.Contains(imageSubstring, StringComparison.Ordinal));
    }
}
