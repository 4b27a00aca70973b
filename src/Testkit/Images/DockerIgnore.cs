using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;

namespace Testkit.Images;

/// <summary>The patterns of a <c>.dockerignore</c> file, read and matched exactly as the docker CLI does (its
/// <c>ignorefile.ReadAll</c> and moby's <c>patternmatcher</c>): Go's <c>filepath.Match</c> globs plus <c>**</c>,
/// <c>!</c> exceptions where the last matching line wins, <c>#</c> comments in column 1, and paths cleaned and taken
/// relative to the context root. A path is excluded when a pattern matches it or one of its parent directories.</summary>
internal sealed class DockerIgnore
{
    private readonly ImmutableArray<Pattern> patterns;

    private DockerIgnore(ImmutableArray<Pattern> patterns)
    {
        this.patterns = patterns;
        HasExceptions = patterns.Any(p => p.IsException);
    }

    /// <summary>No pattern: everything is sent.</summary>
    public static DockerIgnore Empty { get; } = new([]);

    /// <summary>The patterns after cleaning, exceptions with their leading <c>!</c>, in file order.</summary>
    public IReadOnlyList<string> Patterns => [.. patterns.Select(p => p.ToString())];

    /// <summary>True when some pattern is an exception (<c>!…</c>), so an excluded directory may still hold sent files.</summary>
    public bool HasExceptions { get; }

    /// <summary>Reads the text of a <c>.dockerignore</c> file; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="TestkitException">A pattern is not a valid glob (e.g. an unclosed <c>[</c>) or is a bare <c>!</c>.</exception>
    public static DockerIgnore Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = ImmutableArray.CreateBuilder<Pattern>();
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (lineNumber++ == 0)
            {
                line = line.TrimStart('\uFEFF');
            }

            // Like the CLI: a comment starts in column 1; "  # x" is a pattern.
            if (line.StartsWith('#'))
            {
                continue;
            }

            var pattern = line.Trim();
            if (pattern.Length == 0)
            {
                continue;
            }

            var isException = pattern[0] == '!';
            if (isException)
            {
                pattern = pattern[1..].Trim();
            }

            if (pattern.Length > 0)
            {
                pattern = GoPath.Clean(pattern);
                if (pattern.Length > 1 && pattern[0] == '/')
                {
                    pattern = pattern[1..];
                }
            }

