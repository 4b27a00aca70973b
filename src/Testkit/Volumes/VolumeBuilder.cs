using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Testkit.Volumes;

/// <summary>Describes a named volume fluently. Immutable: every <c>WithX</c> returns a new builder, so a builder
/// can be shared and built many times (each build without a name gets its own).</summary>
/// <example><code>
/// await using var data = new VolumeBuilder().Build();
/// await using var db = new ContainerBuilder("postgres:15").WithVolumeMount(data, "/var/lib/postgresql/data").Build();
/// </code></example>
public sealed partial record VolumeBuilder
{
    /// <summary>The name, or null for a unique <c>testkit-…</c> name chosen by each <see cref="Build"/>.</summary>
    public string? Name { get; private init; }

    /// <summary>Labels, beside the ones Testkit adds to find its resources again.</summary>
    public ImmutableDictionary<string, string> Labels { get; private init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Where diagnostics go; null for none.</summary>
    public ILogger? Logger { get; private init; }

    /// <summary>Names the volume (names are unique on an engine: leave unset for parallel tests).</summary>
    /// <exception cref="ArgumentException">The engine would refuse the name.</exception>
    public VolumeBuilder WithName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!ValidName().IsMatch(name))
        {
            // The engine checks this only at creation; failing here points at the line that chose the name.
            throw new ArgumentException(
                $"'{name}' is not a valid volume name: use at least two characters from [a-zA-Z0-9_.-], starting with a letter or digit.", nameof(name));
        }

        return this with { Name = name };
    }

    /// <summary>Adds a label.</summary>
    public VolumeBuilder WithLabel(string name, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        return this with { Labels = Labels.SetItem(name, value) };
    }

    /// <summary>Sends creation and removal diagnostics to <paramref name="logger"/>.</summary>
    public VolumeBuilder WithLogger(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return this with { Logger = logger };
    }

    /// <summary>Creates the volume object; nothing exists on the engine until <see cref="Volume.CreateAsync"/>
    /// (which a container that mounts it calls on start).</summary>
    public Volume Build() => new(this with { Name = Name ?? GenerateName() });

    /// <summary>A name unlikely to collide even across parallel test processes on one engine.</summary>
    private static string GenerateName() => "testkit-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex ValidName();
}
