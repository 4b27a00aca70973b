using System.Text;

namespace Testkit.Compose;

/// <summary>The names a stack gives what it creates.</summary>
internal static class StackNames
{
    /// <summary>The project name made safe for engine names, with a random suffix so that stacks of one project can run in parallel.</summary>
    public static string Prefix(string project)
    {
        var clean = new StringBuilder();
        foreach (var c in project.ToLowerInvariant())
        {
            clean.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-');
        }

        var name = clean.ToString().Trim('-', '_');
        return (name.Length == 0 ? "compose" : name) + "-" + Guid.NewGuid().ToString("N")[..8];
    }
}
