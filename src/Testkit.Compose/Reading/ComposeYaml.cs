using System.Globalization;
using Testkit.Formats;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Testkit.Compose;

/// <summary>The nodes of one compose file read as the specification's values (strings interpolated, numbers, booleans,
/// durations, paths, key/value lists), with every problem recorded as an error at its line instead of thrown.</summary>
internal sealed class ComposeYaml(string filePath, LoadState state)
{
    /// <summary>The compose file's full path.</summary>
    public string FilePath { get; } = filePath;

    /// <summary>What the files read so far define, and the errors and warnings found.</summary>
    public LoadState State { get; } = state;

    /// <summary>Reads the list form (KEY=VALUE) and the map form; in the list form a bare KEY takes the host's value.</summary>
    public List<KeyValuePair<string, string?>> ReadKeyValues(YamlNode node, string at, bool fromHost)
    {
        var result = new List<KeyValuePair<string, string?>>();
        if (node is YamlSequenceNode)
        {
            foreach (var item in Seq(node, at))
            {
                var text = Str(item, at) ?? string.Empty;
                var eq = text.IndexOf('=', StringComparison.Ordinal);
                result.Add(eq >= 0
                    ? new(text[..eq], text[(eq + 1)..])
                    : new(text, fromHost ? State.Env.GetValueOrDefault(text) : null));
            }

            return result;
        }

        foreach (var (key, _, value) in Entries(Map(node, at)))
        {
            var text = Str(value, at + "." + key);
            result.Add(new(key, text ?? (fromHost ? State.Env.GetValueOrDefault(key) : null)));
        }

        return result;
    }

    public void CheckKey(string key, YamlScalarNode keyNode, string at, HashSet<string> known, HashSet<string> unsupported)
    {
        if (key.StartsWith("x-", StringComparison.Ordinal) || known.Contains(key))
        {
            return; // Extensions are the specification's place for user data.
        }

        if (unsupported.Contains(key))
        {
            Error(keyNode.Start, at, "this Compose feature is not supported by Testkit yet: remove it, or run that part outside the compose stack");
        }
        else
        {
            State.Warnings.Add(new ComposeDiagnostic(Source(keyNode.Start), at,
                "unknown key, ignored: check its spelling against the Compose specification"));
        }
    }

    /// <summary>The entries of a mapping, with YAML merge keys (&lt;&lt;: *anchor) applied as the specification allows.</summary>
    public IEnumerable<(string Key, YamlScalarNode KeyNode, YamlNode Value)> Entries(YamlMappingNode map)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var merged = new List<YamlMappingNode>();
        foreach (var (keyNode, value) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key } scalar)
            {
                Error(keyNode.Start, "(key)", "keys must be plain strings");
                continue;
            }

            if (key == "<<")
            {
                if (value is YamlMappingNode one)
                {
                    merged.Add(one);
                }
                else if (value is YamlSequenceNode many)
                {
                    merged.AddRange(many.Children.OfType<YamlMappingNode>());
                }

                continue;
            }

            seen.Add(key);
            yield return (key, scalar, value);
        }

        foreach (var source in merged)
        {
            foreach (var (key, keyNode, value) in Entries(source))
            {
                if (seen.Add(key))
                {
                    yield return (key, keyNode, value);
                }
            }
        }
    }

    public YamlMappingNode Map(YamlNode node, string at)
    {
        if (node is YamlMappingNode map)
        {
            return map;
        }

        if (node is not YamlScalarNode { Value: null or "" or "~" or "null" })
        {
            Error(node.Start, at, "expected a mapping (key: value lines) here");
        }

        return new YamlMappingNode();
    }

    public IEnumerable<YamlNode> Seq(YamlNode node, string at)
    {
        if (node is YamlSequenceNode seq)
        {
            return seq.Children;
        }

        Error(node.Start, at, "expected a list (lines starting with '- ') here");
        return [];
    }

    public string? Str(YamlNode node, string at)
    {
        if (node is not YamlScalarNode scalar)
        {
            Error(node.Start, at, "expected a single value here, not a list or mapping");
            return null;
        }

        if (scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        try
        {
            return ComposeInterpolation.Interpolate(scalar.Value ?? string.Empty, State.Env);
        }
        catch (FormatException e)
        {
            Error(node.Start, at, e.Message);
            return scalar.Value;
        }
    }

    public int? Int(YamlNode node, string at)
    {
        var text = Str(node, at);
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        Error(node.Start, at, $"'{text}' is not a whole number");
        return null;
    }

    public bool Bool(YamlNode node, string at)
    {
        var text = Str(node, at);
        switch (text?.ToLowerInvariant())
        {
            case "true" or "yes" or "on": return true;
            case "false" or "no" or "off" or null: return false;
            default:
                Error(node.Start, at, $"'{text}' is not true or false");
                return false;
        }
    }

    public TimeSpan? Duration(YamlNode node, string at) => Parsed(node, at, Durations.Parse);

    /// <summary>A value in one of the specification's text formats (a duration, a byte size), or null with an error at its line.</summary>
    public T? Parsed<T>(YamlNode node, string at, Func<string, T> parse) where T : struct
    {
        var text = Str(node, at);
        if (text is null)
        {
            return null;
        }

        try
        {
            return parse(text);
        }
        catch (FormatException e)
        {
            Error(node.Start, at, e.Message);
            return null;
        }
    }

    public string Resolve(string relative)
    {
        if (relative.StartsWith('~'))
        {
            var home = State.Env.GetValueOrDefault("HOME") ?? System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);
            relative = home + relative[1..];
        }

        // Relative paths in every file resolve against the first file's directory, as the specification says for merged files.
        return Path.GetFullPath(Path.Combine(State.ProjectDirectory, relative));
    }

    public void Error(Mark mark, string at, string message) =>
        State.Errors.Add(new ComposeDiagnostic(Source(mark), at, message));

    /// <summary>This file and the line of <paramref name="mark"/>.</summary>
    public ComposeSource Source(Mark mark) => new(FilePath, Line(mark));

    private static int Line(Mark mark) => (int)mark.Line;
}