            result.Add(Pattern.Create((isException ? "!" : "") + pattern, source, lineNumber));
        }

        return new DockerIgnore(result.ToImmutable());
    }

    /// <summary>Adds exceptions (<c>!path</c>) at the end, as the CLI does for the Dockerfile and <c>.dockerignore</c>
    /// so that the engine always receives them.</summary>
    public DockerIgnore WithExceptions(params string[] paths) =>
        new([.. patterns, .. paths.Select(p => Pattern.Create("!" + p, "Testkit", 0))]);

    /// <summary>True when <paramref name="path"/> (relative to the context, <c>/</c>-separated) is excluded, because a
    /// pattern matches it or one of its parents and no later exception matches it or one of its parents.</summary>
    public bool IsExcluded(string path)
    {
        path = GoPath.Clean(path);
        if (path == ".")
        {
            // As in Docker: the context root itself is never excluded.
            return false;
        }

        var parents = ParentsOf(path);
        var matched = false;
        foreach (var pattern in patterns)
        {
            // An exclusion cannot change an already excluded path, nor an exception an included one.
            if (pattern.IsException != matched)
            {
                continue;
            }

            var match = pattern.Matches(path) || parents.Any(pattern.Matches);
            if (match)
            {
                matched = !pattern.IsException;
            }
        }

        return matched;
    }

    /// <summary>Like <see cref="IsExcluded"/>, reusing what matched the parent directory (as Docker's tar walk does);
    /// returns what matched <paramref name="path"/> for its own children.</summary>
    public (bool Excluded, bool[] Matched) IsExcludedInWalk(string path, bool[]? parentMatched)
    {
        var matchedPatterns = new bool[patterns.Length];
        var matched = false;
        for (var i = 0; i < patterns.Length; i++)
        {
            var pattern = patterns[i];
            var match = parentMatched is not null && parentMatched[i];
            if (!match)
            {
                if (pattern.IsException != matched)
                {
                    continue;
                }

                match = pattern.Matches(path) || (parentMatched is null && ParentsOf(path).Any(pattern.Matches));
            }

            matchedPatterns[i] = match;
            if (match)
            {
                matched = !pattern.IsException;
            }
        }

        return (matched, matchedPatterns);
    }

    /// <summary>Whether an excluded directory must still be walked because an exception names a path under it; as in
    /// Docker, only an exception whose literal text starts with the directory counts (<c>!dir/keep.txt</c> does,
    /// <c>!**/keep.txt</c> does not).</summary>
    public bool MayReinclude(string directory)
    {
        var prefix = directory + "/";
        return patterns.Any(p => p.IsException && (p.Text + "/").StartsWith(prefix, StringComparison.Ordinal));
    }

    private static List<string> ParentsOf(string path)
    {
        var parents = new List<string>();
        for (var slash = path.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            parents.Add(path[..slash]);
        }

        return parents;
    }

    /// <summary>One cleaned pattern, compiled as moby's patternmatcher compiles it.</summary>
    private sealed class Pattern
    {
        private readonly MatchKind kind;
        private readonly Regex? regex;

        private Pattern(string text, bool isException, MatchKind kind, Regex? regex)
        {
            Text = text;
            IsException = isException;
            this.kind = kind;
            this.regex = regex;
        }

        private enum MatchKind
        {
            Exact,
            Prefix,
            Suffix,
            Regex,
        }

        public string Text { get; }

        public bool IsException { get; }

        public static Pattern Create(string line, string source, int lineNumber)
        {
            var text = GoPath.Clean(line.Trim());
            var isException = text[0] == '!';
            if (isException)
            {
                if (text.Length == 1)
                {
                    throw Invalid(line, source, lineNumber, "'!' alone excludes nothing");
                }

                text = text[1..];
            }

            if (GoGlob.SyntaxError(text) is { } error)
            {
                throw Invalid(line, source, lineNumber, error);
            }

            var (kind, expression) = Compile(text);
            Regex? regex = null;
            if (kind == MatchKind.Regex)
            {
                try
                {
                    regex = new Regex(expression, RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromSeconds(1));
                }
                catch (ArgumentException e)
                {
                    throw Invalid(line, source, lineNumber, e.Message);
                }
            }

            return new Pattern(text, isException, kind, regex);
        }

        public bool Matches(string path) => kind switch
        {
            MatchKind.Exact => path == Text,
            MatchKind.Prefix => path.StartsWith(Text[..^2], StringComparison.Ordinal),
            MatchKind.Suffix => path.EndsWith(Text[2..], StringComparison.Ordinal)
                                || (Text.Length > 2 && Text[2] == '/' && path == Text[3..]),
            _ => regex!.IsMatch(path),
        };

        public override string ToString() => (IsException ? "!" : "") + Text;

        private static TestkitException Invalid(string line, string source, int lineNumber, string reason) => new(
            $"The pattern '{line}' in {source}" + (lineNumber > 0 ? $" (line {lineNumber})" : "") + $" is not valid: {reason}. "
            + "Fix it with Go's filepath.Match syntax (*, ?, [a-z], \\ to escape) plus ** for any number of directories.");

        /// <summary>The regular expression moby builds, with its shortcuts for exact, prefix (<c>dir/**</c>) and
        /// suffix (<c>**/name</c>) patterns, which change a few edge cases and so are kept.</summary>
        private static (MatchKind Kind, string Expression) Compile(string pattern)
        {
            var expression = new StringBuilder("^");
            var kind = MatchKind.Exact;
            for (int i = 0, at = 0; at < pattern.Length; i++)
            {
                var ch = pattern[at++];
                if (ch == '*')
                {
                    if (at < pattern.Length && pattern[at] == '*')
                    {
                        at++;
                        if (at < pattern.Length && pattern[at] == '/')
                        {
                            at++;
                        }

                        if (at == pattern.Length)
                        {
                            if (kind == MatchKind.Exact)
                            {
                                kind = MatchKind.Prefix;
                            }
                            else
                            {
                                expression.Append(".*");
                                kind = MatchKind.Regex;
                            }
                        }
                        else
                        {
                            expression.Append("(.*/)?");
                            kind = MatchKind.Regex;
                        }

                        if (i == 0)
                        {
                            kind = MatchKind.Suffix;
                        }
                    }
                    else
                    {
                        expression.Append("[^/]*");
                        kind = MatchKind.Regex;
                    }
                }
                else if (ch == '?')
                {
                    expression.Append("[^/]");
                    kind = MatchKind.Regex;
                }
                else if (".+()|{}$".Contains(ch, StringComparison.Ordinal))
                {
                    expression.Append('\\').Append(ch);
                }
                else if (ch == '\\')
                {
                    if (at < pattern.Length)
                    {
                        expression.Append('\\').Append(pattern[at++]);
                        kind = MatchKind.Regex;
                    }
                    else
                    {
                        expression.Append('\\');
                    }
                }
                else if (ch is '[' or ']')
                {
                    expression.Append(ch);
                    kind = MatchKind.Regex;
                }
                else
                {
                    expression.Append(ch);
                }
            }

            // Go's "$" matches only at the very end; .NET's also before a final newline.
            return (kind, expression.Append("\\z").ToString());
        }
    }
}
