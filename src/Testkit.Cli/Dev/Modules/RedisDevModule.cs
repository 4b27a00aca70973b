using Testkit.Redis;

namespace Testkit.Cli.Dev.Modules;

/// <summary>Redis through <see cref="RedisContainer"/>, with a password and the append-only file on, so that what was
/// written survives a restart.</summary>
internal sealed class RedisDevModule() : DevModule(RedisContainer.Module)
{
    public override bool UsesPassword => true;

    public override async Task<DevConnection> StartAsync(DevStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        var image = Module.ImageOf(start.Version);
        var password = start.Password ?? throw new ArgumentException("Redis is started with a password.", nameof(start));
        var redis = new RedisBuilder()
            .WithImage(image)
            .WithPassword(password)
            .WithContainer(c => start.Configure(
                new Testkit.Containers.ContainerBuilder(c.Settings with { Command = ["redis-server", "--appendonly", "yes", "--requirepass", password] }),
                DevLabels.MainRole, Module.DataPath!, Module.Port, image))
            .Build();
        await redis.StartAsync(cancellationToken).ConfigureAwait(false);
        return new DevConnection(
            image,
            redis.GetConnectionString(),
            $"redis://:{Uri.EscapeDataString(password)}@{redis.Host}:{redis.GetMappedPort(RedisContainer.Port)}",
            new Dictionary<string, string>());
    }
}
