using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;
using Testkit.Containers;
using Testkit.Waiting;

namespace Testkit.Redis;

/// <summary>A Redis server in a container, answering PING once <see cref="Container.StartAsync"/> returns.</summary>
/// <example><code>
/// await using var redis = new RedisContainer();
/// await redis.StartAsync();
/// using var connection = await ConnectionMultiplexer.ConnectAsync(redis.GetConnectionString());
/// </code></example>
public sealed class RedisContainer : Container
{
    /// <summary>The image used unless another is set: the official Redis 7.</summary>
    public const string DefaultImage = "redis:7";

    /// <summary>The port Redis listens on inside the container.</summary>
    public const int Port = 6379;

    private readonly RedisBuilder options;

    /// <summary>A Redis container with the defaults: <see cref="DefaultImage"/>, no password.</summary>
    public RedisContainer() : this(new RedisBuilder()) { }

    /// <summary>A Redis container as <paramref name="options"/> describes it.</summary>
    public RedisContainer(RedisBuilder options) : base(ToSettings(options)) => this.options = options;

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

    private const string PasswordVariable = "REDIS_PASSWORD";

    private static ContainerSettings ToSettings(RedisBuilder options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var container = new ContainerBuilder(options.Image)
            .WithModule("redis")
            .WithPortBinding(Port)
            .WithWaitStrategy(Wait.Until("PING to be answered on port 6379", PingAnsweredAsync).Every(TimeSpan.FromMilliseconds(25)));
        if (options.Password is { } password)
        {
            // The variable is not read by Redis: it marks the value as a secret, masked in the log lines errors quote.
            container = container.ReplaceCommand("redis-server", "--requirepass", password).WithEnvironment(PasswordVariable, password);
        }

        return options.Customize(container).Settings;
    }

    // Plain RESP over TCP: cheaper than a multiplexer per check, and it proves the server itself answers.
    private static async ValueTask<bool> PingAnsweredAsync(IWaitTarget target, CancellationToken cancellationToken)
    {
        var redis = (RedisContainer)target;
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(redis.Host, redis.GetMappedPort(Port), cancellationToken).ConfigureAwait(false);
            var stream = client.GetStream();
            var request = redis.Password is { } password ? $"AUTH {Resp(password)}\r\nPING\r\n" : "PING\r\n";
            await stream.WriteAsync(Encoding.UTF8.GetBytes(request), cancellationToken).ConfigureAwait(false);
            var replies = redis.Password is null ? 1 : 2;
            var buffer = new byte[256];
            var answer = new StringBuilder();
            while (answer.ToString().Split("\r\n").Length <= replies)
            {
                var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return false;
                }

                answer.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }

            return answer.ToString().Split("\r\n")[replies - 1] == "+PONG";
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return false;
        }
    }

    private static string Resp(string value) => $"\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
}
