using StackExchange.Redis;
using Testkit.Redis;

namespace Testkit.NUnit.Tests.SharedRedisNamespace;

/// <summary>One Redis for every fixture of this namespace.</summary>
[SetUpFixture]
public sealed class SharedRedis() : ContainerSetUpFixture<RedisContainer>(Factories.Redis)
{
    public static RedisContainer Redis => SetUpFixtures.Get<SharedRedis>().Container;
}

public class FirstFixtureUsingTheSharedContainer
{
    [Test]
    public async Task Uses_the_namespace_container() => await SharedUse.CheckAsync();
}

public class SecondFixtureUsingTheSharedContainer
{
    [Test]
    public async Task Uses_the_namespace_container() => await SharedUse.CheckAsync();
}

internal static class SharedUse
{
    private static string? firstId;

    public static async Task CheckAsync()
    {
        Interlocked.CompareExchange(ref firstId, SharedRedis.Redis.Id, null);
        Assert.That(SharedRedis.Redis.Id, Is.EqualTo(firstId));
        using var _ = SetUpFixtures.Get<SharedRedis>().CaptureOutput();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(SharedRedis.Redis.GetConnectionString());
        Assert.That(await connection.GetDatabase().StringIncrementAsync("fixtures"), Is.InRange(1, 2));
    }
}
