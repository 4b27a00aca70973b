using Testkit.Containers;
using Testkit.Waiting;

namespace Testkit.Tests.Containers;

[Trait("Category", "Unit")]
public class ContainerBuilderTests
{
    [Fact]
    public void Each_change_returns_a_new_builder_and_leaves_the_original_alone()
    {
        var original = new ContainerBuilder("redis:7");

        var changed = original.WithEnvironment("A", "1").WithPortBinding(6379);

        Assert.Empty(original.Settings.Environment);
        Assert.Empty(original.Settings.Ports);
        Assert.Equal("1", changed.Settings.Environment["A"]);
        Assert.Equal(new PortBinding(6379), Assert.Single(changed.Settings.Ports));
    }

    [Fact]
    public void A_port_binding_names_the_host_port_so_the_two_ports_cannot_be_swapped()
    {
        var binding = new PortBinding(5432).OnHostPort(15432);

        Assert.Equal((5432, 15432, "127.0.0.1", "tcp"), (binding.ContainerPort, binding.HostPort, binding.HostIp, binding.Protocol));
        Assert.Equal(new PortBinding(53) { Protocol = "udp" }, new PortBinding(53).WithProtocol("udp"));
    }

    [Fact]
    public void Replace_command_replaces_and_append_command_adds_after_what_was_set()
    {
        var server = new ContainerBuilder("redis:7").ReplaceCommand("redis-server", "--appendonly", "yes");

        Assert.Equal(["redis-server", "--appendonly", "yes", "--maxmemory", "1mb"], server.AppendCommand("--maxmemory", "1mb").Settings.Command);
        Assert.Equal(["sh", "-c", "true"], server.ReplaceCommand("sh", "-c", "true").Settings.Command);
        Assert.Equal(["--loglevel", "debug"], new ContainerBuilder("redis:7").AppendCommand("--loglevel", "debug").Settings.Command);
    }

    [Fact]
    public void Ports_bind_to_loopback_unless_asked()
    {
        var builder = new ContainerBuilder("redis:7").WithPortBinding(6379).WithPortBinding(new PortBinding(80).OnHostPort(8080).OnHostIp(PortBinding.AnyAddress));

        Assert.Equal(["127.0.0.1", "0.0.0.0"], builder.Settings.Ports.Select(p => p.HostIp));
    }

    [Fact]
    public void Replacing_and_adding_a_wait_are_different_calls()
    {
        var first = Wait.ForLogMessage("one");
        var second = Wait.ForLogMessage("two");

        var builder = new ContainerBuilder("redis:7").WithWaitStrategy(first).AddWaitStrategy(second);

        Assert.Equal(new IWaitStrategy[] { first, second }, builder.Settings.WaitStrategies.ToArray());
        Assert.Equal(new IWaitStrategy[] { second }, builder.WithWaitStrategy(second).Settings.WaitStrategies.ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(70000)]
    public void Invalid_ports_are_rejected(int port) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ContainerBuilder("redis:7").WithPortBinding(port));

    [Fact]
    public void Printing_settings_never_shows_environment_values()
    {
        var settings = new ContainerBuilder("postgres:15").WithEnvironment("POSTGRES_PASSWORD", "s3cret-value").Settings;

        var text = settings.ToString();

        Assert.Contains("POSTGRES_PASSWORD", text, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-value", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Waits_describe_what_they_await()
    {
        var wait = Wait.ForAll(Wait.ForLogMessage("ready").Times(2).AfterLine("init done"), Wait.Until("a query to answer", (_, _) => ValueTask.FromResult(true)));

        Assert.Equal("log line /ready/ 2 times after /init done/, then a query to answer", wait.ToString());
    }
}
