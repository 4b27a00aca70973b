using Testkit.Containers;
using Testkit.Redis;
using Testkit.Waiting;

namespace Testkit.Xunit.Tests;

/// <summary>A Redis module per fixture, its diagnostics in the message sink.</summary>
public sealed class RedisFixture(IMessageSink sink)
    : ContainerFixture<RedisContainer>(sink, logger => new RedisBuilder().WithContainer(c => c.WithLogger(logger)).Build());

/// <summary>A plain container that prints "ready" and then whatever a test writes to its standard output.</summary>
public sealed class EchoFixture(IMessageSink sink)
    : ContainerFixture<Container>(sink, logger => new ContainerBuilder("debian:bookworm")
        .ReplaceCommand("sh", "-c", "echo ready; exec sleep infinity")
        .WithWaitStrategy(Wait.ForLogMessage("^ready$"))
        .WithLogger(logger)
        .Build())
{
    /// <summary>Makes the container's main process print <paramref name="text"/>, as if it had logged it.</summary>
    public Task SayAsync(string text) => Container.ExecAsync(["sh", "-c", $"echo '{text}' > /proc/1/fd/1"]);
}

/// <summary>A container that exits with code 3 before it is ready.</summary>
public sealed class FailingFixture(IMessageSink sink)
    : ContainerFixture<Container>(sink, logger => new ContainerBuilder("debian:bookworm")
        .ReplaceCommand("sh", "-c", "echo giving up; exit 3")
        .WithWaitStrategy(Wait.ForLogMessage("never"))
        .WithLogger(logger)
        .Build());
