namespace Testkit.Containers;

/// <summary>Which log lines to read.</summary>
/// <param name="Since">Only lines written at or after this moment, or null for all.</param>
/// <param name="Tail">Only the last this many lines, or null for all.</param>
public sealed record LogOptions(DateTimeOffset? Since = null, int? Tail = null);
