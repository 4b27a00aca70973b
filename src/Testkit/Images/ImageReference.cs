using System.Text.RegularExpressions;

namespace Testkit.Images;

/// <summary>An image name as <c>[registry/]repository[:tag][@digest]</c>, with Docker Hub's defaults made explicit.</summary>
public sealed partial record ImageReference
{
    // Docker's own limit on the name (registry and repository, without tag or digest).
    private const int NameMaxLength = 255;

    private static readonly string[] HubPrefixes = ["docker.io/", "index.docker.io/", "registry-1.docker.io/"];

    private ImageReference(string repository, string? tag, string? digest)
    {
        Repository = repository;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>The repository with its registry, if any, but without Docker Hub's implied
    /// <c>docker.io/library/</c> prefix: <c>postgres</c>, <c>confluentinc/cp-kafka</c>, <c>ghcr.io/org/app</c>.</summary>
    public string Repository { get; }

    /// <summary>The tag, or null when none was given (the engine then uses <c>latest</c>).</summary>
    public string? Tag { get; }

    /// <summary>The content digest (<c>sha256:…</c>), or null.</summary>
    public string? Digest { get; }

    /// <summary>Parses an image name by Docker's reference grammar (distribution/reference), so that a name the engine
    /// would refuse with "invalid reference format" is refused here, before anything is created, saying what is wrong.</summary>
    /// <exception cref="ArgumentException">The name is not a valid reference; the message names the part that is wrong.</exception>
    public static ImageReference Parse(string image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Length == 0 || image.Any(char.IsWhiteSpace))
        {
            throw Invalid(image, "it is empty or contains whitespace", "write a name such as \"redis:7\"");
        }

        var name = image;
        string? digest = null;
        var at = name.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = CheckDigest(image, name[(at + 1)..]);
            name = name[..at];
        }

        // A tag follows the first ':' after the last '/'; a ':' before a '/' belongs to a registry's port.
        string? tag = null;
        var colon = name.IndexOf(':', name.LastIndexOf('/') + 1);
        if (colon >= 0)
        {
            tag = CheckTag(image, name[(colon + 1)..]);
            name = name[..colon];
        }

        CheckName(image, name);
        foreach (var hubPrefix in HubPrefixes.Where(p => name.StartsWith(p, StringComparison.Ordinal)))
        {
            name = name[hubPrefix.Length..];
        }

        if (name.StartsWith("library/", StringComparison.Ordinal))
        {
            name = name["library/".Length..];
        }

        return new ImageReference(name, tag, digest);
    }

    /// <summary>The tag the engine will use: the given one, else <c>latest</c> (none with a digest).</summary>
    public string? EffectiveTag => Tag ?? (Digest is null ? "latest" : null);

    /// <inheritdoc />
    public override string ToString() =>
        Repository + (EffectiveTag is { } t ? ":" + t : "") + (Digest is { } d ? "@" + d : "");

    private static void CheckName(string image, string name)
    {
        if (name.Length > NameMaxLength)
        {
            throw Invalid(image, $"its name is {name.Length} characters long", $"Docker allows at most {NameMaxLength}");
        }

        var components = name.Split('/');
        if (components.Any(c => c.Length == 0))
        {
            throw Invalid(image, "it has an empty part between '/' characters", "remove the leading, trailing or doubled '/'");
        }

        // As Docker: the first part names a registry when it has a '.' or a ':', is "localhost", or has upper case.
        var first = components[0];
        var registry = components.Length > 1 && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal)
                                                 || first == "localhost" || first.Any(char.IsUpper));
        if (registry)
        {
            CheckRegistry(image, first);
        }

        foreach (var component in components.Skip(registry ? 1 : 0))
        {
            if (!PathComponentRegex().IsMatch(component))
            {
                var fix = component.Any(char.IsUpper)
                    ? $"repository names are lower case: write '{component.ToLowerInvariant()}'"
                    : "use lower-case letters and digits, separated by '.', '_', '__' or '-' (not at the start or end), e.g. \"my-org/my_app\"";
                throw Invalid(image, $"'{component}' is not a valid repository name", fix);
            }
        }
    }

    private static void CheckRegistry(string image, string registry)
    {
        var colon = registry.StartsWith('[') ? registry.IndexOf("]:", StringComparison.Ordinal) + 1 : registry.LastIndexOf(':');
        var host = colon > 0 ? registry[..colon] : registry;
        var port = colon > 0 ? registry[(colon + 1)..] : null;
        if (!HostRegex().IsMatch(host))
        {
            throw Invalid(image, $"'{host}' would be a registry's host name, but is not one", "a host name is letters, digits, '-' and '.', e.g. \"localhost:5000/app\"");
        }

        if (port is not null && (port.Length == 0 || !port.All(char.IsAsciiDigit)))
        {
            throw Invalid(image, $"'{registry}' would be a registry with port '{port}', which is not a number",
                "a tag goes after the last '/' (repository:tag) and cannot contain '/'; a registry's port is digits, e.g. \"localhost:5000/app:1\"");
        }
    }

    private static string CheckTag(string image, string tag)
    {
        if (tag.Length == 0)
        {
            throw Invalid(image, "nothing follows ':'", "give a tag (\"redis:7\") or drop the ':' for latest");
        }

        return TagRegex().IsMatch(tag)
            ? tag
            : throw Invalid(image, $"'{tag}' is not a valid tag",
                "a tag is up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-', e.g. \"7.2-alpine\"");
    }

    private static string CheckDigest(string image, string digest)
    {
        var match = DigestRegex().Match(digest);
        var expected = match.Success ? match.Groups[1].Value switch { "sha256" => 64, "sha384" => 96, "sha512" => 128, _ => -1 } : 0;
        if (!match.Success || expected < 0 || match.Groups[2].Length != expected || match.Groups[2].Value.Any(char.IsUpper))
        {
            throw Invalid(image, $"'{digest}' is not a digest",
                "a digest is sha256: and 64 lower-case hex digits (as `docker images --digests` shows), after '@'");
        }

        return digest;
    }

    private static ArgumentException Invalid(string image, string what, string fix) =>
        new($"Image reference '{image}' is not valid: {what}; {fix}.", nameof(image));

    // distribution/reference's path component: lower-case alphanumerics joined by '.', '_', '__' or dashes.
    [GeneratedRegex("^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")]
    private static partial Regex PathComponentRegex();

    // distribution/reference's host: domain components joined by '.', or a bracketed IPv6 address.
    [GeneratedRegex(@"^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])$")]
    private static partial Regex HostRegex();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex TagRegex();

    [GeneratedRegex("^([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*):([0-9a-fA-F]{32,})$")]
    private static partial Regex DigestRegex();
}
