using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Testkit.Containers;

namespace Testkit.NUnit;

/// <summary>One container of a fixture: built and started once, its output fanned out to the tests that listen, removed once.</summary>
internal sealed class ContainerLifetime<TContainer>(string owner, Func<ILogger, TContainer> factory) : IAsyncDisposable
    where TContainer : Container
{
    private readonly CancellationTokenSource stop = new();
    private ImmutableList<TextWriter> outputs = [];
    private TContainer? container;
    private Exception? startFailure;
    private Task? forwarding;
    private bool ended;

    public ILogger Logger { get; } = new LineLogger(line => global::NUnit.Framework.TestContext.Progress.WriteLine(line), owner);

    /// <summary>Makes a factory that ignores the logger: for containers whose diagnostics the factory already routes.</summary>
    public static Func<ILogger, TContainer> IgnoreLogger(Func<TContainer> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return _ => factory();
    }

    public TContainer Container => ended
        ? throw new ObjectDisposedException(owner, $"{owner} has ended and removed its container; use the container only from the tests it runs around.")
        : container ?? throw (startFailure is null
            ? new InvalidOperationException($"{owner} has not started its container yet: NUnit starts it in [OneTimeSetUp]; when you create the fixture yourself, await StartContainerAsync first.")
            : new InvalidOperationException($"{owner} could not start its container, so there is none to use; the start error is the inner exception: {startFailure.Message}", startFailure));

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(ended, this);
        TContainer? candidate = null;
        try
        {
            candidate = factory(Logger);
            Logger.FixtureStarting(owner, candidate.Settings.Image);
            await candidate.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            startFailure = e;
            Logger.FixtureStartFailed(owner, e.GetType().Name);
            if (candidate is not null)
            {
                await ((IAsyncDisposable)candidate).DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        container = candidate;
        forwarding = ForwardOutputAsync(candidate, stop.Token);
    }

    public IDisposable Capture(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        ImmutableInterlocked.Update(ref outputs, list => list.Add(output));
        return new Detach(() => ImmutableInterlocked.Update(ref outputs, list => list.Remove(output)));
    }

    public async ValueTask DisposeAsync()
    {
        if (ended)
        {
            return;
        }

        ended = true;
        await stop.CancelAsync().ConfigureAwait(false);
        if (forwarding is not null)
        {
            await forwarding.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        // Through the interface: a module may re-implement it to remove what it owns beside the container (Kafka: ZooKeeper, network).
        if (container is not null)
        {
            await ((IAsyncDisposable)container).DisposeAsync().ConfigureAwait(false);
        }

        stop.Dispose();
    }

    private async Task ForwardOutputAsync(TContainer started, CancellationToken cancellationToken)
    {
        var prefix = $"[{started}] ";
        try
        {
            await foreach (var line in started.FollowLogsAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var output in outputs)
                {
                    output.WriteLine(prefix + line.Text);
                }
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Forwarding is a courtesy: it must never fail a test, but the log says why the lines stopped.
            Logger.OutputForwardingStopped(owner, e.Message);
        }
    }

    private sealed class Detach(Action detach) : IDisposable
    {
        public void Dispose() => detach();
    }
}
