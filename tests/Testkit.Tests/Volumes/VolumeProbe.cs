using Docker.DotNet;
using Docker.DotNet.Models;
using Testkit.Engine;

namespace Testkit.Tests.Volumes;

/// <summary>Asks the real engine which volumes exist, to assert what Testkit created and that nothing leaked.</summary>
internal static class VolumeProbe
{
    public static async Task<VolumeResponse?> InspectAsync(string name)
    {
        var engine = await DockerEngine.GetSharedAsync();
        try
        {
            return await engine.Client.Volumes.InspectAsync(name);
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Whether the engine's volume list (not only inspect) still shows the volume.</summary>
    public static async Task<bool> IsListedAsync(string name)
    {
        var engine = await DockerEngine.GetSharedAsync();
        var all = await engine.Client.Volumes.ListAsync(new VolumesListParameters());
        return (all.Volumes ?? []).Any(v => v.Name == name);
    }
}
