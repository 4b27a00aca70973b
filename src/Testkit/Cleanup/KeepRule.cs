namespace Testkit.Cleanup;

/// <summary>Which resources a session's cleanup leaves: one rule for the sweep of dead sessions and the watchdog, which
/// compiles this file in (it references no package, the SDK included).</summary>
internal static class KeepRule
{
    /// <summary>The label, the SDK's <c>ResourceLabels.Keep</c>.</summary>
    public const string Label = "org.testkit.keep";

    /// <summary>Kept always.</summary>
    public const string Always = "true";

    /// <summary>An image kept once it has a tag, and until then its session's: a commit that is named only after it is
    /// made (a snapshot) is lost work when its process dies in between, and nobody else would ever remove it.</summary>
    public const string OnceTagged = "tagged";

    /// <summary>Whether the cleanup of the resource's session leaves it.</summary>
    /// <param name="keep">The value of <see cref="Label"/>, or null.</param>
    /// <param name="tagged">True for an image with at least one tag.</param>
    public static bool IsKept(string? keep, bool tagged) =>
        string.Equals(keep, Always, StringComparison.OrdinalIgnoreCase) || (tagged && string.Equals(keep, OnceTagged, StringComparison.Ordinal));

    /// <summary>Whether an image's tags (as the engine lists them) name it at all: an untagged image lists none or <c>&lt;none&gt;:&lt;none&gt;</c>.</summary>
    public static bool IsTagged(IEnumerable<string>? repoTags) => repoTags?.Any(t => t != "<none>:<none>") == true;
}
