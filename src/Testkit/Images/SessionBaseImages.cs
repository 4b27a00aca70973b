using System.Collections.Concurrent;
using System.Formats.Tar;
using System.Text;
using System.Text.RegularExpressions;
using Docker.DotNet.Models;
using Testkit.Cleanup;
using Testkit.Engine;

namespace Testkit.Images;

/// <summary>Base images with this session's labels on top (one LABEL step, no layer), which builds start <c>FROM</c>: every
/// image a build makes inherits them, the intermediate image of each step included, so that the watchdog and the sweep
/// find what a build killed midway left (untagged images that would otherwise name nobody).</summary>
/// <remarks>Why a labelled base rather than a <c>LABEL</c> line after each <c>FROM</c>: the Dockerfile keeps its line
/// numbers and steps, and the build hash stays the same across sessions. The price is the same for both: no layer cache
/// is shared with another session's build (a session's own builds share it); a session's built images are removed with
/// it anyway, and their untagged parents with them. The labelled base is untagged too, so it goes with the last image
/// built on it, and is made again when needed.</remarks>
internal static partial class SessionBaseImages
{
    private static readonly ConcurrentDictionary<string, string> ByBaseId = new(StringComparer.Ordinal);

    /// <summary>The Dockerfile with each base image that is on the engine replaced by its labelled one (line numbers stay;
    /// <c>scratch</c>, earlier stages and a <c>FROM</c> spread over several lines stay as written).</summary>
    public static async Task<string> RewriteAsync(DockerEngine engine, string dockerfile, IReadOnlyDictionary<string, string> buildArgs, CancellationToken cancellationToken)
    {
        var parsed = DockerfileBases.Parse(dockerfile, buildArgs);
        var replacements = new Dictionary<DockerfileBases.Base, string>();
        foreach (var source in parsed.Bases)
        {
            if (await ImageCleanup.InspectAsync(engine, source.Image, cancellationToken).ConfigureAwait(false) is { } image)
            {
                replacements[source] = await ForAsync(engine, image.ID, cancellationToken).ConfigureAwait(false);
            }
        }

        return replacements.Count == 0 ? dockerfile : parsed.Rewrite(replacements);
    }

    /// <summary>The id of <paramref name="baseImageId"/> with this session's labels, made when the engine has none.</summary>
    public static async Task<string> ForAsync(DockerEngine engine, string baseImageId, CancellationToken cancellationToken)
    {
        if (ByBaseId.TryGetValue(baseImageId, out var known) && await ImageCleanup.InspectAsync(engine, known, cancellationToken).ConfigureAwait(false) is not null)
        {
            return known;
        }

        using var context = new MemoryStream();
        await using (var tar = new TarWriter(context, TarEntryFormat.Pax, leaveOpen: true))
        {
            var dockerfile = Encoding.UTF8.GetBytes($"FROM {baseImageId}\n");
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "Dockerfile") { DataStream = new MemoryStream(dockerfile) }, cancellationToken).ConfigureAwait(false);
        }

        context.Position = 0;
        string? built = null;
        string? error = null;
        await engine.Client.Images.BuildImageFromDockerfileAsync(
            new ImageBuildParameters { Dockerfile = "Dockerfile", Labels = new Dictionary<string, string>(ResourceLabels.ForThisSession), Remove = true, ForceRemove = true, Version = "1" },
            context, [], new Dictionary<string, string>(), new SyncProgress<JSONMessage>(message =>
            {
                error ??= message.Error?.Message;
                if (message.Stream is { } text && BuiltRegex().Match(text) is { Success: true } match)
                {
                    built = match.Groups[1].Value;
                }
            }), cancellationToken).ConfigureAwait(false);
        var image = built is null ? null : await ImageCleanup.InspectAsync(engine, built, cancellationToken).ConfigureAwait(false);
        if (image is null)
        {
            throw new TestkitException(
                $"The engine did not label the base image {baseImageId[..Math.Min(19, baseImageId.Length)]} for this session ({error ?? "no image was reported"}). "
                + "Check that the engine still has the base image (docker image ls) and build again.");
        }

        ByBaseId[baseImageId] = image.ID;
        return image.ID;
    }

    [GeneratedRegex(@"Successfully built ([0-9a-f]{12,64})")]
    private static partial Regex BuiltRegex();
}
