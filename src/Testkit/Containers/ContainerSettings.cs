using System.Collections.Immutable;
using System.Text;
using Microsoft.Extensions.Logging;
using Testkit.Waiting;

namespace Testkit.Containers;

/// <summary>Everything that describes a container before it runs. Immutable: change it with <c>with</c>
/// or through <see cref="ContainerBuilder"/>.</summary>
public sealed record ContainerSettings
{
    /// <summary>The image as the user named it; substitutions apply when the container is created.</summary>
    public required string Image { get; init; }

    /// <summary>The container's name, or null for one chosen by the engine.</summary>
    public string? Name { get; init; }

    /// <summary>The entrypoint, replacing the image's when not null.</summary>
    public ImmutableArray<string>? Entrypoint { get; init; }

    /// <summary>The command, replacing the image's when not null.</summary>
    public ImmutableArray<string>? Command { get; init; }

    /// <summary>Environment variables. Values are treated as secrets: never logged nor printed.</summary>
    public ImmutableDictionary<string, string> Environment { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Values masked wherever Testkit shows text (errors, logs), beside those of secret-looking environment
    /// variables (see <see cref="SecretMasker"/>): passwords on a command line, or under a name the rule does not know.</summary>
    public ImmutableHashSet<string> Secrets { get; init; } = ImmutableHashSet<string>.Empty;

    /// <summary>Every value to mask: <see cref="Secrets"/> and the values of secret-looking environment variables.</summary>
    internal IReadOnlyList<string> SecretValues => SecretMasker.SecretValues(Environment, Secrets);

    /// <summary>Labels, beside the ones Testkit adds to find its resources again.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The container's host name, or null for the engine's default (its short id).</summary>
    public string? Hostname { get; init; }

    /// <summary>The working directory of the main process, or null for the image's.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>The user (name or uid[:gid]) of the main process, or null for the image's.</summary>
    public string? User { get; init; }

    /// <summary>What the engine does when the main process exits.</summary>
    public RestartPolicy RestartPolicy { get; init; } = RestartPolicy.No;

    /// <summary>The memory limit in bytes, or null for none.</summary>
    public long? MemoryLimitBytes { get; init; }

    /// <summary>The CPU limit in cores (1.5 = one and a half cores), or null for none.</summary>
    public double? CpuLimit { get; init; }

    /// <summary>Extra /etc/hosts entries: host name to IP address.</summary>
    public ImmutableDictionary<string, string> ExtraHosts { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>True to let the engine remove the container as soon as it exits.</summary>
    public bool AutoRemove { get; init; }

    /// <summary>True to keep the container across test runs and find it again by a hash of these settings
    /// (see <see cref="ContainerBuilder.WithReuse"/>).</summary>
    public bool Reuse { get; init; }

    /// <summary>The module this container belongs to (postgres, redis…), by which <see cref="DevServices"/> can let a
    /// running dev service stand in for it; null for none.</summary>
    public string? Module { get; init; }

    /// <summary>True to give the container every capability. Only when a test really needs it.</summary>
    public bool Privileged { get; init; }

    /// <summary>Bind mounts, volumes and tmpfs.</summary>
    public ImmutableArray<Mount> Mounts { get; init; } = [];

    /// <summary>Files and directories copied in after the container is created and before it starts.</summary>
    public ImmutableArray<ContainerFile> Files { get; init; } = [];

    /// <summary>User-defined networks the container joins, with its aliases there.</summary>
    public ImmutableArray<NetworkAttachment> Networks { get; init; } = [];

    /// <summary>A health check run by the engine, or null for the image's.</summary>
    public HealthCheck? HealthCheck { get; init; }

    /// <summary>When the image is pulled.</summary>
    public Images.PullPolicy PullPolicy { get; init; } = Images.PullPolicy.Missing;

    /// <summary>Callbacks that receive every log line while the container runs.</summary>
    public ImmutableArray<Action<LogLine>> OutputConsumers { get; init; } = [];

    /// <summary>Ports to publish on the host.</summary>
    public ImmutableArray<PortBinding> Ports { get; init; } = [];

    /// <summary>What must be true before the container counts as started, checked in order.</summary>
    public ImmutableArray<IWaitStrategy> WaitStrategies { get; init; } = [];

    /// <summary>How long a start may take as a whole, pull, a module's preparation, create and waits included.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How many times a first start is tried, each on a new container with the full <see cref="StartupTimeout"/>,
    /// when the container exits or is not ready in time (1 unless set: no retry).</summary>
    public int StartupAttempts { get; init; } = 1;

    /// <summary>Where diagnostics go; null for none.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>Prints the settings without environment values, which may hold passwords.</summary>
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Image = ").Append(Image);
        if (Name is not null)
        {
            builder.Append(", Name = ").Append(Name);
        }

        builder.Append(", Environment = [").Append(string.Join(", ", Environment.Keys.Order(StringComparer.Ordinal))).Append(']');
        builder.Append(", Ports = [").Append(string.Join(", ", Ports.Select(p => p.Key))).Append(']');
        builder.Append(", Waits = [").Append(string.Join("; ", WaitStrategies)).Append(']');
        return true;
    }
}
