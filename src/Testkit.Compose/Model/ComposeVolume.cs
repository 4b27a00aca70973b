namespace Testkit.Compose;

/// <summary>A top-level volume.</summary>
/// <param name="Name">The engine name; null means project-prefixed key.</param>
/// <param name="Driver">The driver, null for local.</param>
/// <param name="External">True when the volume exists already and is not created or removed.</param>
/// <param name="Labels">Volume labels.</param>
/// <param name="DriverOpts">Driver options.</param>
public sealed record ComposeVolume(string? Name, string? Driver, bool External, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> DriverOpts);
