using System.Globalization;

namespace Testkit.Formats;

/// <summary>Durations as Go, the Compose specification and Testkit's settings write them: <c>1m30s</c>, <c>10s</c>,
/// <c>500ms</c>, <c>1.5h</c>. One parser for every place Testkit reads one: healthcheck intervals in compose files,
/// <c>TESTKIT_REUSE_IDLE</c>, <c>TESTKIT_ENGINE_TIMEOUT</c> and the command line's <c>--idle</c>.</summary>
public static class Durations
{
    /// <summary>Parses a sequence of numbers with units (h, m, s, ms, us or µs, ns), such as <c>1m30s</c>; surrounding whitespace is ignored.</summary>
    /// <exception cref="FormatException">The text is empty, a number has no unit, or a unit is unknown; the message shows a valid example.</exception>
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
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
            while (i < s.Length && (char.IsAsciiLetter(s[i]) || s[i] == 'µ'))
            {
                i++;
            }

            if (start == unitStart || !double.TryParse(s[start..unitStart], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                throw new FormatException($"invalid duration \"{text}\": write a duration such as \"30s\" or \"1m30s\"");
            }

            var unit = s[unitStart..i];
            if (unit.Length == 0)
            {
                throw new FormatException($"invalid duration \"{text}\": a number needs a unit (h, m, s, ms, us, ns), such as \"30s\"");
            }

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

    /// <summary>Parses like <see cref="Parse"/>, returning false instead of throwing for text that is not a duration.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (text is null)
        {
            return false;
        }

        try
        {
            duration = Parse(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
