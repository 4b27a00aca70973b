using System.Globalization;

namespace Testkit.Compose;

/// <summary>Byte sizes as the specification writes them, e.g. for <c>mem_limit</c>.</summary>
internal static class ByteSizes
{
    /// <summary>Parses a byte size as the specification writes them: "512m", "1g", "1.5gb", "2048k", "100b" or a plain number of bytes.</summary>
    public static long Parse(string text)
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
}
