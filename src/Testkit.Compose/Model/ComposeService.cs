namespace Testkit.Compose;

/// <summary>One service of a compose project.</summary>
public sealed record ComposeService
{
    /// <summary>The service's key under <c>services</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Where the service was last defined.</summary>
    public required ComposeSource Source { get; init; }

    /// <summary>The image to run, or to tag the build with.</summary>
    public string? Image { get; init; }

    /// <summary>How to build the image, when the service builds one.</summary>
    public ComposeBuild? Build { get; init; }

    /// <summary>The published ports, ranges expanded.</summary>
    public IReadOnlyList<ComposePort> Ports { get; init; } = [];

    /// <summary>The environment: env_file values first, then <c>environment</c>; a null value means unset.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>The env files read, resolved to full paths.</summary>
    public IReadOnlyList<string> EnvFiles { get; init; } = [];

    /// <summary>The command, overriding the image's CMD; null keeps the image's.</summary>
    public IReadOnlyList<string>? Command { get; init; }

    /// <summary>The entrypoint, overriding the image's; null keeps the image's.</summary>
    public IReadOnlyList<string>? Entrypoint { get; init; }

    /// <summary>The working directory inside the container.</summary>
    public string? WorkingDir { get; init; }

    /// <summary>The restart policy (no, always, on-failure[:n], unless-stopped).</summary>
    public string? Restart { get; init; }

    /// <summary>The healthcheck, overriding the image's.</summary>
    public ComposeHealthcheck? Healthcheck { get; init; }

    /// <summary>The services this one waits for, by name.</summary>
    public IReadOnlyDictionary<string, ComposeDependency> DependsOn { get; init; } = new Dictionary<string, ComposeDependency>();

    /// <summary>A fixed container name instead of the generated one.</summary>
    public string? ContainerName { get; init; }

    /// <summary>The profiles that enable this service; empty means always enabled.</summary>
    public IReadOnlyList<string> Profiles { get; init; } = [];

    /// <summary>The container labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The networks joined, by top-level network key; empty means the project's default network.</summary>
    public IReadOnlyDictionary<string, ComposeServiceNetwork> Networks { get; init; } = new Dictionary<string, ComposeServiceNetwork>();

    /// <summary>The mounts: named volumes, binds and tmpfs.</summary>
    public IReadOnlyList<ComposeMount> Volumes { get; init; } = [];

    /// <summary>The container's host name; null keeps the engine's (the short container id).</summary>
    public string? Hostname { get; init; }

    /// <summary>The user (and group) the main process runs as.</summary>
    public string? User { get; init; }

    /// <summary>Extra /etc/hosts entries: host name to IP address.</summary>
    public IReadOnlyDictionary<string, string> ExtraHosts { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether the container runs privileged.</summary>
    public bool Privileged { get; init; }

    /// <summary>The memory limit in bytes, if any.</summary>
    public long? MemoryLimit { get; init; }

    /// <summary>The CPU limit, in CPUs, if any.</summary>
    public double? Cpus { get; init; }

    /// <summary>When to pull the image; null uses the stack's default.</summary>
    public Images.PullPolicy? PullPolicy { get; init; }
}
