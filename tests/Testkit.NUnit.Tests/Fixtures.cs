using Testkit.Containers;
using Testkit.Redis;
using Testkit.Waiting;

// Fixture classes run in parallel, so that (c) is tested the way NUnit users run it.
[assembly: Parallelizable(ParallelScope.Fixtures)]

namespace Testkit.NUnit.Tests;

/// <summary>Containers the tests use; a fixture without tests of its own is driven by hand.</summary>
public static class Factories
{
    public static RedisContainer Redis(Microsoft.Extensions.Logging.ILogger logger) =>
        new RedisBuilder().WithContainer(c => c.WithLogger(logger)).Build();

    public static Container Echo(Microsoft.Extensions.Logging.ILogger logger) => new ContainerBuilder("debian:bookworm")
        .ReplaceCommand("sh", "-c", "echo ready; exec sleep infinity")
        .WithWaitStrategy(Wait.ForLogMessage("^ready$"))
        .WithLogger(logger)
        .Build();

    /// <summary>Makes the container's main process print <paramref name="text"/>, as if it had logged it.</summary>
    public static Task SayAsync(this Container container, string text) =>
        container.ExecAsync(["sh", "-c", $"echo '{text}' > /proc/1/fd/1"]);
}

public sealed class RedisFixture() : ContainerFixture<RedisContainer>(Factories.Redis);

public sealed class EchoFixture() : ContainerFixture<Container>(Factories.Echo);

/// <summary>A container that exits with code 3 before it is ready; remembers it to check the engine afterwards.</summary>
public sealed class FailingFixture() : ContainerFixture<Container>(() => Built = new ContainerBuilder("debian:bookworm")
    .ReplaceCommand("sh", "-c", "echo giving up; exit 3")
    .WithWaitStrategy(Wait.ForLogMessage("never"))
    .Build())
{
    public static Container? Built { get; private set; }
}
