using System.Net.Sockets;
using System.Text;

namespace Testkit.Kafka.Tests;

public class ZooKeeperContainerTests
{
    [Fact]
    public async Task Alone_it_answers_ruok_with_imok()
    {
        await using var zookeeper = new ZooKeeperContainer();
        await zookeeper.StartAsync();

        // Asked by hand, not through the module, so the proof does not depend on the code under test.
        using var client = new TcpClient();
        await client.ConnectAsync(zookeeper.Host, zookeeper.GetMappedPort(ZooKeeperContainer.Port));
        await client.GetStream().WriteAsync("ruok"u8.ToArray());
        using var reader = new StreamReader(client.GetStream(), Encoding.ASCII);
        Assert.Equal("imok", await reader.ReadToEndAsync());

        Assert.Contains("Zookeeper version", await zookeeper.SendCommandAsync("srvr"), StringComparison.Ordinal);
        Assert.Equal($"127.0.0.1:{zookeeper.GetMappedPort(ZooKeeperContainer.Port)}", zookeeper.ConnectionString);
    }
}
