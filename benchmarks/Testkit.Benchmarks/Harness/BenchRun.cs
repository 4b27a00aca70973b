namespace Testkit.Benchmarks.Harness;

/// <summary>The label on every container, network and image this run creates outside Testkit (Testcontainers has no
/// reaper here, the CLI none at all), so that a sweep at the end removes whatever a failure or Ctrl-C left behind.
/// Testkit's own containers clean themselves (watchdog) and are disposed like the others.</summary>
internal static class BenchRun
{
    public const string Label = "org.testkit.bench.run";

    public static string Id { get; set; } = "unset";

    /// <summary>The <c>--label</c> argument for docker CLI commands.</summary>
    public static string LabelArgument => $"{Label}={Id}";

    /// <summary>Removes containers (with their anonymous volumes), then networks, then images carrying this run's label.</summary>
    public static async Task SweepAsync(TextWriter progress)
    {
        var filter = $"label={LabelArgument}";
        try
        {
            var containers = Lines(await DockerCli.RunAsync(CancellationToken.None, "ps", "-aq", "--filter", filter));
            if (containers.Length > 0)
            {
                progress.WriteLine($"[bench] removing {containers.Length} container(s) left by this run");
                await DockerCli.RunAsync(["rm", "-f", "-v", .. containers], CancellationToken.None);
            }

            var networks = Lines(await DockerCli.RunAsync(CancellationToken.None, "network", "ls", "-q", "--filter", filter));
            if (networks.Length > 0)
            {
                progress.WriteLine($"[bench] removing {networks.Length} network(s) left by this run");
                await DockerCli.RunAsync(["network", "rm", .. networks], CancellationToken.None);
            }

            var images = Lines(await DockerCli.RunAsync(CancellationToken.None, "images", "-q", "--filter", filter)).Distinct().ToArray();
            if (images.Length > 0)
            {
                await DockerCli.RunAsync(["rmi", "-f", .. images], CancellationToken.None);
            }
        }
        catch (InvalidOperationException e)
        {
            progress.WriteLine($"[bench] WARNING: the clean-up sweep failed ({e.Message}); remove what is left with: "
                + $"docker rm -f -v $(docker ps -aq --filter {filter}); docker network rm $(docker network ls -q --filter {filter})");
        }
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
