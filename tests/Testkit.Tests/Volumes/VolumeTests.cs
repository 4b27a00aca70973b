using Microsoft.Extensions.Logging;
using Testkit.Cleanup;
using Testkit.Containers;
using Testkit.Tests.Shared;
using Testkit.Volumes;

namespace Testkit.Tests.Volumes;

public class VolumeTests
{
    private static readonly ContainerBuilder Debian = new ContainerBuilder("debian:bookworm").ReplaceCommand("sleep", "infinity");

    [Fact]
    public void Builders_are_immutable_each_build_gets_its_own_name_and_bad_names_fail_early()
    {
        var builder = new VolumeBuilder();
        var named = builder.WithName("orders-data").WithLabel("team", "shop");

        Assert.Null(builder.Name);
        Assert.Empty(builder.Labels);
        Assert.Equal("orders-data", named.Build().Name);
        Assert.StartsWith("testkit-", builder.Build().Name, StringComparison.Ordinal);
        Assert.NotEqual(builder.Build().Name, builder.Build().Name);

        var error = Assert.Throws<ArgumentException>(() => builder.WithName("no/slashes"));
        Assert.Contains("[a-zA-Z0-9_.-]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_volume_exists_only_between_create_and_dispose_and_carries_the_session_labels()
    {
        await using var volume = new VolumeBuilder().WithLabel("purpose", "volume-test").Build();
        Assert.Null(await VolumeProbe.InspectAsync(volume.Name));

        await volume.CreateAsync();
        var created = await VolumeProbe.InspectAsync(volume.Name);

        Assert.NotNull(created);
        Assert.Equal("volume-test", created.Labels["purpose"]);
        foreach (var (key, value) in ResourceLabels.ForThisSession)
        {
            Assert.Equal(value, created.Labels[key]);
        }

        Assert.True(await VolumeProbe.IsListedAsync(volume.Name));

        await volume.DisposeAsync();

        Assert.False(await VolumeProbe.IsListedAsync(volume.Name));
    }

    [Fact]
    public async Task Concurrent_and_repeated_creates_succeed_and_make_one_volume()
    {
        var log = new RecordingLogger();
        await using var volume = new VolumeBuilder().WithLogger(log).Build();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => volume.CreateAsync())));
        await volume.CreateAsync();

        Assert.True(await VolumeProbe.IsListedAsync(volume.Name));
        Assert.Equal(1, log.Count(310));
    }

    [Fact]
    public async Task Dispose_is_safe_twice_and_on_a_volume_never_created()
    {
        await using var neverCreated = new VolumeBuilder().Build();
        await neverCreated.DisposeAsync();
        await neverCreated.DisposeAsync();

        await using var volume = new VolumeBuilder().Build();
        await volume.CreateAsync();
        await volume.DisposeAsync();
        await volume.DisposeAsync();

        Assert.False(await VolumeProbe.IsListedAsync(volume.Name));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => volume.CreateAsync());
    }

    [Fact]
    public async Task A_name_already_taken_is_reported_with_the_fix_and_the_other_volume_is_left_alone()
    {
        await using var first = new VolumeBuilder().Build();
        await first.CreateAsync();
        await using var second = new VolumeBuilder().WithName(first.Name).Build();

        var error = await Assert.ThrowsAsync<TestkitException>(() => second.CreateAsync());
        await second.DisposeAsync();

        Assert.Contains($"'{first.Name}' already exists", error.Message, StringComparison.Ordinal);
        Assert.Contains("WithName", error.Message, StringComparison.Ordinal);
        Assert.True(await VolumeProbe.IsListedAsync(first.Name));
    }

    [Fact]
    public async Task Data_survives_a_stop_and_start_and_the_container_and_is_seen_by_a_second_container()
    {
        var log = new RecordingLogger();
        await using var volume = new VolumeBuilder().WithLogger(log).Build();
        await using (var writer = Debian.WithVolumeMount(volume, "/data").Build())
        {
            await writer.StartAsync();
            Assert.Equal(0, (await writer.ExecAsync(["bash", "-c", "echo kept > /data/note"])).ExitCode);

            await writer.StopAsync(TimeSpan.FromSeconds(1));
            await writer.StartAsync();

            Assert.Equal("kept\n", (await writer.ExecAsync(["cat", "/data/note"])).Stdout);
        }

        // The writer was removed with its anonymous volumes; a named one is not anonymous.
        Assert.True(await VolumeProbe.IsListedAsync(volume.Name));
        await using (var reader = Debian.WithVolumeMount(volume, "/data", readOnly: true).Build())
        {
            await reader.StartAsync();

            Assert.Equal("kept\n", (await reader.ExecAsync(["cat", "/data/note"])).Stdout);
            Assert.NotEqual(0, (await reader.ExecAsync(["bash", "-c", "echo more >> /data/note"])).ExitCode);

            // Still mounted: the volume stays, says why, and a later dispose removes it.
            await volume.DisposeAsync();
            Assert.True(await VolumeProbe.IsListedAsync(volume.Name));
            Assert.Contains(log.Entries, e => e.EventId == 312 && e.Level == LogLevel.Warning && e.Message.Contains(volume.Name, StringComparison.Ordinal));
        }

        await volume.DisposeAsync();
        Assert.False(await VolumeProbe.IsListedAsync(volume.Name));
    }
}
