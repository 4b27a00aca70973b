using Testkit.Containers;

namespace Testkit.Tests.Containers;

/// <summary>Bad input fails at <c>Build()</c> with a message that names it and the fix, without an engine.</summary>
public class ContainerInputTests
{
    [Theory]
    [InlineData("localhost", "(host names are not resolved)")]
    [InlineData("999.1.1.1", "is not an IPv4 or IPv6 address")]
    [InlineData("127.1", "is not an IPv4 or IPv6 address")]
    [InlineData("0x7f.0.0.1", "is not an IPv4 or IPv6 address")]
    [InlineData("010.0.0.1", "is not an IPv4 or IPv6 address")]
    [InlineData("[::1]", "is not an IPv4 or IPv6 address")]
    [InlineData("fe80::1%eth0", "is not an IPv4 or IPv6 address")]
    [InlineData("", "is not an IPv4 or IPv6 address")]
    public void A_host_address_that_is_not_an_IP_literal_is_rejected_since_the_engine_would_publish_on_every_address(string hostIp, string reason)
    {
        var builder = new ContainerBuilder(new ContainerSettings { Image = "redis:7", Ports = [new PortBinding(6379).OnHostIp(hostIp)] });

        var error = Assert.Throws<ArgumentException>(() => builder.Build());

        Assert.Contains($"Host address '{hostIp}' of port 6379", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains("every address", error.Message, StringComparison.Ordinal);
        Assert.Contains("Use \"127.0.0.1\"", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new ContainerBuilder("redis:7").WithPortBinding(new PortBinding(6379).OnHostIp(hostIp)));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("192.168.10.255")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("::ffff:127.0.0.1")]
    public void IP_literals_are_accepted(string hostIp) =>
        Assert.NotNull(new ContainerBuilder("redis:7").WithPortBinding(new PortBinding(6379).OnHostIp(hostIp)).Build());

    [Theory]
    [InlineData("foo")]
    [InlineData("TCP")]
    [InlineData("")]
    public void A_protocol_other_than_tcp_udp_or_sctp_is_rejected(string protocol)
    {
        var error = Assert.Throws<ArgumentException>(() => new ContainerBuilder("redis:7").WithPortBinding(new PortBinding(6379).WithProtocol(protocol)));

        Assert.Contains($"protocol '{protocol}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"tcp\", \"udp\" and \"sctp\"", error.Message, StringComparison.Ordinal);
        Assert.NotNull(new ContainerBuilder("redis:7").WithPortBinding(new PortBinding(6379).WithProtocol("udp")).WithPortBinding(new PortBinding(6380).WithProtocol("sctp")).Build());
    }

    [Fact]
    public void A_module_container_made_from_settings_is_checked_too() =>
        Assert.Throws<ArgumentException>(() => new Container(new ContainerSettings { Image = "redis:7", Ports = [new PortBinding(6379).OnHostIp("localhost")] }));

    [Fact]
    public void An_environment_name_with_an_equals_sign_is_rejected_naming_it_and_the_fix()
    {
        var error = Assert.Throws<ArgumentException>(() => new ContainerBuilder("redis:7").WithEnvironment("A=B", "c"));

        Assert.Contains("'A=B' contains '='", error.Message, StringComparison.Ordinal);
        Assert.Contains("WithEnvironment(\"A\", \"B", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_environment_name_is_rejected_at_the_call_and_at_Build()
    {
        var error = Assert.Throws<ArgumentException>(() => new ContainerBuilder("redis:7").WithEnvironment("", "c"));
        Assert.Contains("An environment variable needs a name", error.Message, StringComparison.Ordinal);

        var settings = new ContainerSettings { Image = "redis:7", Environment = System.Collections.Immutable.ImmutableDictionary<string, string>.Empty.Add("A=B", "c") };
        Assert.Contains("'A=B' contains '='", Assert.Throws<ArgumentException>(() => new ContainerBuilder(settings).Build()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_env_file_line_without_a_name_is_reported_with_the_file_and_line()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "# settings\nMODE=fast\n=orphan\n");

            var error = Assert.Throws<ArgumentException>(() => new ContainerBuilder("redis:7").WithEnvironmentFile(file));

            Assert.Contains($"({file}:3)", error.Message, StringComparison.Ordinal);
            Assert.Contains("write NAME=value", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Values_marked_secret_are_kept_for_masking_and_never_printed()
    {
        var settings = new ContainerBuilder("redis:7")
            .WithEnvironment("CONNECTION", "user:marked-pw@db", secret: true)
            .WithSecret("cli-password")
            .WithEnvironment("DB_PASS", "ruled-pw")
            .Settings;

        Assert.Equal(["cli-password", "ruled-pw", "user:marked-pw@db"], settings.SecretValues.Order(StringComparer.Ordinal));
        var text = new ContainerBuilder(settings).ToString();
        Assert.DoesNotContain("marked-pw", text, StringComparison.Ordinal);
        Assert.DoesNotContain("cli-password", text, StringComparison.Ordinal);
        Assert.DoesNotContain("ruled-pw", text, StringComparison.Ordinal);
    }
}
