using StackExchange.Redis;

namespace Testkit.Xunit.Tests;

// The same fixture as a collection fixture: one container for every class of the collection.
[CollectionDefinition(Name)]
public sealed class SharedRedisDefinition : ICollectionFixture<RedisFixture>
{
    public const string Name = "one Redis for two classes";
}

[Collection(SharedRedisDefinition.Name)]
public class FirstCollectionMemberTests(RedisFixture redis)
{
    [Fact]
    public async Task Uses_the_collection_container() => await CollectionUse.CheckAsync(redis);
}

[Collection(SharedRedisDefinition.Name)]
public class SecondCollectionMemberTests(RedisFixture redis)
{
    [Fact]
    public async Task Uses_the_collection_container() => await CollectionUse.CheckAsync(redis);
}

internal static class CollectionUse
{
    private static string? firstId;

    public static async Task CheckAsync(RedisFixture redis)
    {
        var id = redis.Container.Id;
        Assert.Equal(Interlocked.CompareExchange(ref firstId, id, null) ?? id, id);

        // Classes of one collection run one after the other: the second sees the first one's increment.
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Container.GetConnectionString());
        Assert.InRange(await connection.GetDatabase().StringIncrementAsync("classes-run"), 1, 2);
    }
}
