using System.Threading.Channels;

namespace Testkit.Postgres.Databases;

/// <summary>Databases cloned ahead from one template in the background, so that taking one costs no CREATE DATABASE.
/// Each taken database is replaced; when the pool is empty the taker clones its own rather than queue behind the refill
/// (clones run side by side, so that is as fast and never waits for a refill that failed).</summary>
internal sealed class DatabasePool
{
    private readonly DatabaseAdmin admin;
    private readonly string template;
    private readonly int size;
    private readonly Channel<string> ready = Channel.CreateUnbounded<string>();
    private readonly Channel<bool> wake;
    private readonly CancellationTokenSource stop;
    private readonly Task filling;
    private int reserved; // ready + being cloned: never more than size

    public DatabasePool(DatabaseAdmin admin, string template, int size)
    {
        this.admin = admin;
        this.template = template;
        this.size = size;
        // Two clones in flight: measured on 2 cores with 2 tests taking databases in parallel and the data directory on
        // disk, one at a time let a pool of 4 run dry (34 of 60 takes served from it), two kept it full (60 of 60); with
        // the data on tmpfs both kept up. Half the cores on bigger machines, as the clones share the server with the tests.
        var fillers = Math.Min(size, Math.Max(2, Environment.ProcessorCount / 2));

        // Wake-ups coalesce: at most one pending per filler, however many takes happened meanwhile.
        wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(fillers) { FullMode = BoundedChannelFullMode.DropWrite });
        stop = CancellationTokenSource.CreateLinkedTokenSource(admin.ContainerGone);
        filling = Task.WhenAll(Enumerable.Range(0, fillers).Select(_ => Task.Run(FillAsync, CancellationToken.None)));
    }

    /// <summary>How many databases wait in the pool now.</summary>
    public int ReadyCount => ready.Reader.Count;

    /// <summary>A ready database, or null when the pool is empty; either way the refill is woken.</summary>
    public string? TryTake()
    {
        string? name = null;
        if (ready.Reader.TryRead(out var taken))
        {
            name = taken;
            Interlocked.Decrement(ref reserved);
        }

        wake.Writer.TryWrite(true);
        return name;
    }

    /// <summary>Stops the refill and waits for it (a clone in flight finishes unless the container is going away);
    /// returns the databases nobody took.</summary>
    public async Task<IReadOnlyList<string>> StopAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        await filling.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        ready.Writer.TryComplete();
        var unused = new List<string>();
        while (ready.Reader.TryRead(out var name))
        {
            unused.Add(name);
        }

        stop.Dispose();
        return unused;
    }

    // Each filler clones until the pool (with the clones in flight) is full, then sleeps until a take wakes it.
    private async Task FillAsync()
    {
        var stopping = stop.Token;
        try
        {
            while (!IsStopping)
            {
                while (!IsStopping && TryReserve())
                {
                    try
                    {
                        // The container's token, not the pool's: a template disposed while the server lives lets
                        // the clone finish and then drops it, so no database is left behind half-known.
                        ready.Writer.TryWrite(await admin.CloneAsync(template, admin.ContainerGone).ConfigureAwait(false));
                    }
                    catch (Exception e) when (!IsStopping)
                    {
                        Interlocked.Decrement(ref reserved);
                        admin.Logger.PoolRefillFailed(template, e.Message);
                        break; // Retry on the next take rather than spin against a failing server.
                    }
                }

                await wake.Reader.ReadAsync(stopping).ConfigureAwait(false);
            }
        }
        catch (Exception) when (IsStopping)
        {
            // Stopping: whatever failed in flight (cancelled command, closed data source) no longer matters.
        }
    }

    // The container's token is read directly: its flag is set before any callback runs, whereas the pool's linked
    // token is cancelled by one of those callbacks, possibly after a cancelled clone already failed.
    private bool IsStopping => admin.ContainerGone.IsCancellationRequested || stop.IsCancellationRequested;

    private bool TryReserve()
    {
        if (Interlocked.Increment(ref reserved) <= size)
        {
            return true;
        }

        Interlocked.Decrement(ref reserved);
        return false;
    }
}
