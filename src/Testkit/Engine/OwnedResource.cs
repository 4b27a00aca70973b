using Microsoft.Extensions.Logging;
using Testkit.Cleanup;

namespace Testkit.Engine;

/// <summary>The lifecycle a <see cref="Networks.Network"/> and a <see cref="Volumes.Volume"/> share: created once on first
/// use however many containers ask at once, marked with an instance label so that a create whose answer was lost (a
/// cancelled request) is still found, and removed once on dispose, again later if the engine kept it.</summary>
/// <param name="kind">"network" or "volume", for messages.</param>
/// <param name="logger">Where the engine connection logs.</param>
/// <param name="listOwn">Lists the engine's resources carrying a label (<c>name=value</c>): their ids or names.</param>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The gate is never waited on through its handle, so it holds nothing to release; the owner outlives every use.")]
internal sealed class OwnedResource(string kind, ILogger logger, Func<DockerEngine, string, CancellationToken, Task<IReadOnlyList<string>>> listOwn)
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private volatile string? id;
    private bool createAttempted;
    private volatile bool disposed;

    /// <summary>The value of <see cref="ResourceLabels.Instance"/> on this object's resource.</summary>
    public string Instance { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The engine it was created on, once a create was tried.</summary>
    public DockerEngine? Engine { get; private set; }

    /// <summary>The engine's id (or name) of the resource once created, else null.</summary>
    public string? Id => id;

    /// <summary>True once removed (or disposed before it was ever created).</summary>
    public bool Disposed => disposed;

    /// <summary>The labels to create it with: its own, the session's, and this object's instance.</summary>
    public Dictionary<string, string> LabelsWith(IReadOnlyDictionary<string, string> own)
    {
        var labels = new Dictionary<string, string>(own);
        foreach (var (key, value) in ResourceLabels.ForThisSession)
        {
            labels[key] = value;
        }

        labels[ResourceLabels.Instance] = Instance;
        return labels;
    }

    /// <summary>Creates the resource with <paramref name="create"/> unless it exists already; concurrent callers wait for one create.</summary>
    /// <exception cref="ObjectDisposedException">It was disposed.</exception>
    public async Task CreateAsync(object owner, Func<DockerEngine, CancellationToken, Task<string>> create, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed, owner);
        if (id is not null)
        {
            return;
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(disposed, owner);
            if (id is not null)
            {
                return;
            }

            Engine ??= await DockerEngine.GetSharedAsync(logger, cancellationToken).ConfigureAwait(false);
            if (createAttempted && await ListOwnAsync(Engine, cancellationToken).ConfigureAwait(false) is [var earlier, ..])
            {
                // An earlier create succeeded on the engine but its caller never heard (cancelled mid-request).
                id = earlier;
                return;
            }

            createAttempted = true;
            id = await create(Engine, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Removes what this object created with <paramref name="remove"/> (false: the engine kept it, e.g. still in
    /// use, and a later call tries again). Safe to call twice.</summary>
    public async Task DisposeAsync(Func<DockerEngine, string, Task<bool>> remove)
    {
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (disposed)
            {
                return;
            }

            if (Engine is { } engine && createAttempted)
            {
                var ids = id is { } known ? [known] : await ListOwnAsync(engine, CancellationToken.None).ConfigureAwait(false);
                foreach (var each in ids)
                {
                    if (!await remove(engine, each).ConfigureAwait(false))
                    {
                        return;
                    }
                }
            }

            // Only now: when removal failed, a later call tries again.
            disposed = true;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Forgets a create that was undone (the engine made a duplicate and it was removed again).</summary>
    public void CreateUndone() => createAttempted = false;

    /// <inheritdoc />
    public override string ToString() => $"{kind} instance {Instance}";

    private Task<IReadOnlyList<string>> ListOwnAsync(DockerEngine engine, CancellationToken cancellationToken) =>
        listOwn(engine, $"{ResourceLabels.Instance}={Instance}", cancellationToken);
}
