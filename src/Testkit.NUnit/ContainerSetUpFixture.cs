using Microsoft.Extensions.Logging;
using NUnit.Framework;
using Testkit.Containers;

namespace Testkit.NUnit;

/// <summary>A base for an NUnit [SetUpFixture] that shares one container with every fixture of its namespace (or, outside
/// any namespace, of the assembly): started before their first test, removed after their last.</summary>
/// <example><code>
/// [SetUpFixture]
/// public sealed class SharedRedis() : ContainerSetUpFixture&lt;RedisContainer&gt;(() =&gt; new RedisContainer());
///
/// public class CacheTests
/// {
///     private static RedisContainer Redis =&gt; SetUpFixtures.Get&lt;SharedRedis&gt;().Container;
/// }
/// </code></example>
public abstract class ContainerSetUpFixture<TContainer> : IAsyncDisposable
    where TContainer : Container
{
    private readonly ContainerLifetime<TContainer> lifetime;

    /// <summary>A set-up fixture whose container <paramref name="factory"/> builds; its diagnostics go where the factory says.</summary>
    protected ContainerSetUpFixture(Func<TContainer> factory) : this(ContainerLifetime<TContainer>.IgnoreLogger(factory)) { }

    /// <summary>A set-up fixture whose container <paramref name="factory"/> builds with the given logger, which writes to <see cref="TestContext.Progress"/>.</summary>
    protected ContainerSetUpFixture(Func<ILogger, TContainer> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        lifetime = new ContainerLifetime<TContainer>(GetType().Name, factory);
    }

    /// <summary>The started container.</summary>
    /// <exception cref="InvalidOperationException">It failed to start (the start error is the inner exception), has not been started, or was removed.</exception>
    public TContainer Container => lifetime.Container;

    /// <summary>Writes to <see cref="TestContext.Progress"/>, for the set-up fixture's own messages.</summary>
    protected ILogger Logger => lifetime.Logger;

    /// <summary>Copies the container's output into <paramref name="output"/> (the current test's output unless given) until the
    /// returned object is disposed, so a failing test shows what the container said.</summary>
    public IDisposable CaptureOutput(TextWriter? output = null) => lifetime.Capture(output ?? TestContext.Out);

    /// <summary>Builds and starts the container before the first test of the namespace; if it fails, those tests fail with Testkit's error.</summary>
    [OneTimeSetUp]
    public Task StartContainerAsync()
    {
        SetUpFixtures.Started(this);
        return lifetime.StartAsync(TestContext.CurrentContext.CancellationToken);
    }

    /// <summary>Removes the container with its anonymous volumes after the last test of the namespace; safe after a failed start.</summary>
    [OneTimeTearDown]
    public async Task RemoveContainerAsync()
    {
        SetUpFixtures.Ended(this);
        await lifetime.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Same as <see cref="RemoveContainerAsync"/>, for when the set-up fixture is created by hand.</summary>
    public async ValueTask DisposeAsync()
    {
        await RemoveContainerAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }
}
