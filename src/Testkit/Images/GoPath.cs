using System.Text;

namespace Testkit.Images;

/// <summary>Go's <c>path.Clean</c>, because Docker cleans <c>.dockerignore</c> patterns and paths with it and the
/// results must agree to the character.</summary>
internal static class GoPath
{
    /// <summary>The shortest equivalent of a <c>/</c>-separated path: no repeated slashes, no <c>.</c> elements, no
    /// <c>..</c> after a name, no <c>..</c> right after the root, no trailing slash; <c>.</c> for an empty result.</summary>
    public static string Clean(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0)
        {
            return ".";
        }

        var rooted = path[0] == '/';
        var kept = new List<string>();
        foreach (var element in path.Split('/'))
        {
            if (element.Length == 0 || element == ".")
            {
                continue;
            }

            if (element == "..")
            {
                if (kept.Count > 0 && kept[^1] != "..")
                {
                    kept.RemoveAt(kept.Count - 1);
                }
                else if (!rooted)
                {
                    kept.Add(element);
                }

                continue;
            }

            kept.Add(element);
        }

        var cleaned = new StringBuilder(rooted ? "/" : "").AppendJoin('/', kept).ToString();
        return cleaned.Length == 0 ? "." : cleaned;
    }
}
