namespace Testkit.Images;

/// <summary>The syntax check of Go's <c>filepath.Match</c> on Unix, which Docker runs on every <c>.dockerignore</c>
/// pattern before using it.</summary>
internal static class GoGlob
{
    /// <summary>Why <paramref name="pattern"/> is malformed, or null when Go accepts it.</summary>
    public static string? SyntaxError(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        for (var at = 0; at < pattern.Length; at++)
        {
            switch (pattern[at])
            {
                case '\\':
                    if (++at == pattern.Length)
                    {
                        return "it ends with a lone '\\'";
                    }

                    break;
                case '[':
                    if (ClassEnd(pattern, at + 1) is not { } end)
                    {
                        return $"the character class at position {at + 1} is not closed or has an empty or malformed range";
                    }

                    at = end;
                    break;
            }
        }

        return null;
    }

    /// <summary>The index of the <c>]</c> closing a class whose body starts at <paramref name="at"/>, or null when malformed.</summary>
    private static int? ClassEnd(string pattern, int at)
    {
        if (at < pattern.Length && pattern[at] == '^')
        {
            at++;
        }

        for (var ranges = 0; ; ranges++)
        {
            if (at < pattern.Length && pattern[at] == ']' && ranges > 0)
            {
                return at;
            }

            if (!Escaped(pattern, ref at))
            {
                return null;
            }

            if (pattern[at] == '-')
            {
                at++;
                if (!Escaped(pattern, ref at))
                {
                    return null;
                }
            }
        }
    }

    /// <summary>Go's <c>getEsc</c>: reads one (possibly escaped) class character; something must follow it.</summary>
    private static bool Escaped(string pattern, ref int at)
    {
        if (at >= pattern.Length || pattern[at] is '-' or ']')
        {
            return false;
        }

        if (pattern[at] == '\\' && ++at >= pattern.Length)
        {
            return false;
        }

        at += char.IsHighSurrogate(pattern[at]) && at + 1 < pattern.Length ? 2 : 1;
        return at < pattern.Length;
    }
}
