using System.Collections.Immutable;

namespace Testkit.Images;

/// <summary>
/// Maps official image names to other images: a local build, a mirror, a pinned digest.
/// Rules are read from, in order of precedence: the environment variable <c>TESTKIT_IMAGE_SUBSTITUTES</c>
/// (<c>name=replacement</c> pairs separated by <c>;</c> or new lines), the file <c>.testkit/images.conf</c>
/// in the current directory or the nearest parent that has one, and <c>~/.testkit/images.conf</c>
/// (or <c>$TESTKIT_HOME/images.conf</c>). A file has one <c>name = replacement</c> per line and <c>#</c> comments.
/// A name with a tag matches that tag only; a name without a tag matches every tag; a name ending in
/// <c>/</c> is a prefix (a registry or an organisation) replaced by the replacement's prefix.
/// </summary>
public sealed class ImageSubstitutions
{
    /// <summary>The environment variable whose rules win over every file.</summary>
    public const string EnvironmentVariable = "TESTKIT_IMAGE_SUBSTITUTES";

    private readonly ImmutableArray<(string From, string To, string Source)> rules;

    private ImageSubstitutions(ImmutableArray<(string From, string To, string Source)> rules) => this.rules = rules;

    /// <summary>No substitution at all.</summary>
    public static ImageSubstitutions None { get; } = new([]);

    /// <summary>The rules of this machine: environment, repository file, home file.</summary>
    public static ImageSubstitutions FromEnvironment()
    {
        var builder = ImmutableArray.CreateBuilder<(string, string, string)>();
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            builder.AddRange(ParseRules(fromEnvironment.Replace(';', '\n'), EnvironmentVariable));
        }

        if (FindRepositoryFile(Directory.GetCurrentDirectory()) is { } repositoryFile)
        {
            builder.AddRange(ParseRules(File.ReadAllText(repositoryFile), repositoryFile));
        }

        var homeFile = Path.Combine(TestkitHome.Path, "images.conf");
        if (File.Exists(homeFile))
        {
            builder.AddRange(ParseRules(File.ReadAllText(homeFile), homeFile));
        }

        return new ImageSubstitutions(builder.ToImmutable());
    }

    /// <summary>Rules from text in the file format; earlier lines win.</summary>
    public static ImageSubstitutions Parse(string text) => new([.. ParseRules(text, "text")]);

    /// <summary>The image to run instead of <paramref name="image"/>, or <paramref name="image"/> itself.</summary>
    public string Apply(string image) => TryApply(image, out var replacement, out _) ? replacement : image;

    /// <summary>Finds the replacement of <paramref name="image"/> and the rule's source (for logs).</summary>
    public bool TryApply(string image, out string replacement, out string source)
    {
        var reference = ImageReference.Parse(image);
        (string From, string To, string Source)? prefixMatch = null;
        foreach (var rule in rules)
        {
            if (rule.From.EndsWith('/'))
            {
                if (reference.Repository.StartsWith(rule.From, StringComparison.Ordinal)
                    && (prefixMatch is null || rule.From.Length > prefixMatch.Value.From.Length))
                {
                    prefixMatch = rule;
                }

                continue;
            }

            var from = ImageReference.Parse(rule.From);
            if (from.Repository == reference.Repository && (from.Tag is null || from.Tag == reference.EffectiveTag) && from.Digest is null)
            {
                (replacement, source) = (rule.To, rule.Source);
                return true;
            }
        }

        if (prefixMatch is { } prefix)
        {
            replacement = prefix.To + reference.ToString()[prefix.From.Length..];
            source = prefix.Source;
            return true;
        }

        (replacement, source) = (image, "");
        return false;
    }

    private static IEnumerable<(string, string, string)> ParseRules(string text, string source)
    {
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.Split('#', 2)[0].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var parts = line.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                throw new TestkitException(
                    $"Image substitution rule '{line}' in {source} (line {lineNumber}) is not 'official-name = replacement'. Fix or remove that line.");
            }

            yield return (parts[0], parts[1], source);
        }
    }

    private static string? FindRepositoryFile(string directory)
    {
        for (var current = new DirectoryInfo(directory); current is not null; current = current.Parent)
        {
            var candidate = Path.Combine(current.FullName, ".testkit", "images.conf");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
