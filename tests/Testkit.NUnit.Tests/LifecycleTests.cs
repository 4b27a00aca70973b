using NUnit.Framework.Internal;
using StackExchange.Redis;
using Testkit.Containers;
using Testkit.Tests.Shared;

namespace Testkit.NUnit.Tests;

// The fixtures' lifecycle methods driven by hand, as NUnit drives them, then checked on the engine.
public class LifecycleTests
{
    [Test]
    public async Task The_container_is_gone_from_the_engine_after_OneTimeTearDown()
    {
        var fixture = new RedisFixture();
        await fixture.StartContainerAsync();
        var id = fixture.Container.Id;
        Assert.That(await EngineProbe.ContainerRunningAsync(id), Is.True);

        await fixture.RemoveContainerAsync();

        Assert.That(await EngineProbe.ContainerExistsAsync(id), Is.False);
        Assert.That(() => fixture.Container, Throws.InstanceOf<ObjectDisposedException>().With.Message.Contains("has ended"));
        await fixture.DisposeAsync();
    }

    [Test]
    public async Task Two_fixtures_started_together_neither_share_nor_collide()
    {
        await using var one = new RedisFixture();
        await using var two = new RedisFixture();

        await Task.WhenAll(one.StartContainerAsync(), two.StartContainerAsync());

        Assert.That(one.Container.Id, Is.Not.EqualTo(two.Container.Id));
        await using var first = await ConnectionMultiplexer.ConnectAsync(one.Container.GetConnectionString());
        await using var second = await ConnectionMultiplexer.ConnectAsync(two.Container.GetConnectionString());
        await first.GetDatabase().StringSetAsync("who", "one");
        await second.GetDatabase().StringSetAsync("who", "two");
        Assert.That((string?)await first.GetDatabase().StringGetAsync("who"), Is.EqualTo("one"));
        Assert.That((string?)await second.GetDatabase().StringGetAsync("who"), Is.EqualTo("two"));
    }

    [Test]
    public async Task A_container_that_exits_while_starting_fails_OneTimeSetUp_with_its_exit_code()
    {
        var fixture = new FailingFixture();

        var error = Assert.ThrowsAsync<ContainerExitedException>(fixture.StartContainerAsync)!;

        Assert.That(error.ExitCode, Is.EqualTo(3));
        Assert.That(error.Message, Does.Contain("exited with code 3").And.Contain("giving up"));
        var noContainer = Assert.Throws<InvalidOperationException>(() => _ = fixture.Container)!;
        Assert.That(noContainer.InnerException, Is.SameAs(error));
        Assert.That(noContainer.Message, Does.Contain("could not start its container"));

        // The failed start already removed the container; OneTimeTearDown is still safe.
        await fixture.RemoveContainerAsync();
        Assert.That(await EngineProbe.ContainerExistsAsync(FailingFixture.Built!.Id), Is.False);
    }

    [Test]
    public void A_fixture_not_yet_started_says_so()
    {
        var fixture = new EchoFixture();

        Assert.That(() => fixture.Container, Throws.InvalidOperationException.With.Message.Contains("await StartContainerAsync first"));
    }

    [Test]
    public async Task The_running_test_receives_the_container_output_between_SetUp_and_TearDown()
    {
        await using var fixture = new EchoFixture();
        await fixture.StartContainerAsync();
        var probe = new RecordingWriter();

        fixture.CaptureContainerOutput();
        using (fixture.CaptureOutput(probe))
        {
            await fixture.Container.SayAsync("while-captured");

            // Lines reach writers in the order they were attached: the probe has it, so the test's output has it too.
            await probe.WaitForAsync("while-captured");
            Assert.That(TestExecutionContext.CurrentContext.CurrentResult.Output, Does.Contain("while-captured"));
        }

        fixture.ReleaseContainerOutput();
        using (fixture.CaptureOutput(probe))
        {
            await fixture.Container.SayAsync("after-release");
            await probe.WaitForAsync("after-release");
        }

        Assert.That(TestExecutionContext.CurrentContext.CurrentResult.Output, Does.Not.Contain("after-release"));
    }
}

// The intended use: a failing test here would show the container's lines in its own output.
public class OutputInARealFixtureTests() : ContainerFixture<Container>(Factories.Echo)
{
    [Test]
    public async Task Container_lines_go_to_the_test_output()
    {
        var result = await Container.ExecAsync(["sh", "-c", "echo visible-in-test-output > /proc/1/fd/1"]);

        Assert.That(result.ExitCode, Is.Zero);
    }
}
