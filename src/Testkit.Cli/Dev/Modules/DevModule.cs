using Testkit.Modules;

namespace Testkit.Cli.Dev.Modules;

/// <summary>A kind of dev service <c>testkit up</c> can start: the module's image, standard port and how to start it
/// with a named volume on a fixed port, through the SDK's module.</summary>
internal abstract class DevModule(ModuleDescriptor module)
{
    /// <summary>Every module, in the order the help lists them.</summary>
    public static IReadOnlyList<DevModule> All { get; } = [new PostgresDevModule(), new RedisDevModule(), new KafkaDevModule()];

    /// <summary>What the module says of itself: name, image, port, data path.</summary>
    public ModuleDescriptor Module { get; } = module;

    /// <summary>The module's name on the command line and in the labels.</summary>
    public string Name => Module.Name;

    /// <summary>The port clients expect, published on 127.0.0.1 unless <c>--port</c> says otherwise.</summary>
    public int StandardPort => Module.Port;

    /// <summary>The image tag <c>--version</c> defaults to: the module's default image's.</summary>
    public string DefaultVersion => Module.DefaultVersion;

    /// <summary>True when clients need a password.</summary>
    public abstract bool UsesPassword { get; }

    /// <summary>True when the data keeps the password it was initialised with (a later one is ignored by the server).</summary>
    public virtual bool PasswordKeptByData => false;

    /// <summary>The parts of the service, each a container with its own volume; the first is the one clients connect to.
    /// <c>down</c> stops them in this order, so that each shuts down cleanly (Kafka's broker before its ZooKeeper).</summary>
    public virtual IReadOnlyList<string> Roles => [DevLabels.MainRole];

    /// <summary>The module called <paramref name="name"/>, or null.</summary>
    public static DevModule? Find(string name) => All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Starts the service's containers and returns how clients connect. A failure leaves no container behind
    /// (the SDK removes what it created); the caller removes the volumes it created.</summary>
    public abstract Task<DevConnection> StartAsync(DevStart start, CancellationToken cancellationToken);
}

/// <summary>How clients connect to a started dev service.</summary>
/// <param name="Image">The image as asked for, e.g. <c>postgres:15</c>.</param>
/// <param name="ConnectionString">The client library's connection string (Npgsql, StackExchange.Redis, Kafka bootstrap servers).</param>
/// <param name="Url">The same as a URL for command-line clients, or null.</param>
/// <param name="Details">Other facts worth printing (user, database, broker version…); never a secret.</param>
internal sealed record DevConnection(string Image, string ConnectionString, string? Url, IReadOnlyDictionary<string, string> Details)
{
    // The connection string and the URL hold the password, under names the secret rule cannot know.
    public override string ToString() => $"{Image} connection ({string.Join(", ", Details.Keys)})";
}
