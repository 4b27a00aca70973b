using System.Globalization;
using System.Text;

namespace Testkit.Compose;

/// <summary>The small text formats of the compose specification: interpolation, durations, env files, shell words.</summary>
internal static class ComposeText
{
    /// <summary>Replaces ${VAR}, $VAR and their default/required forms; throws FormatException with the user's message.</summary>
    public static string Interpolate(string text, IReadOnlyDictionary<string, string> env)
    {
        if (!text.Contains('$', StringComparison.Ordinal))
        {
            return text;
        }

        var result = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c != '$' || i + 1 >= text.Length)
            {
                result.Append(c);
                i++;
                continue;
            }

            var next = text[i + 1];
            if (next == '$')
            {
                result.Append('$');
                i += 2;
            }
            else if (next == '{')
            {
                var end = MatchingBrace(text, i + 1);
                result.Append(Expand(text[(i + 2)..end], env));
                i = end + 1;
            }
            else if (char.IsAsciiLetter(next) || next == '_')
            {
                var start = i + 1;
                var end = start;
                while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_'))
                {
                    end++;
                }

                result.Append(env.TryGetValue(text[start..end], out var value) ? value : string.Empty);
                i = end;
            }
            else
            {
                throw new FormatException($"invalid interpolation in \"{text}\": '$' must start ${{VAR}} or $VAR; write '$$' for a literal '$'");
            }
        }

        return result.ToString();
    }

    private static int MatchingBrace(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            if (text[i] == '{')
            {
                depth++;
            }
            else if (text[i] == '}' && --depth == 0)
            {
                return i;
            }
        }

        throw new FormatException($"unclosed '${{' in \"{text}\": add the closing '}}'");
    }

    private static string Expand(string body, IReadOnlyDictionary<string, string> env)
    {
        var nameEnd = 0;
        while (nameEnd < body.Length && (char.IsAsciiLetterOrDigit(body[nameEnd]) || body[nameEnd] == '_'))
        {
            nameEnd++;
        }

        var name = body[..nameEnd];
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            throw new FormatException($"invalid variable name in \"${{{body}}}\": use letters, digits and '_', not starting with a digit");
        }

        var set = env.TryGetValue(name, out var value);
        if (nameEnd == body.Length)
        {
            return set ? value! : string.Empty;
        }

        var rest = body[nameEnd..];
        var colon = rest.StartsWith(':');
        var op = colon ? (rest.Length > 1 ? rest[1] : '\0') : rest[0];
        var argument = rest[(colon ? 2 : 1)..];

        // With ':' an empty value counts as unset, as in the shell.
        var present = set && (!colon || value!.Length > 0);
        switch (op)
        {
            case '-':
                return present ? value! : Interpolate(argument, env);
            case '+':
                return present ? Interpolate(argument, env) : string.Empty;
            case '?':
                if (!present)
                {
                    var message = Interpolate(argument, env);
                    throw new FormatException(message.Length > 0
                        ? $"required variable {name} is {(set ? "empty" : "unset")}: {message}"
                        : $"required variable {name} is {(set ? "empty" : "unset")}: set it in the environment or in the .env file");
                }

                return value!;
            default:
                throw new FormatException($"invalid interpolation \"${{{body}}}\": use ${{VAR}}, ${{VAR:-default}}, ${{VAR-default}}, ${{VAR:?error}}, ${{VAR?error}} or ${{VAR:+alt}}");
        }
    }

    /// <summary>Parses a Go-style duration such as "1m30s", "10s", "500ms" or "1h".</summary>
    public static TimeSpan ParseDuration(string text)
    {
        var total = 0.0;
        var i = 0;
        var s = text.Trim();
        if (s.Length == 0)
        {
            throw new FormatException("empty duration: write a duration such as \"30s\" or \"1m30s\"");
        }

        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            var unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i]))
            {
                i++;
            }

            if (start == unitStart || !double.TryParse(s[start..unitStart], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                throw new FormatException($"invalid duration \"{text}\": write a duration such as \"30s\" or \"1m30s\"");
            }

            var unit = s[unitStart..i];
            total += unit switch
            {
                "h" => number * 3_600_000,
                "m" => number * 60_000,
                "s" => number * 1000,
                "ms" => number,
                "us" or "µs" => number / 1000,
                "ns" => number / 1_000_000,
                _ => throw new FormatException($"invalid duration \"{text}\": unit \"{unit}\" is not one of h, m, s, ms, us, ns"),
            };
        }

        return TimeSpan.FromMilliseconds(total);
    }

    /// <summary>Parses a byte size as the specification writes them: "512m", "1g", "1.5gb", "2048k", "100b" or a plain number of bytes.</summary>
    public static long ParseBytes(string text)
    {
        var s = text.Trim().ToLowerInvariant();
        var digits = s.TakeWhile(c => char.IsAsciiDigit(c) || c == '.').Count();
        var unit = s[digits..].TrimEnd('b');
        var factor = unit switch
        {
            "" => 1L,
            "k" => 1L << 10,
            "m" => 1L << 20,
            "g" => 1L << 30,
            _ => 0L,
        };
        if (digits == 0 || factor == 0 || !double.TryParse(s[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || number <= 0)
        {
            throw new FormatException($"invalid size \"{text}\": write a size such as \"512m\", \"1g\" or \"2048k\"");
        }

        return (long)(number * factor);
    }

    /// <summary>Reads KEY=VALUE lines as compose's env files and .env files are written.</summary>
    public static IEnumerable<(string Key, string? Value, int Line)> ParseEnvFile(string content)
    {
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
                yield return (line, null, n + 1);
                continue;
            }

            var key = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1];
            }
            else
            {
                // An unquoted value ends at " #", so comments can follow it.
                var comment = value.IndexOf(" #", StringComparison.Ordinal);
                if (comment >= 0)
                {
                    value = value[..comment].TrimEnd();
                }
            }

            yield return (key, value, n + 1);
        }
    }

    /// <summary>Splits a command string into arguments as a POSIX shell would, without expansions.</summary>
    public static IReadOnlyList<string> SplitWords(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        char quote = '\0';
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else if (c == '\\' && quote == '"' && i + 1 < text.Length && text[i + 1] is '"' or '\\' or '$')
                {
                    current.Append(text[++i]);
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (c == '\\' && i + 1 < text.Length)
            {
                current.Append(text[++i]);
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }
            }
            else
            {
                current.Append(c);
                inWord = true;
            }
        }

        if (quote != '\0')
        {
            throw new FormatException($"unclosed quote in \"{text}\": close it, or write the command as a list");
        }

        if (inWord)
        {
            words.Add(current.ToString());
        }

        return words;
    }
}

