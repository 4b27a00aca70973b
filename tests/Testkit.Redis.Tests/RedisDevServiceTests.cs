using StackExchange.Redis;
using Testkit.Cleanup;
using Testkit.Containers;

namespace Testkit.Redis.Tests;

[CollectionDefinition(nameof(RedisDevServiceTests), DisableParallelization = true)]
public sealed class RunsAlone;

/// <summary>TESTKIT_DEV_SERVICES redirects every Redis container of the process: these tests run alone.</summary>
[Collection(nameof(RedisDevServiceTests))]
public sealed class RedisDevServiceTests
{
    [Fact]
    public async Task A_redis_container_pointed_at_a_dev_service_uses_its_data_and_password()
    {
        var name = "dev-" + Guid.NewGuid().ToString("N")[..8];
        await using var devService = new RedisBuilder().WithPassword("dev-secret")
            .WithContainer(c => c.WithLabel(ResourceLabels.DevService, name).WithLabel(ResourceLabels.DevModule, "redis")
                .WithLabel(ResourceLabels.DevRole, ResourceLabels.DevMainRole)).Build();
        await devService.StartAsync();
        await using (var seed = await ConnectionMultiplexer.ConnectAsync(devService.GetConnectionString()))
        {
            await seed.GetDatabase().StringSetAsync("seen-by-tests", "yes");
        }

        Environment.SetEnvironmentVariable(DevServices.EnvironmentVariable, $"redis={name}");
        try
        {
            await using (var redis = new RedisContainer())
            {
                await redis.StartAsync();
                Assert.Equal(name, redis.DevService);
                Assert.Equal("dev-secret", redis.Password);
                await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.GetConnectionString());
                Assert.Equal("yes", (string?)await connection.GetDatabase().StringGetAsync("seen-by-tests"));
            }

            Assert.True((await devService.GetStateAsync()).Running, "the dev service must stay as it was");
        }
        finally
        {
            Environment.SetEnvironmentVariable(DevServices.EnvironmentVariable, null);
        }
    }
}
