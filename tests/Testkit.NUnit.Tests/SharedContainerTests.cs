using StackExchange.Redis;
using Testkit.Redis;
using Testkit.Tests.Shared;

namespace Testkit.NUnit.Tests;

// (a) One container per fixture, shared by its tests; (c) fixtures running in parallel each get their own.
public class SharedContainerTests() : ContainerFixture<RedisContainer>(Factories.Redis)
{
    private string? firstId;
    private int testsRun;

    [Test]
    public async Task First_test_uses_the_fixture_container() => await UseSharedContainerAsync();

    [Test]
    public async Task Second_test_uses_the_same_container() => await UseSharedContainerAsync();

    private async Task UseSharedContainerAsync()
    {
        firstId ??= Container.Id;
        Assert.That(Container.Id, Is.EqualTo(firstId));
        Assert.That(SeenContainers.Record(nameof(SharedContainerTests), Container.Id), Does.Not.Contain(Container.Id));
        Assert.That(await EngineProbe.ContainerRunningAsync(Container.Id), Is.True);

        // The same server across tests: its counter has seen every test of the fixture so far.
        await using var connection = await ConnectionMultiplexer.ConnectAsync(Container.GetConnectionString());
        Assert.That(await connection.GetDatabase().StringIncrementAsync("tests-run"), Is.EqualTo(++testsRun));
    }
}

public class ParallelFixtureOneTests() : ContainerFixture<RedisContainer>(Factories.Redis)
{
    [Test]
    public async Task Has_its_own_working_container() => await ParallelFixture.CheckAsync(nameof(ParallelFixtureOneTests), Container);
}

public class ParallelFixtureTwoTests() : ContainerFixture<RedisContainer>(Factories.Redis)
{
    [Test]
    public async Task Has_its_own_working_container() => await ParallelFixture.CheckAsync(nameof(ParallelFixtureTwoTests), Container);
}

internal static class ParallelFixture
{
    public static async Task CheckAsync(string fixture, RedisContainer redis)
    {
        Assert.That(SeenContainers.Record(fixture, redis.Id), Does.Not.Contain(redis.Id));
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.GetConnectionString());
        var db = connection.GetDatabase();

        // A key no other fixture wrote: a shared server would already hold it.
        Assert.That(await db.StringSetAsync("owner", fixture, when: When.NotExists), Is.True);
        Assert.That((string?)await db.StringGetAsync("owner"), Is.EqualTo(fixture));
    }
}
