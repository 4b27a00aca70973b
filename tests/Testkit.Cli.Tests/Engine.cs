namespace Testkit.Cli.Tests;

/// <summary>Asks the engine through the docker CLI (a tool independent of the SDK under test) what exists, and removes
/// what a test made whatever state it ended in.</summary>
public static class Engine
{
    public static async Task<IReadOnlyList<string>> ContainersAsync(string devName) =>
        await DockerLinesAsync("ps", "-a", "--format", "{{.Names}}", "--filter", $"label=org.testkit.dev={devName}");

    public static async Task<IReadOnlyList<string>> VolumesAsync(string devName) =>
        await DockerLinesAsync("volume", "ls", "-q", "--filter", $"label=org.testkit.dev={devName}");

    public static async Task<IReadOnlyList<string>> NetworksAsync(string devName) =>
        await DockerLinesAsync("network", "ls", "-q", "--filter", $"label=org.testkit.dev={devName}");

    public static async Task<bool> VolumeExistsAsync(string volume) =>
        (await DockerLinesAsync("volume", "ls", "-q", "--filter", $"name=^{volume}$")).Contains(volume);

    public static async Task<bool> ContainerExistsAsync(string name) =>
        (await DockerLinesAsync("ps", "-a", "--format", "{{.Names}}", "--filter", $"name=^{name}$")).Contains(name);

    /// <summary>Removes every container, network and volume of a dev service, and its record (in <paramref name="home"/>,
    /// else <see cref="Cli.Home"/>).</summary>
    public static async Task RemoveAllAsync(string devName, string? home = null)
    {
        foreach (var container in await ContainersAsync(devName))
        {
            await DockerAsync("rm", "-f", "-v", container);
        }

        foreach (var network in await NetworksAsync(devName))
        {
            await DockerAsync("network", "rm", network);
        }

        foreach (var volume in await VolumesAsync(devName))
        {
            await DockerAsync("volume", "rm", "-f", volume);
        }

        // A start refused before anything was made leaves no record, and on a fresh home not even the folder.
        var record = RecordPath(devName, home);
        if (File.Exists(record))
        {
            File.Delete(record);
        }
    }

    /// <summary>Where the command keeps a dev service's record (password, port, version): <c>HOME/dev/NAME.json</c>.</summary>
    public static string RecordPath(string devName, string? home = null) => Path.Combine(home ?? Cli.Home, "dev", devName + ".json");

    public static async Task<IReadOnlyList<string>> DockerLinesAsync(params string[] arguments) =>
        (await DockerAsync(arguments)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static Task<string> DockerAsync(params string[] arguments) => Testkit.Tests.Shared.DockerCli.RunAsync(arguments);
}
