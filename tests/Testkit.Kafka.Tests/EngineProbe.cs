using Docker.DotNet;
using Testkit.Engine;

namespace Testkit.Kafka.Tests;

/// <summary>Asks the real engine what still exists, to assert that nothing leaked.</summary>
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
}
