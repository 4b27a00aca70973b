using Docker.DotNet;
using Docker.DotNet.Models;
using Testkit.Engine;

namespace Testkit.Tests.Networks;

/// <summary>Asks the real engine which networks exist, to assert what Testkit created and that nothing leaked.</summary>
internal static class NetworkProbe
{
    public static async Task<NetworkResponse?> InspectAsync(string id)
    {
        var engine = await DockerEngine.GetSharedAsync();
        try
        {
            return await engine.Client.Networks.InspectNetworkAsync(id);
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>How many networks carry exactly this name (the engine's name filter also matches parts of names).</summary>
    public static async Task<int> CountNamedAsync(string name)
    {
        var engine = await DockerEngine.GetSharedAsync();
        var found = await engine.Client.Networks.ListNetworksAsync(new NetworksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["name"] = new Dictionary<string, bool> { [name] = true } },
        });
        return found.Count(n => n.Name == name);
    }
}
