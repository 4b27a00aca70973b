using System.Collections.Immutable;
using Testkit.Cleanup;

namespace Testkit.Cli.Dev;

/// <summary>The labels that mark a dev service's containers, volumes and networks. A test process finds a dev service
/// with the filters <c>org.testkit.dev=NAME</c>, <c>org.testkit.dev.module=postgres</c> and <c>org.testkit.dev.role=main</c>;
/// every resource also carries <c>org.testkit.keep=true</c>, so that no session cleanup (watchdog or sweep) touches it.</summary>
internal static class DevLabels
{
    /// <summary>The dev service's name, as given to <c>testkit up --name</c>.</summary>
    public const string Name = ResourceLabels.DevService;

    /// <summary>What runs: <c>postgres</c>, <c>redis</c>, <c>kafka</c> or <c>compose</c>.</summary>
    public const string Module = ResourceLabels.DevModule;

    /// <summary>Which part of the service a resource is: <c>main</c> (the one clients connect to), <c>zookeeper</c>, or a
    /// compose service's name.</summary>
    public const string Role = ResourceLabels.DevRole;

    /// <summary>The image as the user asked for it (e.g. <c>postgres:15</c>); the engine's may be a local substitute.</summary>
    public const string Image = "org.testkit.dev.image";

    /// <summary>The container port clients connect to, published on 127.0.0.1 (read the host port from the container).</summary>
    public const string Port = "org.testkit.dev.port";

    /// <summary>The role of the container clients connect to.</summary>
    public const string MainRole = ResourceLabels.DevMainRole;

    /// <summary>The value of <paramref name="key"/> in an engine resource's labels, or null.</summary>
    public static string? Get(IDictionary<string, string>? labels, string key) => labels is not null && labels.TryGetValue(key, out var value) ? value : null;

    /// <summary>The labels of one resource of a dev service, <see cref="ResourceLabels.Keep"/> included.</summary>
    public static ImmutableDictionary<string, string> For(string name, string module, string role) => ImmutableDictionary<string, string>.Empty
        .Add(ResourceLabels.Keep, "true")
        .Add(Name, name)
        .Add(Module, module)
        .Add(Role, role);
}
