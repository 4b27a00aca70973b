namespace Testkit.Images;

/// <summary>What <see cref="ImageStore.CommitAsync"/> writes into an image besides the container's files and settings.</summary>
public sealed record ImageCommitOptions
{
    /// <summary>The name to give the image (<c>repository:tag</c>), or null for an untagged image, named later with
    /// <see cref="ImageStore.TagAsync"/> (which lets the first of two racing commits keep the name).</summary>
    public string? Reference { get; init; }

    /// <summary>The commit message, kept as the image's comment (images built on it do not inherit it, unlike labels).</summary>
    public string? Comment { get; init; }

    /// <summary>Labels added to the session's (see <see cref="Cleanup.ResourceLabels.ForThisSession"/>); set
    /// <see cref="Cleanup.ResourceLabels.Keep"/> to keep the image after the session.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Environment variables set or replaced in the image (an empty value blanks one, e.g. a password the
    /// container was started with); the container's others stay.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>A command replacing the container's CMD, or null to keep it.</summary>
    public IReadOnlyList<string>? Command { get; init; }

    /// <summary>The reference and the names of the labels and variables: their values may be secrets.</summary>
    public override string ToString() =>
        $"commit {Reference ?? "(untagged)"}; labels {string.Join(", ", Labels.Keys)}; environment {string.Join(", ", Environment.Keys)}";
}
