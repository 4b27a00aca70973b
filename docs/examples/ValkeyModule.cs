// A module written outside Testkit, on its public API only: docs/modules.md walks through it, and eng/package-test.sh
// builds it against the packed packages and runs a test with it.
using Testkit.Containers;
using Testkit.Modules;
using Testkit.Waiting;

namespace Acme.Testing.Valkey;

/// <summary>Describes a Valkey (the Redis fork) container.</summary>
public sealed record ValkeyBuilder() : ModuleBuilder<ValkeyBuilder, ValkeyContainer>(ValkeyContainer.Module)
{
    /// <summary>The password clients must give, or null for none.</summary>
    public string? Password { get; init; }

    /// <summary>Requires clients to authenticate with <paramref name="password"/>.</summary>
    public ValkeyBuilder WithPassword(string password) => this with { Password = password };

    /// <inheritdoc />
    public override ValkeyContainer Build() => new(this);
}

/// <summary>A Valkey server, answering PING once started.</summary>
public sealed class ValkeyContainer(ValkeyBuilder options) : Container(ToSettings(options))
{
    /// <summary>Name, official image, port and data path: what the builder, the CLI and dev services read.</summary>
    public static readonly ModuleDescriptor Module = new("valkey", "valkey/valkey:8", 6379) { DataPath = "/data" };

    /// <summary>A Valkey container with the defaults.</summary>
    public ValkeyContainer() : this(new ValkeyBuilder()) { }

    /// <summary>The password clients must give, or null.</summary>
    public string? Password => options.Password;

    /// <summary>A StackExchange.Redis configuration string.</summary>
    public string GetConnectionString() =>
        $"{Host}:{GetMappedPort(Module.Port)}" + (Password is { } password ? $",password={password}" : "");

    private static ContainerSettings ToSettings(ValkeyBuilder options) => options.ToSettings(container =>
    {
        container = container.WithWaitStrategy(Wait.ForTcpReply(Module.Port, Ping, "+PONG"));
        return options.Password is { } password
            // The variable marks the value as a secret: masked wherever Testkit quotes the container's settings or log.
            ? container.AppendCommand("--requirepass", password).WithEnvironment("VALKEY_PASSWORD", password, secret: true)
            : container;
    });

    private static string Ping(IWaitTarget target) =>
        ((ValkeyContainer)target).Password is { } password ? $"AUTH {password}\r\nPING\r\n" : "PING\r\n";
}
