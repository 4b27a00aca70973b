using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using NUnit.Framework;
using Testkit.Containers;

namespace Testkit.NUnit;

/// <summary>A base for an NUnit test fixture: starts one container in [OneTimeSetUp], removes it in [OneTimeTearDown], and
/// copies the container's output into each test's output while the test runs; diagnostics go to <see cref="TestContext.Progress"/>.</summary>
/// <example><code>
/// public class OrderTests() : ContainerFixture&lt;PostgresContainer&gt;(logger =&gt; new PostgresBuilder().WithContainer(c =&gt; c.WithLogger(logger)).Build())
/// {
///     [Test] public async Task Saves() { await using var db = NpgsqlDataSource.Create(Container.GetConnectionString()); … }
/// }
/// </code></example>
public abstract class ContainerFixture<TContainer> : IAsyncDisposable
    where TContainer : Container
{
    private readonly ContainerLifetime<TContainer> lifetime;
    private readonly ConcurrentDictionary<string, IDisposable> captures = new();

    /// <summary>A fixture whose container <paramref name="factory"/> builds; its diagnostics go where the factory says.</summary>
    protected ContainerFixture(Func<TContainer> factory) : this(ContainerLifetime<TContainer>.IgnoreLogger(factory)) { }

    /// <summary>A fixture whose container <paramref name="factory"/> builds with the given logger, which writes to
    /// <see cref="TestContext.Progress"/> (pass it on with <c>WithLogger(logger)</c>, or <c>WithContainer(c =&gt; c.WithLogger(logger))</c> for a module).</summary>
    protected ContainerFixture(Func<ILogger, TContainer> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        lifetime = new ContainerLifetime<TContainer>(GetType().Name, factory);
    }

    /// <summary>The started container.</summary>
    /// <exception cref="InvalidOperationException">It failed to start (the start error is the inner exception), has not been started, or was removed.</exception>
    public TContainer Container => lifetime.Container;

    /// <summary>Writes to <see cref="TestContext.Progress"/>, for the fixture's own messages.</summary>
    protected ILogger Logger => lifetime.Logger;

    /// <summary>Builds and starts the container before the fixture's first test; if it fails, every test fails with Testkit's error.</summary>
    [OneTimeSetUp]
    public Task StartContainerAsync() => lifetime.StartAsync(TestContext.CurrentContext.CancellationToken);

    /// <summary>Removes the container with its anonymous volumes after the fixture's last test; safe after a failed start.</summary>
    [OneTimeTearDown]
    public Task RemoveContainerAsync() => lifetime.DisposeAsync().AsTask();

    /// <summary>Copies the container's output into <paramref name="output"/> until the returned object is disposed (each test's
    /// own output gets it without asking, between [SetUp] and [TearDown]).</summary>
    public IDisposable CaptureOutput(TextWriter output) => lifetime.Capture(output);

    /// <summary>Starts copying the container's output into the output of the test about to run.</summary>
    [SetUp]
    public void CaptureContainerOutput() => captures[TestContext.CurrentContext.Test.ID] = lifetime.Capture(TestContext.Out);

    /// <summary>Stops copying the container's output into the output of the test that just ran.</summary>
    [TearDown]
    public void ReleaseContainerOutput()
    {
        if (captures.TryRemove(TestContext.CurrentContext.Test.ID, out var capture))
        {
            capture.Dispose();
        }
    }

    /// <summary>Same as <see cref="RemoveContainerAsync"/>, for when the fixture is created by hand.</summary>
    public async ValueTask DisposeAsync()
    {
        await lifetime.DisposeAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }
}
