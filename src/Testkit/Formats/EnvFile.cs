namespace Testkit.Formats;

/// <summary>Env files as the Compose specification writes them, read the same way by <c>ContainerBuilder.WithEnvironmentFile</c>,
/// a compose service's <c>env_file</c> and a compose project's <c>.env</c>: one <c>NAME=value</c> per line; blank lines and lines
/// starting with <c>#</c> are skipped; an <c>export </c> prefix is allowed; names and values are trimmed; a value in matching
/// single or double quotes is taken without them; an unquoted value ends at <c> #</c>, so a comment can follow it; a bare
/// <c>NAME</c> (no <c>=</c>) has no value of its own and takes the caller's environment's.</summary>
public static class EnvFile
{
    /// <summary>Reads and parses the env file at <paramref name="path"/>.</summary>
    /// <exception cref="EnvFileFormatException">Lines have no variable name before <c>=</c>; each is named as <c>path:line</c>.</exception>
    public static IReadOnlyList<EnvFileEntry> Read(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses env-file text; <paramref name="file"/> names it in errors.</summary>
    /// <exception cref="EnvFileFormatException">Lines have no variable name before <c>=</c>; each is named as <c>file:line</c>.</exception>
    public static IReadOnlyList<EnvFileEntry> Parse(string content, string file)
    {
        ArgumentNullException.ThrowIfNull(content);
        var entries = new List<EnvFileEntry>();
        var unnamed = new List<int>();
        var lines = content.Split('\n');
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n].TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line[7..].TrimStart();
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                entries.Add(new EnvFileEntry(line, null, n + 1));
                continue;
            }

            var name = line[..eq].Trim();
            if (name.Length == 0)
            {
                unnamed.Add(n + 1);
                continue;
            }

            entries.Add(new EnvFileEntry(name, Value(line[(eq + 1)..].Trim()), n + 1));
        }

        return unnamed.Count > 0 ? throw new EnvFileFormatException(file, unnamed) : entries;
    }

    private static string Value(string value)
    {
        if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
        {
            return value[1..^1];
        }

        // An unquoted value ends at " #", so comments can follow it.
        var comment = value.IndexOf(" #", StringComparison.Ordinal);
        return comment >= 0 ? value[..comment].TrimEnd() : value;
    }
}
