using StackExchange.Redis;

namespace RedisNUnit;

/// <summary>The code under test: counts page views in a Redis sorted set, so the most viewed pages come out ranked.</summary>
public sealed class PageViewCounter(IDatabase redis, string key = "page-views")
{
    public async Task<long> RecordViewAsync(string page) => (long)await redis.SortedSetIncrementAsync(key, page, 1);

    public async Task<long> GetViewsAsync(string page) => (long)(await redis.SortedSetScoreAsync(key, page) ?? 0);

    public async Task<IReadOnlyList<string>> TopAsync(int count) =>
        [.. (await redis.SortedSetRangeByRankAsync(key, 0, count - 1, Order.Descending)).Select(page => page.ToString())];
}
