namespace Testkit.Compose;

/// <summary>Where a piece of a compose file came from, for messages that point at the line to fix.</summary>
/// <param name="File">The compose file's full path.</param>
/// <param name="Line">The 1-based line in that file.</param>
public sealed record ComposeSource(string File, int Line)
{
    /// <inheritdoc />
    public override string ToString() => $"{File}:{Line}";
}
