namespace Testkit.Compose;

/// <summary>Where a piece of a compose file came from, for messages that point at the line to fix.</summary>
/// <param name="File">The compose file's full path.</param>
/// <param name="Line">The 1-based line in that file.</param>
public sealed record ComposeSource(string File, int Line)
{
    /// <inheritdoc />
    public override string ToString() => $"{File}:{Line}";
}

/// <summary>A warning or error found while reading compose files: the key, its line and what to do.</summary>
/// <param name="Source">The file and line of the key.</param>
/// <param name="Key">The key's path, such as <c>services.db.ports</c>.</param>
/// <param name="Message">The cause and the fix.</param>
public sealed record ComposeDiagnostic(ComposeSource Source, string Key, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Source}: '{Key}': {Message}";
}

/// <summary>A loaded, merged and validated compose project: what would be created, before anything is.</summary>
/// <param name="Name">The project name (top-level <c>name</c>, else the first file's directory).</param>
/// <param name="WorkingDirectory">The directory of the first file; relative paths resolve against it.</param>
/// <param name="Services">The services by name.</param>
/// <param name="Networks">The top-level networks by key.</param>
/// <param name="Volumes">The top-level volumes by key.</param>
/// <param name="Warnings">Keys that were ignored, with their lines.</param>
public sealed record ComposeProject(
    string Name,
    string WorkingDirectory,
    IReadOnlyDictionary<string, ComposeService> Services,
    IReadOnlyDictionary<string, ComposeNetwork> Networks,
    IReadOnlyDictionary<string, ComposeVolume> Volumes,
    IReadOnlyList<ComposeDiagnostic> Warnings)
{
    /// <summary>Groups of services to start in order; the services inside one group can start in parallel.</summary>
    public IReadOnlyList<IReadOnlyList<string>> StartOrder() => ComposeGraph.StartOrder(Services);

    /// <summary>The project with only the services enabled by these profiles: those without profiles, and those naming one of them.</summary>
    public ComposeProject WithProfiles(params IEnumerable<string> profiles)
    {
        var active = profiles.ToHashSet(StringComparer.Ordinal);
        var enabled = Services.Values.Where(s => s.Profiles.Count == 0 || active.Contains("*") || s.Profiles.Any(active.Contains));
        return this with { Services = enabled.ToDictionary(s => s.Name, StringComparer.Ordinal) };
    }
}

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

/// <summary>How a service builds its image.</summary>
/// <param name="Context">The build context, a full path.</param>
/// <param name="Dockerfile">The Dockerfile relative to the context; null means <c>Dockerfile</c>.</param>
/// <param name="Args">Build arguments; a null value takes the variable from the environment at build time.</param>
/// <param name="Target">The multi-stage target, if any.</param>
public sealed record ComposeBuild(string Context, string? Dockerfile, IReadOnlyDictionary<string, string?> Args, string? Target);

/// <summary>One published port.</summary>
/// <param name="Target">The container port.</param>
/// <param name="Published">The host port or range ("8080", "9090-9091"); null lets the engine choose.</param>
/// <param name="HostIp">The host address to bind; null means all.</param>
/// <param name="Protocol">tcp or udp.</param>
public sealed record ComposePort(int Target, string? Published, string? HostIp, string Protocol);

/// <summary>The kind of a service mount.</summary>
public enum ComposeMountType
{
    /// <summary>A named or anonymous volume.</summary>
    Volume,

    /// <summary>A host path.</summary>
    Bind,

    /// <summary>A memory file system.</summary>
    Tmpfs,
}

/// <summary>One mount of a service.</summary>
/// <param name="Type">Volume, bind or tmpfs.</param>
/// <param name="Source">The volume key or the full host path; null for anonymous volumes and tmpfs.</param>
/// <param name="Target">The path in the container.</param>
/// <param name="ReadOnly">Whether the mount is read-only.</param>
public sealed record ComposeMount(ComposeMountType Type, string? Source, string Target, bool ReadOnly);

/// <summary>A healthcheck; <see cref="Test"/> starts with CMD, CMD-SHELL or NONE as the engine expects.</summary>
/// <param name="Test">The test, or null to keep the image's.</param>
/// <param name="Interval">Time between checks.</param>
/// <param name="Timeout">Time a check may take.</param>
/// <param name="StartPeriod">Grace period after start.</param>
/// <param name="StartInterval">Time between checks during the start period.</param>
/// <param name="Retries">Failures in a row before unhealthy.</param>
/// <param name="Disable">True disables the image's healthcheck.</param>
public sealed record ComposeHealthcheck(
    IReadOnlyList<string>? Test, TimeSpan? Interval, TimeSpan? Timeout, TimeSpan? StartPeriod, TimeSpan? StartInterval, int? Retries, bool Disable);

/// <summary>When a dependency counts as ready.</summary>
public enum ComposeCondition
{
    /// <summary>The dependency has started.</summary>
    ServiceStarted,

    /// <summary>The dependency's healthcheck passes.</summary>
    ServiceHealthy,

    /// <summary>The dependency ran to completion with exit code 0.</summary>
    ServiceCompletedSuccessfully,
}

/// <summary>One entry of <c>depends_on</c>.</summary>
/// <param name="Condition">When the dependency counts as ready.</param>
/// <param name="Restart">Whether to restart this service when the dependency is updated.</param>
/// <param name="Required">False lets the stack run without the dependency.</param>
/// <param name="Source">Where the entry is written.</param>
public sealed record ComposeDependency(ComposeCondition Condition, bool Restart, bool Required, ComposeSource Source);

/// <summary>How a service joins one network.</summary>
/// <param name="Aliases">Extra names for the service on that network.</param>
/// <param name="Ipv4Address">A fixed IPv4 address, if any.</param>
public sealed record ComposeServiceNetwork(IReadOnlyList<string> Aliases, string? Ipv4Address);

/// <summary>A top-level network.</summary>
/// <param name="Name">The engine name; null means project-prefixed key.</param>
/// <param name="Driver">The driver, null for the engine's default.</param>
/// <param name="External">True when the network exists already and is not created or removed.</param>
/// <param name="Internal">True for a network without outside access.</param>
/// <param name="Labels">Network labels.</param>
public sealed record ComposeNetwork(string? Name, string? Driver, bool External, bool Internal, IReadOnlyDictionary<string, string> Labels);

/// <summary>A top-level volume.</summary>
/// <param name="Name">The engine name; null means project-prefixed key.</param>
/// <param name="Driver">The driver, null for local.</param>
/// <param name="External">True when the volume exists already and is not created or removed.</param>
/// <param name="Labels">Volume labels.</param>
/// <param name="DriverOpts">Driver options.</param>
public sealed record ComposeVolume(string? Name, string? Driver, bool External, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> DriverOpts);

/// <summary>Raised when compose files cannot be used; lists every problem with its key and line.</summary>
public sealed class ComposeException : TestkitException
{
    /// <summary>Creates the exception from the problems found.</summary>
    public ComposeException(IReadOnlyList<ComposeDiagnostic> errors)
        : base("The compose files cannot be used:" + string.Concat(errors.Select(e => System.Environment.NewLine + "  " + e))) => Errors = errors;

    /// <summary>Every problem found, with its file, line and key.</summary>
    public IReadOnlyList<ComposeDiagnostic> Errors { get; }
}
