using Testkit.Containers;
using Testkit.Waiting;

namespace Testkit.LeakProbe;

/// <summary>The probe's part in the engine-fault test (--engine-fault): a running container made at once (printed as
/// <c>container ID</c>), and then a second start that never gets ready, to be in flight when the
/// engine dies (input line <c>start</c>, read by Program); how it ends is printed as <c>start-failed TYPE: MESSAGE</c> (one line).</summary>
internal static class EngineFault
{
    // No network: the test's private engine has no bridge. The image is the one the test loaded into that engine.
    private static ContainerBuilder Sleeper(LineLogger logger) =>
        new ContainerBuilder(Environment.GetEnvironmentVariable("TESTKIT_PROBE_IMAGE") ?? "debian:bookworm")
            .ReplaceCommand("sleep", "infinity")
            .WithNetwork("none")
            .WithPullPolicy(Images.PullPolicy.Never)
            .WithLogger(logger);

    public static async Task StartRunningAsync(LineLogger logger)
    {
        var running = Sleeper(logger).Build();
        await running.StartAsync();
        Console.WriteLine($"container {running.Id}");
    }

    public static void StartInFlight(LineLogger logger) => _ = Task.Run(async () =>
    {
        // Ready never: only the engine's end (or a ten-minute timeout the test does not wait for) ends this start.
        var inFlight = Sleeper(logger).WithWaitStrategy(Wait.ForLogMessage("never printed")).WithStartupTimeout(TimeSpan.FromMinutes(10)).Build();
        Console.WriteLine("starting");
        try
        {
            await inFlight.StartAsync();
            Console.WriteLine("start-succeeded");
        }
#pragma warning disable CA1031 // Whatever it is, the test reads it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Console.WriteLine($"start-failed {e.GetType().FullName}: {e.Message.ReplaceLineEndings(" | ")}");
        }
    });
}
