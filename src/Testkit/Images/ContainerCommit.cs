using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Testkit.Engine;

namespace Testkit.Images;

/// <summary>Turns a container's current files and settings into an image, as <c>docker commit</c> does.</summary>
internal static partial class ContainerCommit
{
    /// <summary>Commits the container (running ones are paused meanwhile) as <paramref name="repository"/>:<paramref name="tag"/>
    /// (<c>latest</c> when null). A command replaces the image's CMD, environment variables are set or replaced, like
    /// <c>--change 'CMD […]'</c> and <c>--change 'ENV …'</c>; everything else is the container's. The image carries
    /// the session labels and is removed when the returned handle is disposed.</summary>
    public static async Task<BuiltImage> CommitAsync(
        DockerEngine engine, string containerId, string repository, string? tag, string? message,
        IReadOnlyList<string>? command, IReadOnlyDictionary<string, string>? environment, ILogger logger, CancellationToken cancellationToken)
    {
        var reference = Validate(repository, tag, command, environment);
        var name = $"{reference.Repository}:{tag ?? "latest"}";
        var clock = Stopwatch.StartNew();
        var committed = await engine.Images.CommitAsync(containerId, new ImageCommitOptions
        {
            Reference = name,
            Comment = message,
            Command = command,
            Environment = environment ?? new Dictionary<string, string>(),
        }, cancellationToken).ConfigureAwait(false);
        SessionImages.Acquire(committed, []);
        logger.ContainerCommitted(ShortIds.Of(containerId), name, ShortIds.Of(committed), clock.ElapsedMilliseconds);
        return new BuiltImage(engine, committed, [name], buildHash: null, fromCache: false, kept: false, owned: true, logger);
    }

    private static ImageReference Validate(string repository, string? tag, IReadOnlyList<string>? command, IReadOnlyDictionary<string, string>? environment)
    {
        var reference = ImageReference.Parse(repository);
        if (reference.Tag is not null || reference.Digest is not null)
        {
            throw new ArgumentException($"'{repository}' has a tag or digest; pass the repository alone and the tag as the tag argument.", nameof(repository));
        }

        if (tag is not null && !TagRegex().IsMatch(tag))
        {
            throw new ArgumentException($"'{tag}' is not a tag: use letters, digits, '_', '.' and '-' (not first), at most 128.", nameof(tag));
        }

        if (command is { Count: 0 })
        {
            throw new ArgumentException("A command needs at least a program name; pass null to keep the container's.", nameof(command));
        }

        if (environment?.Keys.FirstOrDefault(k => string.IsNullOrWhiteSpace(k) || k.Contains('=', StringComparison.Ordinal)) is { } bad)
        {
            throw new ArgumentException($"'{bad}' is not an environment variable name (it is empty or contains '=').", nameof(environment));
        }

        return reference;
    }

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex TagRegex();
}
