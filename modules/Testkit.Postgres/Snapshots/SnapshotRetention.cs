namespace Testkit.Postgres.Snapshots;

/// <summary>How long unused snapshots stay on the engine: each time a new snapshot is made, the snapshots of the module
/// not used (made or started from) for <see cref="MaxIdle"/> go, and of the others only the <see cref="MaxCount"/> used
/// last stay. A snapshot used within the last hour always stays (another test process may be about to start from it),
/// and one a container still runs from cannot be removed and stays too.</summary>
/// <param name="MaxIdle">How long a snapshot may go unused; 7 days by default.</param>
/// <param name="MaxCount">How many snapshots stay at most, the ones used last; 20 by default.</param>
public sealed record SnapshotRetention(TimeSpan MaxIdle, int MaxCount)
{
    /// <summary>A snapshot used more recently than this is never removed, whatever the count.</summary>
    public static readonly TimeSpan RecentUse = TimeSpan.FromHours(1);

    /// <summary>7 days, at most 20 snapshots (about 50 MB each on top of the shared base image).</summary>
    public static SnapshotRetention Default { get; } = new(TimeSpan.FromDays(7), 20);

    /// <summary>The snapshots to remove at <paramref name="now"/>: dangling ones (left by a process that lost the race to
    /// name a snapshot) and those idle too long or beyond the count, never one used within <see cref="RecentUse"/>.</summary>
    internal IReadOnlyList<SnapshotInfo> SelectForRemoval(IEnumerable<SnapshotInfo> snapshots, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(MaxCount);
        var byLastUse = snapshots.OrderByDescending(s => s.LastUsed).ThenBy(s => s.Id, StringComparer.Ordinal).ToList();
        var named = byLastUse.Where(s => s.Name is not null).ToList();
        return byLastUse
            .Where(s => now - s.LastUsed > RecentUse)
            .Where(s => s.Name is null || now - s.LastUsed > MaxIdle || named.IndexOf(s) >= MaxCount)
            .ToList();
    }
}
