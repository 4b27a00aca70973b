using Testkit.Engine;

namespace Testkit.Images;

/// <summary>An image a start will create its container from: the name asked for, the reference it became after the
/// machine's substitution rules, and what the engine knows of it (pulled first when it was missing).</summary>
/// <param name="Requested">The image as described, e.g. <c>postgres:15</c>.</param>
/// <param name="Reference">The image the engine runs: <paramref name="Requested"/>, or its substitute.</param>
/// <param name="Info">What the engine knows of <paramref name="Reference"/>.</param>
public sealed record ResolvedImage(string Requested, string Reference, ImageInfo Info)
{
    /// <summary>The image's id, <c>sha256:…</c>.</summary>
    public string Id => Info.Id;

    /// <summary>True when a substitution rule replaced <see cref="Requested"/>.</summary>
    public bool Substituted => !string.Equals(Requested, Reference, StringComparison.Ordinal);

    /// <inheritdoc />
    public override string ToString() => Substituted ? $"{Reference} (for {Requested}, {ShortIds.Of(Id)})" : $"{Reference} ({ShortIds.Of(Id)})";
}
