using Microsoft.Extensions.Logging.Abstractions;
using Testkit.Benchmarks.Clients;
using Testkit.Benchmarks.Harness;
using Testkit.Redis;

namespace Testkit.Benchmarks.Services;

/// <summary>Testkit's Redis module with its defaults.</summary>
internal sealed class TestkitRedis : IServiceUnderTest
{
    private readonly RedisContainer redis = new();

    public Task StartAsync(CancellationToken cancellationToken) => redis.StartAsync(cancellationToken);

    public Task FirstAnswerAsync(CancellationToken cancellationToken) => RedisProbe.PingAsync(redis.Host, redis.GetMappedPort(RedisContainer.Port), cancellationToken);

    public ValueTask DisposeAsync() => redis.DisposeAsync();
}

/// <summary>Testcontainers' Redis module with its defaults, on the same local image.</summary>
internal sealed class TestcontainersRedis : IServiceUnderTest
{
    private readonly Testcontainers.Redis.RedisContainer redis = new Testcontainers.Redis.RedisBuilder(LocalImages.Redis)
        .WithLabel(BenchRun.Label, BenchRun.Id)
        .WithLogger(NullLogger.Instance)
        .Build();

    public Task StartAsync(CancellationToken cancellationToken) => redis.StartAsync(cancellationToken);

    public Task FirstAnswerAsync(CancellationToken cancellationToken) => RedisProbe.PingAsync(redis.Hostname, redis.GetMappedPublicPort(6379), cancellationToken);

    public ValueTask DisposeAsync() => redis.DisposeAsync();
}

/// <summary>The floor: <c>docker run -d -p 127.0.0.1::6379</c>, <c>docker port</c>, then PING every 10 ms; <c>docker rm -f -v</c>.</summary>
internal sealed class CliRedis : IServiceUnderTest
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    private string? id;
    private int port;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        id = await DockerCli.RunAsync(cancellationToken, "run", "-d", "--label", BenchRun.LabelArgument, "-p", "127.0.0.1::6379", LocalImages.Redis);
        port = await DockerCli.GetPublishedPortAsync(id, 6379, cancellationToken);
    }

    public Task FirstAnswerAsync(CancellationToken cancellationToken) => RedisProbe.PollPingAsync("127.0.0.1", port, PollInterval, cancellationToken);

    public async ValueTask DisposeAsync() => await DockerCli.RemoveContainerAsync(id);
}
