using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Testkit.Engine;

namespace Testkit.Images;

/// <summary>An image that <see cref="ImageBuilder"/> built (or found up to date) or that a container was committed to;
/// disposing removes it from the engine unless it is kept. Converts to its name, so
/// <c>new ContainerBuilder(image)</c> runs it.</summary>
public sealed class BuiltImage : IAsyncDisposable
{
    private readonly DockerEngine engine;
    private readonly ILogger logger;
    private readonly bool owned;
    private readonly SemaphoreSlim gate = new(1, 1);
    private IReadOnlyList<string>? toRemove;
    private bool released;
    private bool disposed;

    internal BuiltImage(DockerEngine engine, string id, IReadOnlyList<string> tags, string? buildHash, bool fromCache, bool kept, bool owned, ILogger logger)
    {
        this.engine = engine;
        this.logger = logger;
        this.owned = owned;
        Id = id;
        Tags = tags;
        BuildHash = buildHash;
        FromCache = fromCache;
        Kept = kept;
    }

    /// <summary>The name to run the image by: its first tag, e.g. <c>testkit-build/app:3f2a9c…</c>.</summary>
    public string Name => Tags[0];

    /// <summary>Every tag the image was given.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>The engine's image id (<c>sha256:…</c>).</summary>
    public string Id { get; }

    /// <summary>The hash of everything the build depends on (also the label <see cref="ImageBuilder.BuildHashLabel"/>);
    /// null for a committed image.</summary>
    public string? BuildHash { get; }

    /// <summary>True when an image with the same build hash was already on the engine, so nothing was built.</summary>
    public bool FromCache { get; }

    /// <summary>True when the image stays on the engine after <see cref="DisposeAsync"/>: built with
    /// <c>WithKeep()</c>, or found up to date from an earlier run that kept it.</summary>
    public bool Kept { get; }

    /// <summary>The image's name, for APIs that take an image name.</summary>
    public static implicit operator string(BuiltImage image) => image?.Name ?? throw new ArgumentNullException(nameof(image));

    /// <summary>Removes the image, its tags and the untagged images its build left (earlier stages), unless it is kept
    /// or another handle of this process still uses it. Safe to call twice; while a container still uses the image it
    /// stays (logged as a warning) and a later call removes it.</summary>
    public async ValueTask DisposeAsync()
    {
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (disposed)
            {
                return;
            }

            if (Kept)
            {
                logger.ImageKept(Name);
            }

            if (Kept || !owned)
            {
                disposed = true;
                return;
            }

            if (!released)
            {
                released = true;
                toRemove = SessionImages.Release(Id);
            }

            if (toRemove is null)
            {
                disposed = true;
                return;
            }

            var clock = Stopwatch.StartNew();
            if (await ImageCleanup.RemoveAsync(engine, Id, Tags, toRemove, logger).ConfigureAwait(false))
            {
                logger.ImageRemoved(Name, clock.ElapsedMilliseconds);
                disposed = true;
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The image's name.</summary>
    public override string ToString() => Name;
}
