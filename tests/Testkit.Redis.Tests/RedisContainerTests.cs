using StackExchange.Redis;

namespace Testkit.Redis.Tests;

public class RedisContainerTests
{
    [Fact]
    public async Task Values_set_are_read_back()
    {
        await using var redis = new RedisContainer();
        await redis.StartAsync();

        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.GetConnectionString());
        var db = connection.GetDatabase();
        await db.StringSetAsync("greeting", "hello");

        Assert.Equal("hello", (string?)await db.StringGetAsync("greeting"));
    }

    [Fact]
    public async Task A_published_message_reaches_a_subscriber()
    {
        await using var redis = new RedisContainer();
        await redis.StartAsync();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.GetConnectionString());
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var channel = RedisChannel.Literal("news");
        await connection.GetSubscriber().SubscribeAsync(channel, (_, message) => received.TrySetResult(message!));

        await connection.GetSubscriber().PublishAsync(channel, "extra!");

        Assert.Equal("extra!", await received.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_password_is_enforced()
    {
        await using var redis = new RedisBuilder().WithPassword("s3cret-pass").Build();
        await redis.StartAsync();

        await using (var authorised = await ConnectionMultiplexer.ConnectAsync(redis.GetConnectionString()))
        {
            Assert.Equal("ok", (string?)await authorised.GetDatabase().ExecuteAsync("ECHO", "ok"));
        }

        // Without the password, the server itself refuses the command.
        using var anonymous = new System.Net.Sockets.TcpClient();
        await anonymous.ConnectAsync(redis.Host, redis.GetMappedPort(RedisContainer.Port));
        var stream = anonymous.GetStream();
        await stream.WriteAsync("GET x\r\n"u8.ToArray());
        var buffer = new byte[128];
        var read = await stream.ReadAsync(buffer);
        Assert.StartsWith("-NOAUTH", System.Text.Encoding.ASCII.GetString(buffer, 0, read), StringComparison.Ordinal);

        var wrong = redis.ToConfiguration();
        wrong.Password = "wrong-pass";
        wrong.AbortOnConnectFail = true;
        await Assert.ThrowsAsync<RedisConnectionException>(() => ConnectionMultiplexer.ConnectAsync(wrong));
    }

    [Fact]
    public async Task After_dispose_the_container_is_gone_from_the_engine()
    {
        var redis = new RedisContainer();
        await redis.StartAsync();

        await redis.DisposeAsync();

        var engine = await Testkit.Engine.DockerEngine.GetSharedAsync();
        await Assert.ThrowsAsync<Docker.DotNet.DockerContainerNotFoundException>(() => engine.Client.Containers.InspectContainerAsync(redis.Id));
    }
}
