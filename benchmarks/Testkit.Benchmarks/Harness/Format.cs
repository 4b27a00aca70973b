using System.Globalization;

namespace Testkit.Benchmarks.Harness;

internal static class Format
{
    /// <summary>Milliseconds below a second (with a decimal below 10 ms), seconds above: what a reader compares at a glance.</summary>
    public static string Duration(TimeSpan value) => value.TotalMilliseconds switch
    {
        < 10 => string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0.0} ms"),
        < 1000 => string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0} ms"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.00} s"),
    };

    public static string Ratio(double ratio) => string.Create(CultureInfo.InvariantCulture, $"{ratio:0.00}×");
}
