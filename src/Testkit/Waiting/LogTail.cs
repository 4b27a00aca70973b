namespace Testkit.Waiting;

/// <summary>Formats the last log lines of a container for an error message.</summary>
internal static class LogTail
{
    public static string Format(IReadOnlyList<string> lines) =>
        lines.Count == 0
            ? ""
            : Environment.NewLine + $"Last {lines.Count} log {(lines.Count == 1 ? "line" : "lines")}:" + Environment.NewLine
              + string.Join(Environment.NewLine, lines.Select(l => "  | " + l));
}
