using Microsoft.Extensions.Logging;

namespace Testkit.Postgres.Snapshots;

/// <summary>What the snapshot machinery logs (event ids 700–749 belong to the Postgres module). Never a password.</summary>
internal static partial class SnapshotLog
{
    [LoggerMessage(700, LogLevel.Information, "Starting from snapshot {Name} (key {Key}): no initdb, no init scripts")]
    public static partial void SnapshotFound(this ILogger logger, string name, string key);

    [LoggerMessage(701, LogLevel.Information, "No snapshot yet for this configuration of {Image}: a seed container initialises it once, then it is committed as {Name}")]
    public static partial void SnapshotSeeding(this ILogger logger, string image, string name);

    [LoggerMessage(702, LogLevel.Information, "Snapshot {Name} made in {Milliseconds} ms (initialised in {InitialisedMs} ms, stopped in {StoppedMs} ms, committed in {CommittedMs} ms)")]
    public static partial void SnapshotMade(this ILogger logger, string name, long milliseconds, long initialisedMs, long stoppedMs, long committedMs);

    [LoggerMessage(703, LogLevel.Debug, "Snapshots off for this container: {Reason}")]
    public static partial void SnapshotsOff(this ILogger logger, string reason);

    [LoggerMessage(704, LogLevel.Warning, "Could not make a snapshot ({Reason}); this container initialises its own data directory")]
    public static partial void SnapshotFailed(this ILogger logger, string reason);

    [LoggerMessage(705, LogLevel.Debug, "Snapshot {Name} could not be marked as used: {Reason}")]
    public static partial void SnapshotTouchFailed(this ILogger logger, string name, string reason);

    [LoggerMessage(706, LogLevel.Information, "Snapshot {Name} removed by the retention policy (last used {Days:0.0} days ago)")]
    public static partial void SnapshotRemoved(this ILogger logger, string name, double days);

    [LoggerMessage(707, LogLevel.Debug, "Snapshot {Name} kept although the retention policy would remove it: {Reason}")]
    public static partial void SnapshotKept(this ILogger logger, string name, string reason);

    [LoggerMessage(709, LogLevel.Warning, "Pruning old snapshots failed ({Reason}); they stay until the next new snapshot prunes")]
    public static partial void PruneFailed(this ILogger logger, string reason);
}
