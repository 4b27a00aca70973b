using System.Collections.Immutable;

namespace Testkit.Containers;

/// <summary>How a command runs inside a container.</summary>
public sealed record ExecOptions
{
    /// <summary>Extra environment variables for the command.</summary>
    public ImmutableDictionary<string, string> Environment { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The user (name or uid[:gid]), or null for the container's.</summary>
    public string? User { get; init; }

    /// <summary>The working directory, or null for the container's.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Receives each output line as it is written, for long-running commands.</summary>
    public Action<Waiting.LogLine>? OnOutput { get; init; }
}
