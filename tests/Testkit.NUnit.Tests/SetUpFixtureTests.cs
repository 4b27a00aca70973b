using Testkit.Redis;
using Testkit.Tests.Shared;

namespace Testkit.NUnit.Tests;

/// <summary>Not marked [SetUpFixture]: driven by hand.</summary>
public sealed class HandDrivenSetUp() : ContainerSetUpFixture<RedisContainer>(Factories.Redis);

public class SetUpFixtureTests
{
    [Test]
    public async Task A_set_up_fixture_is_found_while_it_runs_and_its_container_is_gone_after()
    {
        Assert.That(() => SetUpFixtures.Get<HandDrivenSetUp>(), Throws.InvalidOperationException
            .With.Message.Contains("HandDrivenSetUp is not running").And.Message.Contains("[SetUpFixture]"));
        var fixture = new HandDrivenSetUp();

        await fixture.StartContainerAsync();
        var id = SetUpFixtures.Get<HandDrivenSetUp>().Container.Id;
        Assert.That(await EngineProbe.ContainerRunningAsync(id), Is.True);
        await fixture.RemoveContainerAsync();

        Assert.That(await EngineProbe.ContainerExistsAsync(id), Is.False);
        Assert.That(() => SetUpFixtures.Get<HandDrivenSetUp>(), Throws.InvalidOperationException);
    }
}
