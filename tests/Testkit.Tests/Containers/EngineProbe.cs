using Docker.DotNet;
using Testkit.Engine;

namespace Testkit.Tests.Containers;

/// <summary>Asks the real engine what exists, to assert that nothing leaked.</summary>
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

    public static async Task<int> CountContainersFromImageAsync(string imageSubstring)
    {
        var engine = await DockerEngine.GetSharedAsync();
        var all = await engine.Client.Containers.ListContainersAsync(new Docker.DotNet.Models.ContainersListParameters { All = true });
        return all.Count(c => c.Labels.TryGetValue(Cleanup.ResourceLabels.Session, out var s) && s == Cleanup.ResourceLabels.SessionId
                              && c.Image.Contains(imageSubstring, StringComparison.Ordinal));
    }
}
