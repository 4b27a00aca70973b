using System.Collections.Immutable;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Testkit.Networks;

/// <summary>Describes a user-defined network fluently. Immutable: every <c>WithX</c> returns a new builder, so a
/// builder can be shared and built many times (each build without a name gets its own).</summary>
/// <example><code>
/// await using var network = new NetworkBuilder().Build();
/// await using var redis = new ContainerBuilder("redis:7").WithNetwork(network, "cache").Build();
/// </code></example>
public sealed record NetworkBuilder
{
    /// <summary>The name, or null for a unique <c>testkit-…</c> name chosen by each <see cref="Build"/>.</summary>
    public string? Name { get; private init; }

    /// <summary>The engine's network driver (<c>bridge</c> unless set).</summary>
    public string Driver { get; private init; } = "bridge";

    /// <summary>True when containers on the network cannot reach outside it.</summary>
    public bool Internal { get; private init; }

    /// <summary>Labels, beside the ones Testkit adds to find its resources again.</summary>
    public ImmutableDictionary<string, string> Labels { get; private init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Where diagnostics go; null for none.</summary>
    public ILogger? Logger { get; private init; }

    /// <summary>Names the network (names should be unique on an engine: leave unset for parallel tests).</summary>
    public NetworkBuilder WithName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return this with { Name = name };
    }

    /// <summary>Cuts the network off from the outside: its containers reach only each other.</summary>
    public NetworkBuilder WithInternal(bool isInternal = true) => this with { Internal = isInternal };

    /// <summary>Adds a label.</summary>
    public NetworkBuilder WithLabel(string name, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        return this with { Labels = Labels.SetItem(name, value) };
    }

    /// <summary>Uses another network driver, e.g. <c>macvlan</c>.</summary>
    public NetworkBuilder WithDriver(string driver)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(driver);
        return this with { Driver = driver };
    }

    /// <summary>Sends creation, connection and removal diagnostics to <paramref name="logger"/>.</summary>
    public NetworkBuilder WithLogger(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return this with { Logger = logger };
    }

    /// <summary>Creates the network object; nothing exists on the engine until <see cref="Network.CreateAsync"/>
    /// (which a container that joins it calls on start).</summary>
    public Network Build() => new(this with { Name = Name ?? GenerateName() });

    /// <summary>A name unlikely to collide even across parallel test processes on one engine.</summary>
    private static string GenerateName() => "testkit-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
}
