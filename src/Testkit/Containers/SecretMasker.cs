using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace Testkit.Containers;

/// <summary>Hides the values of secret-looking environment variables in text Testkit shows (errors, logs),
/// because a container may echo its configuration into the log lines an error quotes.</summary>
internal static partial class SecretMasker
{
    public const string Mask = "*****";

    [GeneratedRegex("PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    public static bool IsSecret(string name) => SecretName().IsMatch(name);

    public static IReadOnlyList<string> MaskAll(IReadOnlyList<string> lines, ImmutableDictionary<string, string> environment)
    {
        var secrets = environment.Where(e => IsSecret(e.Key) && e.Value.Length >= 3).Select(e => e.Value).ToArray();
        return secrets.Length == 0
            ? lines
            : lines.Select(line => secrets.Aggregate(line, (text, secret) => text.Replace(secret, Mask, StringComparison.Ordinal))).ToArray();
    }
}
