namespace Testkit.Images;

/// <summary>The images this process built or committed and still uses, by image id, with how many live
/// <see cref="BuiltImage"/> handles share each: a repeat build that reuses an image must not lose it when the first
/// handle is disposed, so the image goes with the last one.</summary>
internal static class SessionImages
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, Owned> ById = new(StringComparer.Ordinal);

    /// <summary>Records one more handle of <paramref name="imageId"/>, and the intermediate images its build left.</summary>
    public static void Acquire(string imageId, IEnumerable<string> intermediateImages)
    {
        lock (Gate)
        {
            if (!ById.TryGetValue(imageId, out var owned))
            {
                ById[imageId] = owned = new Owned();
            }

            owned.Handles++;
            owned.IntermediateImages.AddRange(intermediateImages.Where(i => !owned.IntermediateImages.Contains(i)));
        }
    }

    /// <summary>Drops one handle; when it was the last, returns the intermediate images to remove with the image,
    /// else null (another handle still uses it).</summary>
    public static IReadOnlyList<string>? Release(string imageId)
    {
        lock (Gate)
        {
            if (!ById.TryGetValue(imageId, out var owned) || --owned.Handles > 0)
            {
                return owned is null ? [] : null;
            }

            ById.Remove(imageId);
            return owned.IntermediateImages;
        }
    }

    private sealed class Owned
    {
        public int Handles { get; set; }

        public List<string> IntermediateImages { get; } = [];
    }
}
