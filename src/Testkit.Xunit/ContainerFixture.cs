using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Testkit.Containers;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Testkit.Xunit;

/// <summary>An xunit class or collection fixture that starts one container before the first test and removes it
/// after the last; lifecycle diagnostics and the container's output go to the message sink.</summary>
/// <example><code>
/// public sealed class PgFixture(IMessageSink sink) : ContainerFixture&lt;PostgresContainer&gt;(sink,
///     logger => new PostgresBuilder().WithContainer(c => c.WithLogger(logger)).Build());
///
/// public class OrderTests(PgFixture pg, ITestOutputHelper output) : IClassFixture&lt;PgFixture&gt;
/// {
///     [Fact] public async Task Saves() { using var _ = pg.CaptureOutput(output); … pg.Container.GetConnectionString() … }
/// }
/// </code></example>
public abstract class ContainerFixture<TContainer> : IAsyncLifetime, IAsyncDisposable
    where TContainer : Container
{
    private readonly IMessageSink sink;
    private readonly Func<ILogger, TContainer> factory;
    private readonly CancellationTokenSource lifetime = new();
    private ImmutableList<ITestOutputHelper> outputs = [];
    private TContainer? container;
    private Exception? startFailure;
    private Task? forwarding;
    private bool disposed;

    /// <summary>A fixture whose container <paramref name="factory"/> builds; its diagnostics go where the factory says.</summary>
    protected ContainerFixture(IMessageSink messageSink, Func<TContainer> factory)
        : this(messageSink, IgnoreLogger(factory))
    {
    }

    /// <summary>A fixture whose container <paramref name="factory"/> builds with the given logger, which writes to the message sink
    /// (pass it on with <c>WithLogger(logger)</c>, or <c>WithContainer(c =&gt; c.WithLogger(logger))</c> for a module).</summary>
    protected ContainerFixture(IMessageSink messageSink, Func<ILogger, TContainer> factory)
    {
        ArgumentNullException.ThrowIfNull(messageSink);
        ArgumentNullException.ThrowIfNull(factory);
        sink = messageSink;
        this.factory = factory;
        Logger = new LineLogger(line => messageSink.OnMessage(new DiagnosticMessage(line)), GetType().Name);
    }

    /// <summary>Writes to the message sink as diagnostic messages (shown with <c>"diagnosticMessages": true</c> in xunit.runner.json).</summary>
    protected ILogger Logger { get; }

    /// <summary>The started container.</summary>
    /// <exception cref="InvalidOperationException">It failed to start (the start error is the inner exception), has not been started, or was removed.</exception>
    public TContainer Container => disposed
        ? throw new ObjectDisposedException(GetType().Name, $"{GetType().Name} has ended and removed its container; use the container only from the tests that take this fixture.")
        : container ?? throw (startFailure is null
            ? new InvalidOperationException($"{GetType().Name} has not started its container yet: xunit calls InitializeAsync before the tests; when you create the fixture yourself, await InitializeAsync first.")
            : new InvalidOperationException($"{GetType().Name} could not start its container, so there is none to use; the start error is the inner exception: {startFailure.Message}", startFailure));

    /// <summary>Sends the container's output lines to <paramref name="output"/> (a test's <see cref="ITestOutputHelper"/>) until the
    /// returned object is disposed, so a failing test shows what the container said while it ran.</summary>
    public IDisposable CaptureOutput(ITestOutputHelper output)
    {
        ArgumentNullException.ThrowIfNull(output);
        ImmutableInterlocked.Update(ref outputs, list => list.Add(output));
        return new Detach(() => ImmutableInterlocked.Update(ref outputs, list => list.Remove(output)));
    }

    /// <summary>Builds and starts the container; if it fails to start, throws Testkit's error, which fails every test of the fixture.</summary>
    public virtual async Task InitializeAsync()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        TContainer? candidate = null;
        try
        {
            candidate = factory(Logger);
            Logger.FixtureStarting(GetType().Name, candidate.Settings.Image);
            await candidate.StartAsync(lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            startFailure = e;
            Logger.FixtureStartFailed(GetType().Name, e.GetType().Name);
            if (candidate is not null)
            {
                await ((IAsyncDisposable)candidate).DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        container = candidate;
        forwarding = ForwardOutputAsync(candidate, lifetime.Token);
    }

    /// <summary>Removes the container with its anonymous volumes; safe after a failed start and when called twice.</summary>
    public virtual async Task DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        await lifetime.CancelAsync().ConfigureAwait(false);
        if (forwarding is not null)
        {
            await forwarding.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        // Through the interface: a module may re-implement it to remove what it owns beside the container (Kafka: ZooKeeper, network).
        if (container is not null)
        {
            await ((IAsyncDisposable)container).DisposeAsync().ConfigureAwait(false);
        }

        lifetime.Dispose();
    }

    /// <summary>Same as <see cref="DisposeAsync"/>, for <c>await using</c> when the fixture is created by hand.</summary>
    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await DisposeAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    private static Func<ILogger, TContainer> IgnoreLogger(Func<TContainer> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return _ => factory();
    }

    private async Task ForwardOutputAsync(TContainer started, CancellationToken cancellationToken)
    {
        var prefix = $"[{started}] ";
        try
        {
            await foreach (var line in started.FollowLogsAsync(cancellationToken).ConfigureAwait(false))
            {
                // The tests' helpers first: once the sink has a line, every helper attached then has it too.
                foreach (var output in outputs)
                {
                    try
                    {
                        output.WriteLine(prefix + line.Text);
                    }
                    catch (InvalidOperationException)
                    {
                        // The test ended without disposing its capture: xunit refuses output for a finished test.
                    }
                }

                sink.OnMessage(new DiagnosticMessage(prefix + line.Text));
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Forwarding is a courtesy: it must never fail a test, but the sink says why the lines stopped.
            Logger.OutputForwardingStopped(GetType().Name, e.Message);
        }
    }

    private sealed class Detach(Action detach) : IDisposable
    {
        public void Dispose() => detach();
    }
}
