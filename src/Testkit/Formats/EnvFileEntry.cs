namespace Testkit.Formats;

/// <summary>One variable of an env file.</summary>
/// <param name="Name">The variable's name.</param>
/// <param name="Value">Its value, unquoted; null for a line with a bare <c>NAME</c>, which takes the value from the caller's environment.</param>
/// <param name="Line">The 1-based line it is written on, for messages that point at it.</param>
public sealed record EnvFileEntry(string Name, string? Value, int Line);
