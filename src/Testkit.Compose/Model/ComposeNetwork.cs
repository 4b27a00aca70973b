namespace Testkit.Compose;

/// <summary>A top-level network.</summary>
/// <param name="Name">The engine name; null means project-prefixed key.</param>
/// <param name="Driver">The driver, null for the engine's default.</param>
/// <param name="External">True when the network exists already and is not created or removed.</param>
/// <param name="Internal">True for a network without outside access.</param>
/// <param name="Labels">Network labels.</param>
public sealed record ComposeNetwork(string? Name, string? Driver, bool External, bool Internal, IReadOnlyDictionary<string, string> Labels);
