using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Testkit.Cleanup;
using Testkit.Engine;

namespace Testkit.Images;

/// <summary>The engine's images, for a module that keeps images of its own (e.g. Postgres snapshots): inspect, resolve,
/// list by label, commit, tag and remove. Engine errors arrive as <see cref="TestkitException"/> with the engine's reason.</summary>
/// <example><code>
/// var engine = await DockerEngine.GetSharedAsync();
/// var mine = await engine.Images.ListAsync(new Dictionary&lt;string, string&gt; { ["com.example.kind"] = "seed" });
/// </code></example>
public sealed class ImageStore
{
    private readonly DockerEngine engine;

    internal ImageStore(DockerEngine engine) => this.engine = engine;

    /// <summary>The image of that name or id, or null when the engine has none.</summary>
    public async Task<ImageInfo?> InspectAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrId);
        return await ImageCleanup.InspectAsync(engine, nameOrId, cancellationToken).ConfigureAwait(false) is { } image ? ImageInfo.From(image) : null;
    }

    /// <summary>The image a container described with <paramref name="image"/> would start from: the machine's substitution
    /// rules applied (see <see cref="ImageSubstitutions"/>), then pulled as <paramref name="pullPolicy"/> says.</summary>
    /// <exception cref="ImageNotFoundException">The engine has no such image and cannot pull it (the reason inside).</exception>
    public Task<ResolvedImage> ResolveAsync(string image, PullPolicy pullPolicy = PullPolicy.Missing, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(image);
        return ImageResolver.ResolveImageAsync(engine, image, pullPolicy, logger ?? NullLogger.Instance, cancellationToken);
    }

    /// <summary>Every image that carries all of <paramref name="labels"/> (each <c>name=value</c>; an empty value matches any
    /// value), tagged or not, with what an inspect tells (comment, last tag time), which a plain listing lacks.</summary>
    public async Task<IReadOnlyList<ImageInfo>> ListAsync(IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var filter = labels.ToDictionary(l => l.Value.Length == 0 ? l.Key : $"{l.Key}={l.Value}", _ => true);
        var listed = await Call(() => engine.Client.Images.ListImagesAsync(new ImagesListParameters
        {
            All = false,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = filter },
        }, cancellationToken), "list images").ConfigureAwait(false);
        var inspected = await Task.WhenAll(listed.Select(i => ImageCleanup.InspectAsync(engine, i.ID, cancellationToken))).ConfigureAwait(false);
        return [.. inspected.OfType<ImageInspectResponse>().Select(ImageInfo.From)];
    }

    /// <summary>Commits the container's files and settings as a new image and returns its id. The image carries the
    /// session's labels, so that the session's cleanup removes it, unless <see cref="ImageCommitOptions.Labels"/> keeps it.</summary>
    /// <exception cref="TestkitException">The engine refused, e.g. the container was removed.</exception>
    public async Task<string> CommitAsync(string containerId, ImageCommitOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(containerId);
        ArgumentNullException.ThrowIfNull(options);
        var reference = options.Reference is null ? null : ImageReference.Parse(options.Reference);
        var labels = new Dictionary<string, string>(ResourceLabels.ForThisSession);
        foreach (var (name, value) in options.Labels)
        {
            labels[name] = value;
        }

        try
        {
            // Set in the body rather than as Dockerfile "changes" text: no quoting of values, and the engine merges the
            // body with the container's settings exactly as it merges the changes (other variables and labels stay).
            var committed = await engine.Client.Images.CommitContainerChangesAsync(new CommitContainerChangesParameters
            {
                ContainerID = containerId,
                RepositoryName = reference?.Repository!,
                Tag = reference?.EffectiveTag!,
                Comment = options.Comment!,
                Cmd = options.Command is null ? null! : [.. options.Command],
                Env = options.Environment.Count == 0 ? null! : [.. options.Environment.Select(e => $"{e.Key}={e.Value}")],
                Labels = labels,
            }, cancellationToken).ConfigureAwait(false);
            return committed.ID;
        }
        catch (DockerApiException e)
        {
            throw new TestkitException(
                $"Container {ShortIds.Of(containerId)} could not be committed{(options.Reference is null ? "" : " as " + options.Reference)}: {EngineErrorText.Of(e)}. "
                + "Commit a container that still exists (running or stopped, not removed), with a repository name in lower case.", e);
        }
    }

    /// <summary>Points <paramref name="reference"/> (<c>repository:tag</c>) at <paramref name="image"/> (a name or an id),
    /// moving the tag if it named another image. Tagging again also marks the image as used now (<see cref="ImageInfo.LastTagged"/>).</summary>
    /// <exception cref="TestkitException">The image is gone, or the reference is not valid.</exception>
    public async Task TagAsync(string image, string reference, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(image);
        var parsed = ImageReference.Parse(reference);
        await Call(() => engine.Client.Images.TagImageAsync(image, new ImageTagParameters { RepositoryName = parsed.Repository, Tag = parsed.EffectiveTag }, cancellationToken),
            $"tag {image} as {reference}").ConfigureAwait(false);
    }

    /// <summary>Removes the image (by name: that tag only, and the image once no tag is left; by id: an untagged image),
    /// never by force. Returns null when the image is gone, else why the engine kept it (e.g. a container uses it).</summary>
    public async Task<string?> TryRemoveAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrId);
        try
        {
            await engine.Client.Images.DeleteImageAsync(nameOrId, new ImageDeleteParameters { Force = false }, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            return EngineErrorText.Of(e);
        }
    }

    private static async Task<T> Call<T>(Func<Task<T>> request, string what)
    {
        try
        {
            return await request().ConfigureAwait(false);
        }
        catch (DockerApiException e)
        {
            throw new TestkitException($"The engine refused to {what}: {EngineErrorText.Of(e)}.", e);
        }
    }

    private static Task<bool> Call(Func<Task> request, string what) => Call(async () =>
    {
        await request().ConfigureAwait(false);
        return true;
    }, what);
}
