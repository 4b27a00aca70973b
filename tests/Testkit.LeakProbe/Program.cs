using Testkit.Cleanup;
using Testkit.Containers;
using Testkit.Engine;
using Testkit.LeakProbe;
using Testkit.Networks;
using Testkit.Volumes;

// Creates a running container (debian:bookworm, sleep infinity) on a network with a volume mounted, and a volume
// labelled to be kept; prints their ids and names, then READY, then waits WITHOUT disposing anything, like a test
// process that is killed or forgets to clean up. It ends on "exit" or the end of its standard input (a normal exit),
// or on whatever signal the test sends. With TESTKIT_PROBE_REUSE_LABEL set it also starts a reused container with that label. With --connect-only it only connects to the engine (which starts the
// watchdog and the sweep) before READY; with --build DIR it connects, then starts building DIR's Dockerfile.
var logger = new LineLogger();
Console.WriteLine($"session {ResourceLabels.SessionId}");
Console.WriteLine($"pid {Environment.ProcessId}");
if (args.Contains("--connect-only"))
{
    await DockerEngine.GetSharedAsync(logger);
}
else if (args.Contains("--engine-fault"))
{
    await EngineFault.StartRunningAsync(logger);
}
else if (args.SkipWhile(a => a != "--build").Skip(1).FirstOrDefault() is { } context)
{
    // Starts a build of the Dockerfile in that directory and does not wait for it: the test kills the probe mid-build.
    await DockerEngine.GetSharedAsync(logger);
    _ = new Testkit.Images.ImageBuilder(context).WithLogger(logger).BuildAsync();
}
else
{
    var network = new NetworkBuilder().WithLogger(logger).Build();
    var volume = new VolumeBuilder().WithLogger(logger).Build();
    var kept = new VolumeBuilder().WithLabel(ResourceLabels.Keep, "true").WithLogger(logger).Build();
    var container = new ContainerBuilder("debian:bookworm")
        .ReplaceCommand("sleep", "infinity")
        .WithNetwork(network)
        .WithVolumeMount(volume, "/data")
        .WithLogger(logger)
        .Build();
    await container.StartAsync();
    await kept.CreateAsync();
    Console.WriteLine($"container {container.Id}");
    Console.WriteLine($"network {network.Name}");
    Console.WriteLine($"volume {volume.Name}");
    Console.WriteLine($"kept-volume {kept.Name}");

    // A reused container must outlive the session, however it ends.
    if (Environment.GetEnvironmentVariable("TESTKIT_PROBE_REUSE_LABEL") is { Length: > 0 } reuseLabel)
    {
        var reused = new ContainerBuilder("debian:bookworm").ReplaceCommand("sleep", "infinity").WithLabel("testkit.probe.reuse", reuseLabel)
            .WithReuse().WithLogger(logger).Build();
        await reused.StartAsync();
        Console.WriteLine($"reused {reused.Id}");
    }
}

Console.WriteLine("READY");
while (Console.ReadLine() is { } line && line != "exit")
{
    if (line == "start")
    {
        EngineFault.StartInFlight(logger);
    }
}

return 0;
