using StackExchange.Redis;
using Testkit.Tests.Shared;

namespace Testkit.Xunit.Tests;

// (a) One container per fixture, shared by the fixture's tests; (c) parallel classes each get their own.
public class SharedFixtureTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    // xunit makes an instance per test; the tests of a class run one after the other.
    private static int testsRun;

    [Fact]
    public async Task First_test_uses_the_fixture_container() => await UseSharedContainerAsync();

    [Fact]
    public async Task Second_test_uses_the_same_container() => await UseSharedContainerAsync();

    private async Task UseSharedContainerAsync()
    {
        var id = redis.Container.Id;
        Assert.DoesNotContain(id, SeenContainers.Record(nameof(SharedFixtureTests), id));
        Assert.True(await EngineProbe.ContainerRunningAsync(id));

        // The same server across tests: its counter has seen every test of the class so far.
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Container.GetConnectionString());
        Assert.Equal(Interlocked.Increment(ref testsRun), await connection.GetDatabase().StringIncrementAsync("tests-run"));
    }
}

public class ParallelClassOneTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Has_its_own_working_container() => await ParallelClass.CheckAsync(nameof(ParallelClassOneTests), redis);
}

public class ParallelClassTwoTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Has_its_own_working_container() => await ParallelClass.CheckAsync(nameof(ParallelClassTwoTests), redis);
}

internal static class ParallelClass
{
    public static async Task CheckAsync(string testClass, RedisFixture redis)
    {
        var id = redis.Container.Id;
        Assert.DoesNotContain(id, SeenContainers.Record(testClass, id));
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Container.GetConnectionString());
        var db = connection.GetDatabase();

        // A key no other class wrote: a shared server would already hold it.
        Assert.True(await db.StringSetAsync("owner", testClass, when: When.NotExists));
        Assert.Equal(testClass, (string?)await db.StringGetAsync("owner"));
    }
}
