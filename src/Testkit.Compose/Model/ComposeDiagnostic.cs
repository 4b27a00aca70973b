namespace Testkit.Compose;

/// <summary>A warning or error found while reading compose files: the key, its line and what to do.</summary>
/// <param name="Source">The file and line of the key.</param>
/// <param name="Key">The key's path, such as <c>services.db.ports</c>.</param>
/// <param name="Message">The cause and the fix.</param>
public sealed record ComposeDiagnostic(ComposeSource Source, string Key, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Source}: '{Key}': {Message}";
}
