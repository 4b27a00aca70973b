using StackExchange.Redis;
using Testkit.Containers;
using Testkit.Modules;
using Testkit.Waiting;

namespace Testkit.Redis;

/// <summary>A Redis server in a container, answering PING once <see cref="Container.StartAsync"/> returns.</summary>
/// <example><code>
/// await using var redis = new RedisContainer();
/// await redis.StartAsync();
/// using var connection = await ConnectionMultiplexer.ConnectAsync(redis.GetConnectionString());
/// </code></example>
public sealed class RedisContainer(RedisBuilder options) : Container(ToSettings(options))
{
    /// <summary>The image used unless another is set: the official Redis 7.</summary>
    public const string DefaultImage = "redis:7";

    /// <summary>The module: <c>redis</c>, <see cref="DefaultImage"/>, port 6379, data in <c>/data</c>.</summary>
    public static readonly ModuleDescriptor Module = new("redis", DefaultImage, Port) { DataPath = "/data" };

    /// <summary>The port Redis listens on inside the container.</summary>
    public const int Port = 6379;

    // Not read by Redis: it marks the value as a secret, masked in the log lines errors quote, and carries a dev service's.
    private const string PasswordVariable = "REDIS_PASSWORD";

    /// <summary>A Redis container with the defaults: <see cref="DefaultImage"/>, no password.</summary>
    public RedisContainer() : this(new RedisBuilder()) { }

    /// <summary>The password clients must give, or null (a dev service standing in for this container brings its own).</summary>
    public string? Password => DevService is null ? options.Password : Settings.Environment.GetValueOrDefault(PasswordVariable);

    /// <summary>A StackExchange.Redis configuration string for the server, reachable from the test process.</summary>
    public string GetConnectionString() => ToConfiguration().ToString(includePassword: true);

    /// <summary>StackExchange.Redis options for the server, to adjust before connecting.</summary>
    public ConfigurationOptions ToConfiguration()
    {
        var configuration = new ConfigurationOptions { Password = Password, AbortOnConnectFail = false };
        configuration.EndPoints.Add(Host, GetMappedPort(Port));
        return configuration;
    }

    private static ContainerSettings ToSettings(RedisBuilder options) => (options ?? throw new ArgumentNullException(nameof(options))).ToSettings(container =>
    {
        // Plain RESP over TCP: cheaper than a multiplexer per check, and it proves the server itself answers.
        container = container.WithWaitStrategy(Wait.ForTcpReply(Port, PingRequest, "+PONG").Every(TimeSpan.FromMilliseconds(25)));
        return options.Password is { } password
            ? container.ReplaceCommand("redis-server", "--requirepass", password).WithEnvironment(PasswordVariable, password)
            : container;
    });

    private static string PingRequest(IWaitTarget target) =>
        ((RedisContainer)target).Password is { } password ? $"AUTH \"{password.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"\r\nPING\r\n" : "PING\r\n";
}
