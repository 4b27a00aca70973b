using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Testkit.Engine;

namespace Testkit.Images;

/// <summary>Turns the image a user asked for into one the engine has: substitution, then a pull when missing.</summary>
internal static class ImageResolver
{
    private static readonly Lazy<ImageSubstitutions> MachineSubstitutions = new(ImageSubstitutions.FromEnvironment);

    public static async Task<string> ResolveAsync(DockerEngine engine, string requested, ILogger logger, CancellationToken cancellationToken)
    {
        var substitutions = MachineSubstitutions.Value;
        string? substitutedFor = null;
        var image = requested;
        if (substitutions.TryApply(requested, out var replacement, out var source))
        {
            logger.ImageSubstituted(replacement, requested, source);
            (image, substitutedFor) = (replacement, requested);
        }

        try
        {
            await engine.Client.Images.InspectImageAsync(image, cancellationToken).ConfigureAwait(false);
            return image;
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Not here yet: pull it below.
        }

        var reference = ImageReference.Parse(image);
        logger.Pulling(image);
        string? pullError = null;
        try
        {
            await engine.Client.Images.CreateImageAsync(
                new ImagesCreateParameters { FromImage = reference.Repository, Tag = reference.Digest ?? reference.EffectiveTag },
                null,
                new Progress<JSONMessage>(m =>
                {
                    if (m.Error is not null)
                    {
                        pullError ??= m.Error.Message;
                    }
                }),
                cancellationToken).ConfigureAwait(false);
            await engine.Client.Images.InspectImageAsync(image, cancellationToken).ConfigureAwait(false);
            return image;
        }
        catch (DockerApiException e)
        {
            throw new ImageNotFoundException(image, substitutedFor, pullError ?? FirstLine(e.ResponseBody) ?? e.Message, e);
        }
    }

    private static string? FirstLine(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        var text = body.Trim();
        const string marker = "\"message\":\"";
        var start = text.IndexOf(marker, StringComparison.Ordinal);
        if (start >= 0)
        {
            var end = text.IndexOf('"', start + marker.Length);
            text = end > start ? text[(start + marker.Length)..end] : text;
        }

        return text.Split('\n')[0];
    }
}
