using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Testkit.Engine;
using Testkit.Networks;

namespace Testkit.Images;

/// <summary>Turns the image a user asked for into one the engine has: substitution, then a pull when missing.</summary>
internal static class ImageResolver
{
    private static readonly Lazy<ImageSubstitutions> MachineSubstitutions = new(ImageSubstitutions.FromEnvironment);

    /// <summary>The machine's substitution rules, read once per process.</summary>
    public static ImageSubstitutions Substitutions => MachineSubstitutions.Value;

    public static async Task<string> ResolveAsync(DockerEngine engine, string requested, PullPolicy policy, ILogger logger, CancellationToken cancellationToken) =>
        (await ResolveAndInspectAsync(engine, requested, policy, logger, cancellationToken).ConfigureAwait(false)).Name;

    /// <summary>As <see cref="ResolveAsync"/>, as the public <see cref="ResolvedImage"/>.</summary>
    public static async Task<ResolvedImage> ResolveImageAsync(
        DockerEngine engine, string requested, PullPolicy policy, ILogger logger, CancellationToken cancellationToken, Action<string>? pulling = null)
    {
        var (name, image) = await ResolveAndInspectAsync(engine, requested, policy, logger, cancellationToken, pulling).ConfigureAwait(false);
        return new ResolvedImage(requested, name, ImageInfo.From(image));
    }

    /// <summary>As <see cref="ResolveAsync"/>, with what the engine knows of the image: one inspect when it is present.
    /// <paramref name="pulling"/> hears the image's name when a pull begins (a start names the step its timeout ended).</summary>
    public static async Task<(string Name, ImageInspectResponse Image)> ResolveAndInspectAsync(
        DockerEngine engine, string requested, PullPolicy policy, ILogger logger, CancellationToken cancellationToken, Action<string>? pulling = null)
    {
        string? substitutedFor = null;
        var image = requested;
        if (MachineSubstitutions.Value.TryApply(requested, out var replacement, out var source))
        {
            logger.ImageSubstituted(replacement, requested, source);
            (image, substitutedFor) = (replacement, requested);
        }

        if (policy != PullPolicy.Always && await ImageCleanup.InspectAsync(engine, image, cancellationToken).ConfigureAwait(false) is { } present)
        {
            return (image, present);
        }

        if (policy == PullPolicy.Never)
        {
            throw new ImageNotFoundException(image, substitutedFor, "the pull policy is Never", null);
        }

        var reference = ImageReference.Parse(image);
        logger.Pulling(image);
        pulling?.Invoke(image);
        string? pullError = null;
        try
        {
            await engine.Client.Images.CreateImageAsync(
                new ImagesCreateParameters { FromImage = reference.Repository, Tag = reference.Digest ?? reference.EffectiveTag },
                await AuthConfigs.ForImageAsync(image, logger, cancellationToken).ConfigureAwait(false),
                new SyncProgress<JSONMessage>(m =>
                {
                    if (m.Error is not null)
                    {
                        pullError ??= m.Error.Message;
                    }
                    else if (m.Status is { Length: > 0 } status && m.Progress is null)
                    {
                        logger.PullProgress(image, m.ID ?? "", status);
                    }
                }),
                cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e)
        {
            // The engine's whole reason: it quotes URLs (Get "https://…/v2/": dial tcp: lookup …: no such host) in escaped JSON.
            pullError ??= EngineErrorText.Of(e);
        }

        if (await ImageCleanup.InspectAsync(engine, image, cancellationToken).ConfigureAwait(false) is { } inspected)
        {
            // Always means "the newest if we can": offline, the copy the engine has still serves.
            if (pullError is not null)
            {
                logger.PullFailedUsingLocal(image, pullError);
            }

            return (image, inspected);
        }

        throw new ImageNotFoundException(image, substitutedFor, pullError ?? "the engine gave no reason", null);
    }
}
