using System.Globalization;

namespace Testkit.Formats;

/// <summary>Raised when lines of an env file have no variable name before <c>=</c>; names the file and every such line.</summary>
public sealed class EnvFileFormatException : FormatException
{
    /// <summary>Creates the exception for the lines of <paramref name="file"/> that have no name.</summary>
    public EnvFileFormatException(string file, IReadOnlyList<int> lines)
        : base((lines ?? throw new ArgumentNullException(nameof(lines))).Count == 1
            ? $"A line of the env file has no variable name before '=' ({Where(file, lines)}): write NAME=value."
            : $"Lines of the env file have no variable name before '=' ({Where(file, lines)}): write NAME=value.")
    {
        File = file;
        Lines = lines;
    }

    /// <summary>The env file, as given to <see cref="EnvFile.Parse"/>.</summary>
    public string File { get; }

    /// <summary>The 1-based lines without a name.</summary>
    public IReadOnlyList<int> Lines { get; }

    private static string Where(string file, IReadOnlyList<int> lines) =>
        string.Join(", ", lines.Select(line => file + ":" + line.ToString(CultureInfo.InvariantCulture)));
}
