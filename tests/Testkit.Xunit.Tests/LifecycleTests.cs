using System.Text.RegularExpressions;
using StackExchange.Redis;
using Testkit.Containers;
using Testkit.Tests.Shared;

namespace Testkit.Xunit.Tests;

// The fixture's lifecycle driven by hand, as xunit drives it, then checked on the engine.
public class LifecycleTests
{
    [Fact]
    public async Task The_container_is_gone_from_the_engine_when_the_fixture_ends()
    {
        var sink = new RecordingSink();
        var fixture = new RedisFixture(sink);
        await fixture.InitializeAsync();
        var id = fixture.Container.Id;
        Assert.True(await EngineProbe.ContainerRunningAsync(id));

        // Testkit's lifecycle diagnostics and the container's own output both reach the sink.
        await sink.WaitForAsync($"Container {id[..12]} (");
        await sink.WaitForAsync("Ready to accept connections");

        await fixture.DisposeAsync();

        Assert.False(await EngineProbe.ContainerExistsAsync(id));
        var error = Assert.ThrowsAny<InvalidOperationException>(() => fixture.Container);
        Assert.Contains("has ended", error.Message, StringComparison.Ordinal);
        await fixture.DisposeAsync();
    }

    [Fact]
    public async Task Two_fixtures_started_together_neither_share_nor_collide()
    {
        var (one, two) = (new RedisFixture(new RecordingSink()), new RedisFixture(new RecordingSink()));
        try
        {
            await Task.WhenAll(one.InitializeAsync(), two.InitializeAsync());

            Assert.NotEqual(one.Container.Id, two.Container.Id);
            Assert.NotEqual(one.Container.GetMappedPort(6379), two.Container.GetMappedPort(6379));
            await using var first = await ConnectionMultiplexer.ConnectAsync(one.Container.GetConnectionString());
            await using var second = await ConnectionMultiplexer.ConnectAsync(two.Container.GetConnectionString());
            await first.GetDatabase().StringSetAsync("who", "one");
            await second.GetDatabase().StringSetAsync("who", "two");
            Assert.Equal("one", (string?)await first.GetDatabase().StringGetAsync("who"));
            Assert.Equal("two", (string?)await second.GetDatabase().StringGetAsync("who"));
        }
        finally
        {
            await Task.WhenAll(one.DisposeAsync(), two.DisposeAsync());
        }
    }

    [Fact]
    public async Task A_container_that_exits_while_starting_fails_the_fixture_with_its_exit_code()
    {
        var sink = new RecordingSink();
        var fixture = new FailingFixture(sink);

        var error = await Assert.ThrowsAsync<ContainerExitedException>(fixture.InitializeAsync);

        Assert.Equal(3, error.ExitCode);
        Assert.Contains("exited with code 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("giving up", error.Message, StringComparison.Ordinal);
        var noContainer = Assert.Throws<InvalidOperationException>(() => fixture.Container);
        Assert.Same(error, noContainer.InnerException);
        Assert.Contains("could not start its container", noContainer.Message, StringComparison.Ordinal);
        Assert.Contains(sink.All, m => m.Contains("did not start (ContainerExitedException)", StringComparison.Ordinal));

        // The failed start already removed the container; ending the fixture is still safe.
        await fixture.DisposeAsync();
        var shortId = Regex.Match(string.Join('\n', sink.All), "Container ([0-9a-f]{12}) ").Groups[1].Value;
        Assert.NotEmpty(shortId);
        Assert.False(await EngineProbe.ContainerExistsAsync(shortId));
    }

    [Fact]
    public async Task A_fixture_not_yet_started_says_so()
    {
        await using var fixture = new FailingFixture(new RecordingSink());

        var error = Assert.Throws<InvalidOperationException>(() => fixture.Container);

        Assert.Contains("await InitializeAsync first", error.Message, StringComparison.Ordinal);
    }
}