/// <summary>The depends_on graph: cycles and start order.</summary>
internal static class ComposeGraph
{
    /// <summary>Returns a cycle as "a -> b -> a", or null when there is none.</summary>
    public static string? FindCycle(IReadOnlyDictionary<string, ComposeService> services)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<string>();
        foreach (var name in services.Keys.Order(StringComparer.Ordinal))
        {
            var cycle = Visit(name);
            if (cycle is not null)
            {
                return cycle;
            }
        }

        return null;

        string? Visit(string name)
        {
            if (state.TryGetValue(name, out var s))
            {
                if (s == 1)
                {
                    var from = path.IndexOf(name);
                    return string.Join(" -> ", path.Skip(from).Append(name));
                }

                return null;
            }

            state[name] = 1;
            path.Add(name);
            if (services.TryGetValue(name, out var service))
            {
                foreach (var dependency in service.DependsOn.Keys.Order(StringComparer.Ordinal))
                {
                    var cycle = Visit(dependency);
                    if (cycle is not null)
                    {
                        return cycle;
                    }
                }
            }

            path.RemoveAt(path.Count - 1);
            state[name] = 2;
            return null;
        }
    }

    /// <summary>Groups services by depth in the graph so each group only waits for earlier ones.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> StartOrder(IReadOnlyDictionary<string, ComposeService> services)
    {
        var cycle = FindCycle(services);
        if (cycle is not null)
        {
            throw new InvalidOperationException($"depends_on has a cycle: {cycle}; remove one of these dependencies");
        }

        var remaining = services.Keys.ToHashSet(StringComparer.Ordinal);
        var groups = new List<IReadOnlyList<string>>();
        while (remaining.Count > 0)
        {
            // Dependencies on services outside the project (optional ones left out) do not hold anything back.
            var ready = remaining
                .Where(n => services[n].DependsOn.Keys.All(d => !remaining.Contains(d)))
                .Order(StringComparer.Ordinal)
                .ToList();
            groups.Add(ready);
            remaining.ExceptWith(ready);
        }

        return groups;
    }
}
