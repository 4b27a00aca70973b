using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Testkit.Engine;
using Testkit.Networks;

namespace Testkit.Images;

/// <summary>Removes images Testkit made, and only those: a tag is removed only while it still names our image, and an
/// image by id only when no tag names it any more (removing a tagged image by id would delete someone's image).</summary>
internal static class ImageCleanup
{
    /// <summary>Removes <paramref name="tags"/> while they name <paramref name="imageId"/>, then the image if no tag is
    /// left, then the untagged intermediate images of its build. False when a container still uses the image.</summary>
    public static async Task<bool> RemoveAsync(DockerEngine engine, string imageId, IReadOnlyList<string> tags, IReadOnlyList<string> intermediateImages, ILogger logger)
    {
        var name = tags.Count > 0 ? tags[0] : imageId;
        try
        {
            foreach (var tag in tags)
            {
                if ((await InspectAsync(engine, tag).ConfigureAwait(false))?.ID == imageId)
                {
                    await DeleteAsync(engine, tag).ConfigureAwait(false);
                }
            }

            if (await InspectAsync(engine, imageId).ConfigureAwait(false) is { } image && !HasTags(image))
            {
                await DeleteAsync(engine, imageId).ConfigureAwait(false);
            }
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            logger.ImageInUse(name, EngineErrorText.Of(e));
            return false;
        }

        await RemoveUntaggedAsync(engine, intermediateImages, name, logger).ConfigureAwait(false);
        return true;
    }

    /// <summary>Removes those of <paramref name="imageIds"/> that no tag names and nothing builds on (the last image of
    /// an earlier stage, the last good step of a failed build), newest first; others are left alone.</summary>
    public static async Task RemoveUntaggedAsync(DockerEngine engine, IReadOnlyList<string> imageIds, string builtImage, ILogger logger)
    {
        foreach (var id in imageIds.Reverse().Distinct())
        {
            try
            {
                if (await InspectAsync(engine, id).ConfigureAwait(false) is { } image && !HasTags(image))
                {
                    await DeleteAsync(engine, id).ConfigureAwait(false);
                }
            }
            catch (DockerApiException e)
            {
                // A layer that another image builds on, or one a running build uses, stays: it is cache, not a leak.
                logger.IntermediateImageKept(id, builtImage, EngineErrorText.Of(e));
            }
        }
    }

    /// <summary>The image, or null when the engine has none of that name or id.</summary>
    public static async Task<ImageInspectResponse?> InspectAsync(DockerEngine engine, string nameOrId, CancellationToken cancellationToken = default)
    {
        try
        {
            return await engine.Client.Images.InspectImageAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static bool HasTags(ImageInspectResponse image) => Cleanup.KeepRule.IsTagged(image.RepoTags);

    private static async Task DeleteAsync(DockerEngine engine, string nameOrId)
    {
        try
        {
            await engine.Client.Images.DeleteImageAsync(nameOrId, new ImageDeleteParameters { Force = false, NoPrune = false }).ConfigureAwait(false);
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // Removed meanwhile (or pruned with its child): what we wanted.
        }
    }
}
