namespace Testkit.Images;

/// <summary>An image name as <c>[registry/]repository[:tag][@digest]</c>, with Docker Hub's defaults made explicit.</summary>
public sealed record ImageReference
{
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

    /// <summary>Parses an image name the way the docker CLI does.</summary>
    /// <exception cref="ArgumentException">The name is empty or has whitespace or upper-case letters in its repository.</exception>
    public static ImageReference Parse(string image)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(image);
        if (image.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"Image name '{image}' contains whitespace.", nameof(image));
        }

        string? digest = null;
        var at = image.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = image[(at + 1)..];
            image = image[..at];
        }

        string? tag = null;
        var colon = image.LastIndexOf(':');
        if (colon > image.LastIndexOf('/'))
        {
            tag = image[(colon + 1)..];
            image = image[..colon];
        }

        foreach (var hubPrefix in new[] { "docker.io/", "index.docker.io/", "registry-1.docker.io/" })
        {
            if (image.StartsWith(hubPrefix, StringComparison.Ordinal))
            {
                image = image[hubPrefix.Length..];
            }
        }

        if (image.StartsWith("library/", StringComparison.Ordinal))
        {
            image = image["library/".Length..];
        }

        if (image.Length == 0 || image.Any(char.IsUpper))
        {
            throw new ArgumentException($"Image name '{image}' is not valid: a repository is lower-case and not empty.", nameof(image));
        }

        return new ImageReference(image, tag, digest);
    }

    /// <summary>The tag the engine will use: the given one, else <c>latest</c> (none with a digest).</summary>
    public string? EffectiveTag => Tag ?? (Digest is null ? "latest" : null);

    /// <inheritdoc />
    public override string ToString() =>
        Repository + (EffectiveTag is { } t ? ":" + t : "") + (Digest is { } d ? "@" + d : "");
}
