namespace Testkit.Engine;

/// <summary>The short form of an engine id that the docker CLI prints and log lines use: its first 12 hex digits.</summary>
internal static class ShortIds
{
    /// <summary>The first 12 characters of <paramref name="id"/> after a <c>sha256:</c> prefix; "-" for none.</summary>
    public static string Of(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return "-";
        }

        var hex = id.StartsWith("sha256:", StringComparison.Ordinal) ? id["sha256:".Length..] : id;
        return hex[..Math.Min(12, hex.Length)];
    }
}
