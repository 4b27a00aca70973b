using Testkit.Cleanup;
using Testkit.Containers;
using Testkit.Networks;
using Testkit.Tests.Shared;

namespace Testkit.Tests.Networks;

public class NetworkTests
{
    [Fact]
    public void Builders_are_immutable_and_each_build_gets_its_own_name()
    {
        var builder = new NetworkBuilder();
        var named = builder.WithName("orders").WithInternal().WithLabel("team", "shop").WithDriver("bridge");

        Assert.Null(builder.Name);
        Assert.False(builder.Internal);
        Assert.Empty(builder.Labels);
        Assert.Equal("orders", named.Name);
        Assert.True(named.Internal);

        var first = builder.Build();
        var second = builder.Build();
        Assert.StartsWith("testkit-", first.Name, StringComparison.Ordinal);
        Assert.NotEqual(first.Name, second.Name);
        Assert.Equal("orders", named.Build().Name);
    }

    [Fact]
    public async Task A_network_exists_only_between_create_and_dispose_and_carries_the_session_labels()
    {
        await using var network = new NetworkBuilder().WithLabel("purpose", "network-test").Build();
        Assert.Throws<InvalidOperationException>(() => network.Id);
        Assert.Equal(0, await NetworkProbe.CountNamedAsync(network.Name));

        await network.CreateAsync();
        var created = await NetworkProbe.InspectAsync(network.Id);

        Assert.NotNull(created);
        Assert.Equal(network.Name, created.Name);
        Assert.Equal("bridge", created.Driver);
        Assert.False(created.Internal);
        Assert.Equal("network-test", created.Labels["purpose"]);
        foreach (var (key, value) in ResourceLabels.ForThisSession)
        {
            Assert.Equal(value, created.Labels[key]);
        }

        await network.DisposeAsync();

        Assert.Null(await NetworkProbe.InspectAsync(network.Id));
        Assert.Equal(0, await NetworkProbe.CountNamedAsync(network.Name));
    }

    [Fact]
    public async Task An_internal_network_is_created_internal()
    {
        await using var network = new NetworkBuilder().WithInternal().Build();

        await network.CreateAsync();

        Assert.True((await NetworkProbe.InspectAsync(network.Id))!.Internal);
    }

    [Fact]
    public async Task Concurrent_and_repeated_creates_make_one_network()
    {
        var log = new RecordingLogger();
        await using var network = new NetworkBuilder().WithLogger(log).Build();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => network.CreateAsync())));
        var id = network.Id;
        await network.CreateAsync();

        Assert.Equal(id, network.Id);
        Assert.Equal(1, await NetworkProbe.CountNamedAsync(network.Name));
        await network.DisposeAsync();
        Assert.Equal(1, log.Count(300));
        Assert.Equal(1, log.Count(304));
    }

    [Fact]
    public async Task Dispose_is_safe_twice_and_on_a_network_never_created()
    {
        await using var neverCreated = new NetworkBuilder().Build();
        await neverCreated.DisposeAsync();
        await neverCreated.DisposeAsync();

        await using var network = new NetworkBuilder().Build();
        await network.CreateAsync();
        await network.DisposeAsync();
        await network.DisposeAsync();

        Assert.Equal(0, await NetworkProbe.CountNamedAsync(network.Name));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => network.CreateAsync());
    }

    [Fact]
    public async Task A_name_already_taken_is_reported_with_the_fix_and_leaves_no_duplicate()
    {
        await using var first = new NetworkBuilder().Build();
        await first.CreateAsync();
        await using var second = new NetworkBuilder().WithName(first.Name).Build();

        var error = await Assert.ThrowsAsync<TestkitException>(() => second.CreateAsync());

        Assert.Contains($"'{first.Name}' already exists", error.Message, StringComparison.Ordinal);
        Assert.Contains("WithName", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, await NetworkProbe.CountNamedAsync(first.Name));
        await second.DisposeAsync();
        Assert.NotNull(await NetworkProbe.InspectAsync(first.Id));
    }

    [Fact]
    public async Task A_name_the_engine_refuses_is_reported_with_the_fix_and_disposing_leaves_the_engine_alone()
    {
        // The engine refuses reserved names at once (an unknown driver would make it search for a plugin for ~15 s).
        await using var network = new NetworkBuilder().WithName("bridge").Build();

        var error = await Assert.ThrowsAsync<TestkitException>(() => network.CreateAsync());
        await network.DisposeAsync();

        Assert.Contains("'bridge'", error.Message, StringComparison.Ordinal);
        Assert.Contains("predefined", error.Message, StringComparison.Ordinal);
        Assert.Contains("WithName", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, await NetworkProbe.CountNamedAsync("bridge"));
    }

    [Fact]
    public async Task Dispose_disconnects_containers_still_attached_and_leaves_them_running()
    {
        await using var container = new ContainerBuilder("debian:bookworm").ReplaceCommand("sleep", "infinity").Build();
        await container.StartAsync();
        await using var network = new NetworkBuilder().Build();
        await network.ConnectAsync(container, "leftover");
        var id = network.Id;
        Assert.Contains(container.Id, (await NetworkProbe.InspectAsync(id))!.Containers.Keys);

        await network.DisposeAsync();

        Assert.Null(await NetworkProbe.InspectAsync(id));
        Assert.True((await container.GetStateAsync()).Running);
    }

    [Fact]
    public async Task Connecting_a_container_twice_is_reported_with_the_fix()
    {
        await using var network = new NetworkBuilder().Build();
        await using var container = new ContainerBuilder("debian:bookworm").ReplaceCommand("sleep", "infinity").WithNetwork(network).Build();
        await container.StartAsync();

        var error = await Assert.ThrowsAsync<TestkitException>(() => network.ConnectAsync(container));

        Assert.Contains(network.Name, error.Message, StringComparison.Ordinal);
        Assert.Contains("DisconnectAsync", error.Message, StringComparison.Ordinal);
    }
}
