using Docker.DotNet.Models;
using Testkit.Engine;

namespace Testkit.Images;

/// <summary>What the engine knows of an image (<see cref="ImageStore.InspectAsync"/>): its identity, names, labels and the
/// configuration a container created from it starts with.</summary>
public sealed record ImageInfo
{
    /// <summary>The image's id, <c>sha256:…</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The names that point at the image (<c>repository:tag</c>); empty for a dangling image.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The image's labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The commit message (<c>docker commit -m</c>), or null. Unlike labels, images built on this one do not inherit it.</summary>
    public string? Comment { get; init; }

    /// <summary>When the image was made, or null when the engine does not say.</summary>
    public DateTimeOffset? Created { get; init; }

    /// <summary>When a tag last pointed at the image (tagging it again moves this), or null when it was never tagged here.</summary>
    public DateTimeOffset? LastTagged { get; init; }

    /// <summary>The environment a container starts with, by name.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The paths the image declares as volumes (<c>VOLUME</c>), which a commit leaves out.</summary>
    public IReadOnlyList<string> Volumes { get; init; } = [];

    /// <summary>The ports the image exposes, as <c>5432/tcp</c>.</summary>
    public IReadOnlyList<string> ExposedPorts { get; init; } = [];

    /// <summary>The image's <c>ENTRYPOINT</c>, or null when it has none.</summary>
    public IReadOnlyList<string>? Entrypoint { get; init; }

    /// <summary>The image's <c>CMD</c>, or null when it has none.</summary>
    public IReadOnlyList<string>? Command { get; init; }

    /// <summary>The user the image runs as (<c>USER</c>), or null for root.</summary>
    public string? User { get; init; }

    /// <summary>The id and names only: the environment may hold what an image's author baked in.</summary>
    public override string ToString() => Tags.Count > 0 ? $"{Tags[0]} ({ShortIds.Of(Id)})" : ShortIds.Of(Id);

    internal static ImageInfo From(ImageInspectResponse image) => new()
    {
        Id = image.ID,
        Tags = [.. (image.RepoTags ?? []).Where(t => t != "<none>:<none>")],
        Labels = image.Config?.Labels is { } labels ? new Dictionary<string, string>(labels) : new Dictionary<string, string>(),
        Comment = string.IsNullOrEmpty(image.Comment) ? null : image.Comment,
        Created = Utc(image.Created),
        LastTagged = Utc(image.Metadata?.LastTagTime),
        Environment = (image.Config?.Env ?? []).Select(e => e.Split('=', 2)).Where(e => e.Length == 2)
            .GroupBy(e => e[0], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.Ordinal),
        Volumes = [.. (image.Config?.Volumes?.Keys ?? []).Order(StringComparer.Ordinal)],
        ExposedPorts = [.. (image.Config?.ExposedPorts?.Keys ?? []).Order(StringComparer.Ordinal)],
        Entrypoint = image.Config?.Entrypoint is { Count: > 0 } entrypoint ? [.. entrypoint] : null,
        Command = image.Config?.Cmd is { Count: > 0 } command ? [.. command] : null,
        User = string.IsNullOrEmpty(image.Config?.User) ? null : image.Config.User,
    };

    // The engine reports times in UTC; a zero time (an image never tagged) means "unknown".
    private static DateTimeOffset? Utc(DateTime? time) => time is { } t && t > DateTime.MinValue.AddDays(1)
        ? new DateTimeOffset(t.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : t.ToUniversalTime())
        : null;
}
