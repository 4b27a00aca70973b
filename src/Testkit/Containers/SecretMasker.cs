using System.Collections;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace Testkit.Containers;

/// <summary>The one rule by which Testkit hides secrets in the text it shows (exception messages, logs, <c>ToString()</c>):
/// values of secret-looking names, and values a user marked secret.</summary>
/// <remarks>A name is secret when it contains <c>PASSWORD</c>, <c>PASSWD</c>, <c>PASSPHRASE</c>, <c>SECRET</c>,
/// <c>TOKEN</c>, <c>CREDENTIAL</c>, <c>APIKEY</c> or <c>PRIVATEKEY</c> anywhere (any case), has a word <c>PASS</c>,
/// <c>PWD</c> or <c>PW</c>, or ends with the word <c>KEY</c> or <c>AUTH</c> (words split at <c>_</c>, <c>-</c>, <c>.</c> and
/// lower-to-upper case changes: <c>DB_PASS</c>, <c>MYSQL_PWD</c>, <c>REDIS_AUTH</c>, <c>SSH_KEY</c>, <c>apiKey</c>).
/// Short words are matched as words so that <c>PATH</c>, <c>KEYSPACE</c>, <c>MONKEY</c>, <c>AUTHOR</c> or <c>COMPASS</c>
/// are not secret, and <c>KEY</c> and <c>AUTH</c> only at the end so that settings about them (<c>KEY_SERIALIZER</c>,
/// <c>KEY_FILE</c>, <c>POSTGRES_HOST_AUTH_METHOD</c>) are not; <c>PWD</c> and <c>OLDPWD</c> alone are the shell's working
/// directories, not passwords. A secret the rule misses is marked by hand (<c>WithEnvironment(name, value, secret: true)</c>,
/// <c>WithSecret</c>, <c>WithBuildArg(name, value, secret: true)</c>). Values shorter than <see cref="MinimumLength"/> characters are never
/// masked: replacing them would garble every message, and they protect nothing.</remarks>
public static partial class SecretMasker
{
    /// <summary>What a secret value is replaced with.</summary>
    public const string Mask = "*****";

    /// <summary>Values shorter than this are not masked.</summary>
    public const int MinimumLength = 3;

    private static readonly string[] SecretWords = ["PASS", "PWD", "PW"];
    private static readonly string[] SecretLastWords = ["KEY", "AUTH"];
    private static readonly string[] ShellDirectories = ["PWD", "OLDPWD"];

    [GeneratedRegex("PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|CREDENTIAL|API_?KEY|PRIVATE_?KEY", RegexOptions.IgnoreCase)]
    private static partial Regex SecretSubstring();

    // Word boundaries: separators, and a lower-case letter or digit followed by an upper-case one (camelCase).
    [GeneratedRegex("[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")]
    private static partial Regex WordBoundary();

    /// <summary>True when a value named <paramref name="name"/> (an environment variable, a build arg, a property) is a secret.</summary>
    public static bool IsSecret(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (SecretSubstring().IsMatch(name))
        {
            return true;
        }

        if (ShellDirectories.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        var words = WordBoundary().Split(name).Where(w => w.Length > 0).ToArray();
        return words.Any(word => SecretWords.Contains(word, StringComparer.OrdinalIgnoreCase))
            || (words.Length > 0 && SecretLastWords.Contains(words[^1], StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>Replaces every occurrence of the <paramref name="secrets"/> in <paramref name="text"/> with <see cref="Mask"/>.</summary>
    public static string MaskText(string text, IEnumerable<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(secrets);

        // Longest first, so that a secret containing another is masked whole.
        foreach (var secret in secrets.Where(s => s is { Length: >= MinimumLength }).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length))
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>Prints a record's public properties as the compiler's <c>PrintMembers</c> does, with the values of
    /// secret-named properties masked and dictionaries shown by their keys only (their values may be secrets under any
    /// name). A record calls it from its own <c>private bool PrintMembers(StringBuilder builder)</c>.</summary>
    public static bool PrintMembers(object record, StringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(builder);
        var first = true;
        foreach (var property in record.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetMethod is null || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            builder.Append(first ? "" : ", ").Append(property.Name).Append(" = ");
            first = false;
            var value = property.GetValue(record);
            builder.Append(value switch
            {
                null => "",
                _ when IsSecret(property.Name) => Mask,
                IDictionary dictionary => "[" + string.Join(", ", dictionary.Keys.Cast<object>().Select(k => k.ToString()).Order(StringComparer.Ordinal)) + "]",
                _ => value.ToString(),
            });
        }

        return true;
    }

    /// <summary>The values to mask: those of secret-named entries, and those marked secret.</summary>
    internal static IReadOnlyList<string> SecretValues(IEnumerable<KeyValuePair<string, string>> named, IEnumerable<string> marked) =>
        [.. named.Where(e => IsSecret(e.Key)).Select(e => e.Value).Concat(marked).Where(v => v.Length >= MinimumLength).Distinct(StringComparer.Ordinal)];

    /// <summary>Masks <paramref name="secrets"/> in every line.</summary>
    internal static IReadOnlyList<string> MaskAll(IReadOnlyList<string> lines, IReadOnlyList<string> secrets) =>
        secrets.Count == 0 ? lines : [.. lines.Select(line => MaskText(line, secrets))];
}
