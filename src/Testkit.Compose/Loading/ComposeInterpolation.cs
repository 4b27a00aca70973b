using System.Text;

namespace Testkit.Compose;

/// <summary>The specification's interpolation: <c>${VAR}</c>, <c>$VAR</c>, their default, alternative and required forms, and <c>$$</c>.</summary>
internal static class ComposeInterpolation
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
}
