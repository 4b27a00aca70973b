using NUnit.Framework;
using StackExchange.Redis;
using Testkit.NUnit;
using Testkit.Redis;

namespace RedisNUnit;

// Testkit starts one Redis before the first test of this fixture and removes it after the last; each test's output
// gets what Redis printed while it ran, and Testkit's diagnostics go to TestContext.Progress.
public class PageViewCounterTests() : ContainerFixture<RedisContainer>(logger =>
    new RedisBuilder().WithContainer(c => c.WithLogger(logger)).Build())
{
    private ConnectionMultiplexer redis = null!;

    // Runs after the base class's [OneTimeSetUp], so the container is ready here.
    [OneTimeSetUp]
    public async Task ConnectAsync() => redis = await ConnectionMultiplexer.ConnectAsync(Container.GetConnectionString());

    [OneTimeTearDown]
    public async Task DisconnectAsync() => await redis.DisposeAsync();

    // Tests share the server: each counts under its own key.
    private PageViewCounter Counter => new(redis.GetDatabase(), TestContext.CurrentContext.Test.Name);

    [Test]
    public async Task Views_are_counted_per_page()
    {
        await Counter.RecordViewAsync("/home");
        await Counter.RecordViewAsync("/home");
        await Counter.RecordViewAsync("/about");

        Assert.That(await Counter.GetViewsAsync("/home"), Is.EqualTo(2));
        Assert.That(await Counter.GetViewsAsync("/about"), Is.EqualTo(1));
        Assert.That(await Counter.GetViewsAsync("/never-seen"), Is.Zero);
    }

    [Test]
    public async Task The_most_viewed_pages_come_first()
    {
        foreach (var page in new[] { "/a", "/b", "/b", "/c", "/c", "/c" })
        {
            await Counter.RecordViewAsync(page);
        }

        Assert.That(await Counter.TopAsync(2), Is.EqualTo(new[] { "/c", "/b" }));
    }
}
