using System.Text.RegularExpressions;

namespace Testkit.Images;

/// <summary>The base images a Dockerfile's <c>FROM</c> lines name, so that Testkit can substitute, pull and hash them
/// before the engine sees the file. Only what <c>FROM</c> needs is parsed: the <c>escape</c> directive, line
/// continuations, the global <c>ARG</c>s before the first <c>FROM</c> (with build args overriding their defaults) and
/// stage names.</summary>
internal sealed partial class DockerfileBases
{
    private readonly string[] lines;
    private readonly string newline;

    private DockerfileBases(string[] lines, string newline, IReadOnlyList<Base> bases)
    {
        this.lines = lines;
        this.newline = newline;
        Bases = bases;
    }

    /// <summary>Each <c>FROM</c> that names an image (not <c>scratch</c>, not an earlier stage), in file order.</summary>
    public IReadOnlyList<Base> Bases { get; }

    /// <summary>Finds the base images of <paramref name="dockerfile"/>, expanding global ARGs with <paramref name="buildArgs"/>.</summary>
    public static DockerfileBases Parse(string dockerfile, IReadOnlyDictionary<string, string> buildArgs)
    {
        ArgumentNullException.ThrowIfNull(dockerfile);
        ArgumentNullException.ThrowIfNull(buildArgs);
        var newline = dockerfile.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var lines = dockerfile.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        var escape = '\\';
        var bases = new List<Base>();
        var stages = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "scratch" };
        var globalArgs = new Dictionary<string, string?>(StringComparer.Ordinal);
        var seenFrom = false;
        var directives = true;
        for (var index = 0; index < lines.Length; index++)
        {
            var line = lines[index];
            if (directives && DirectiveRegex().Match(line) is { Success: true } directive)
            {
                if (directive.Groups[1].Value.Equals("escape", StringComparison.OrdinalIgnoreCase) && directive.Groups[2].Value is ['`'])
                {
                    escape = '`';
                }

                continue;
            }

            directives = false;
            var trimmed = line.TrimStart();
            if (trimmed.Length == 0 || trimmed[0] == '#')
            {
                continue;
            }

            // Join continuation lines into one instruction; comment lines inside it are dropped, as the engine does.
            var first = index;
            var instruction = trimmed;
            while (instruction.TrimEnd().EndsWith(escape) && index + 1 < lines.Length)
            {
                var text = instruction.TrimEnd();
                instruction = text[..^1];
                var next = lines[++index];
                if (!next.TrimStart().StartsWith('#'))
                {
                    instruction += next;
                }
            }

            var words = instruction.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var keyword = words[0].ToUpperInvariant();
            if (keyword == "ARG" && !seenFrom)
            {
                foreach (var declaration in words.Skip(1))
                {
                    var parts = declaration.Split('=', 2);
                    var fallback = parts.Length == 2 ? Expand(Unquote(parts[1]), globalArgs) : null;
                    globalArgs[parts[0]] = buildArgs.TryGetValue(parts[0], out var given) ? given : fallback;
                }
            }
            else if (keyword == "FROM")
            {
                seenFrom = true;
                var operands = words.Skip(1).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToList();
                if (operands.Count == 0)
                {
                    continue;
                }

                var raw = operands[0];
                var expanded = raw.Contains('$', StringComparison.Ordinal) ? Expand(raw, globalArgs) : raw;
                if (expanded is not null && !stages.Contains(expanded) && expanded.Length > 0)
                {
                    bases.Add(new Base(raw, expanded, first == index ? first : -1));
                }

                if (operands.Count >= 3 && operands[1].Equals("AS", StringComparison.OrdinalIgnoreCase))
                {
                    stages.Add(operands[2]);
                }
            }
        }

        return new DockerfileBases(lines, newline, bases);
    }

    /// <summary>The Dockerfile with the image of each base in <paramref name="replacements"/> replaced; everything else,
    /// line numbers included, stays as it was.</summary>
    public string Rewrite(IReadOnlyDictionary<Base, string> replacements)
    {
        ArgumentNullException.ThrowIfNull(replacements);
        var result = (string[])lines.Clone();
        foreach (var (source, image) in replacements)
        {
            if (source.Line < 0)
            {
                continue;
            }

            result[source.Line] = FromRegex().Replace(result[source.Line], m => m.Groups[1].Value + image + m.Groups[3].Value, 1);
        }

        return string.Join(newline, result);
    }

    /// <summary>Expands <c>$NAME</c>, <c>${NAME}</c>, <c>${NAME:-word}</c> and <c>${NAME:+word}</c>; null when a variable
    /// is not a global ARG with a value, or the text uses another form (the engine then expands it itself).</summary>
    private static string? Expand(string text, Dictionary<string, string?> args)
    {
        var unresolved = false;
        var expanded = VariableRegex().Replace(text, match =>
        {
            var name = match.Groups["braced"].Success ? match.Groups["braced"].Value : match.Groups["plain"].Value;
            var value = args.TryGetValue(name, out var v) ? v : null;
            if (match.Groups["op"].Success)
            {
                var word = match.Groups["word"].Value;
                return match.Groups["op"].Value == ":-" ? (string.IsNullOrEmpty(value) ? word : value) : (string.IsNullOrEmpty(value) ? "" : word);
            }

            unresolved |= value is null;
            return value ?? "";
        });
        return unresolved || expanded.Contains('$', StringComparison.Ordinal) ? null : expanded;
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0] ? value[1..^1] : value;

    [GeneratedRegex(@"^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$")]
    private static partial Regex DirectiveRegex();

    [GeneratedRegex(@"^(\s*FROM\s+(?:--\S+\s+)*)(\S+)(.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex FromRegex();

    [GeneratedRegex(@"\$(?:\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?<op>:[-+])(?<word>[^}$]*))?\}|(?<plain>[A-Za-z_][A-Za-z0-9_]*))")]
    private static partial Regex VariableRegex();

    /// <summary>One <c>FROM</c>: the image as written, as expanded, and its line (-1 when it spans several lines and
    /// is therefore sent unchanged).</summary>
    internal sealed record Base(string Written, string Image, int Line);
}
