using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Testkit.Containers;
using Testkit.Engine;
using Testkit.Waiting;

namespace Testkit.Tests.Images;

/// <summary>Runs built images and asks the real engine about images, for the image tests.</summary>
internal static class ImageProbe
{
    /// <summary>The standard output of the image's own command (entrypoint and CMD), run in a container of
    /// <paramref name="image"/> started with <c>new ContainerBuilder(image)</c>; it must exit 0. The command runs under a
    /// shell that keeps the container up afterwards, since a container that exits while starting is an error.</summary>
    public static async Task<string> RunAsync(string image)
    {
        var config = (await InspectAsync(image))!.Config!;
        string[] command = [.. config.Entrypoint ?? [], .. config.Cmd ?? []];
        await using var container = new ContainerBuilder(image)
            .WithEntrypoint("sh", "-c", "\"$@\" > /tmp/testkit-out; echo $? > /tmp/testkit-exit.tmp; mv /tmp/testkit-exit.tmp /tmp/testkit-exit; sleep infinity", "run")
            .ReplaceCommand(command)
            .WithWaitStrategy(Wait.ForFile("/tmp/testkit-exit"))
            .Build();
        await container.StartAsync();
        Assert.Equal("0\n", Encoding.UTF8.GetString(await container.ReadFileAsync("/tmp/testkit-exit")));
        return Encoding.UTF8.GetString(await container.ReadFileAsync("/tmp/testkit-out"));
    }

    public static async Task<ImageInspectResponse?> InspectAsync(string nameOrId)
    {
        var engine = await DockerEngine.GetSharedAsync();
        try
        {
            return await engine.Client.Images.InspectImageAsync(nameOrId);
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public static async Task RemoveAsync(string nameOrId)
    {
        var engine = await DockerEngine.GetSharedAsync();
        try
        {
            await engine.Client.Images.DeleteImageAsync(nameOrId, new ImageDeleteParameters { Force = true });
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
        }
    }
}

/// <summary>A build context in a temporary directory, deleted on dispose.</summary>
internal sealed class TempContext : IDisposable
{
    public TempContext(params (string Path, string Content)[] files)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("testkit-build-").FullName;
        foreach (var (path, content) in files)
        {
            Write(path, content);
        }
    }

    public string Directory { get; }

    public void Write(string path, string content)
    {
        var full = Path.Combine(Directory, path);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
