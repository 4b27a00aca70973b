using System.Globalization;
using System.Runtime.CompilerServices;
using Docker.DotNet.Models;
using Testkit.Waiting;

namespace Testkit.Containers;

// The container's output, read once or followed.
public partial class Container
{
    /// <summary>What the container has written so far, standard output and error apart.</summary>
    public async Task<(string Stdout, string Stderr)> GetLogsAsync(LogOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var stream = await Engine.Client.Containers.GetContainerLogsAsync(Id, LogParameters(options, follow: false), cancellationToken).ConfigureAwait(false);
        return await stream.ReadOutputToEndAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The container's log lines (all, or as <paramref name="options"/> selects), then new ones as they
    /// come, until cancelled or the container stops.</summary>
    public async IAsyncEnumerable<LogLine> FollowLogsAsync(LogOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var stream = await Engine.Client.Containers.GetContainerLogsAsync(Id, LogParameters(options, follow: true), cancellationToken).ConfigureAwait(false);
        await foreach (var line in MultiplexedLogReader.ReadLinesAsync(stream, cancellationToken).ConfigureAwait(false))
        {
            yield return line;
        }
    }

    /// <summary>The container's log lines from its start, then new ones as they come, until cancelled or it stops.</summary>
    public IAsyncEnumerable<LogLine> FollowLogsAsync(CancellationToken cancellationToken = default) => FollowLogsAsync(null, cancellationToken);

    // Waits read what this run logged: after a stop and start, the previous run's "ready" line would otherwise count.
    IAsyncEnumerable<LogLine> IWaitTarget.FollowLogsAsync(CancellationToken cancellationToken) =>
        FollowLogsAsync(previousRunEnded is { } ended ? new LogOptions(Since: ended) : null, cancellationToken);

    private static ContainerLogsParameters LogParameters(LogOptions? options, bool follow) => new()
    {
        ShowStdout = true,
        ShowStderr = true,
        Follow = follow,
        Since = options?.Since is { } since ? UnixTimestamp(since) : null!,
        Tail = options?.Tail?.ToString(CultureInfo.InvariantCulture)!,
    };

    // Seconds with nanoseconds, as the engine takes them: whole seconds would let a run's lines of the same second in.
    private static string UnixTimestamp(DateTimeOffset time)
    {
        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return string.Create(CultureInfo.InvariantCulture, $"{ticks / TimeSpan.TicksPerSecond}.{ticks % TimeSpan.TicksPerSecond * 100:D9}");
    }
}
