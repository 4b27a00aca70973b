using Testkit.Waiting;

namespace Testkit.Tests.Waiting;

public class ProcNetTcpTests
{
    // As `cat /proc/net/tcp /proc/net/tcp6` prints them inside a container (little-endian host).
    private const string Header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

    [Fact]
    public void A_socket_listening_on_any_ipv4_address_counts()
    {
        var table = Header + "   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12345 1 0000 100 0 0 10 0\n";

        Assert.True(ProcNetTcp.IsListening(table, 8080));
        Assert.False(ProcNetTcp.IsListening(table, 8081));
    }

    [Fact]
    public void A_socket_listening_on_any_ipv6_address_counts()
    {
        var table = Header + "   0: 00000000000000000000000000000000:1B58 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0\n";

        Assert.True(ProcNetTcp.IsListening(table, 7000));
    }

    [Fact]
    public void A_connection_in_another_state_on_the_port_does_not_count()
    {
        // 01 = ESTABLISHED, 06 = TIME_WAIT: a client connection, not a listener.
        var table = Header
                    + "   0: 0200A8C0:1F90 0100A8C0:D431 01 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0\n"
                    + "   1: 0200A8C0:1F90 0100A8C0:D432 06 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0\n";

        Assert.False(ProcNetTcp.IsListening(table, 8080));
    }

    [Theory]
    [InlineData("0100007F")]
    [InlineData("00000000000000000000000001000000")]
    [InlineData("0000000000000000FFFF00000100007F")]
    public void A_loopback_only_listener_is_not_reachable_through_the_port_mapping(string address)
    {
        var table = Header + $"   0: {address}:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0\n";

        Assert.False(ProcNetTcp.IsListening(table, 8080));
    }

    [Fact]
    public void A_listener_on_the_containers_own_address_counts()
    {
        var table = Header + "   0: 020011AC:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0\n";

        Assert.True(ProcNetTcp.IsListening(table, 8080));
    }

    [Fact]
    public void An_empty_table_has_no_listener() => Assert.False(ProcNetTcp.IsListening(Header, 8080));
}
