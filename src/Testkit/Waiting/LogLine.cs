namespace Testkit.Waiting;

/// <summary>One line a container wrote.</summary>
/// <param name="Text">The line without its line break.</param>
/// <param name="IsError">True when it came from standard error.</param>
public readonly record struct LogLine(string Text, bool IsError)
{
    /// <inheritdoc />
    public override string ToString() => Text;
}
