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

    /// <summary>Labels, beside the ones Testkit adds to find its resources again.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Ports to publish on the host.</summary>
    public ImmutableArray<PortBinding> Ports { get; init; } = [];

    /// <summary>What must be true before the container counts as started, checked in order.</summary>
    public ImmutableArray<IWaitStrategy> WaitStrategies { get; init; } = [];

    /// <summary>How long the start, waits included, may take.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromMinutes(1);

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
