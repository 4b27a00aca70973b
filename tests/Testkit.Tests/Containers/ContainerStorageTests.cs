using System.Text;
using Testkit.Containers;
using Testkit.Engine;

namespace Testkit.Tests.Containers;

public class ContainerStorageTests
{
    private static readonly ContainerBuilder Sleeper = new ContainerBuilder("debian:bookworm").ReplaceCommand("sleep", "infinity");

    [Fact]
    public async Task Bind_mounts_share_files_with_the_host_and_read_only_ones_refuse_writes()
    {
        var shared = Directory.CreateTempSubdirectory("testkit-bind-").FullName;
        var readOnly = Directory.CreateTempSubdirectory("testkit-ro-").FullName;
        await File.WriteAllTextAsync(Path.Combine(readOnly, "given.txt"), "from host");
        await using var container = Sleeper.WithBindMount(shared, "/shared").WithBindMount(readOnly, "/ro", readOnly: true).Build();
        await container.StartAsync();

        var write = await container.ExecAsync(["sh", "-c", "echo from-container > /shared/out.txt"]);
        var read = await container.ExecAsync(["cat", "/ro/given.txt"]);
        var refused = await container.ExecAsync(["sh", "-c", "echo x > /ro/new.txt"]);

        Assert.Equal(0, write.ExitCode);
        Assert.Equal("from-container\n", await File.ReadAllTextAsync(Path.Combine(shared, "out.txt")));
        Assert.Equal("from host", read.Stdout);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("Read-only file system", refused.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tmpfs_mounts_are_memory_backed()
    {
        await using var container = Sleeper.WithTmpfsMount("/scratch").Build();
        await container.StartAsync();

        var mounts = await container.ExecAsync(["sh", "-c", "grep ' /scratch ' /proc/mounts"]);

        Assert.StartsWith("tmpfs /scratch tmpfs", mounts.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_copied_in_before_start_have_their_content_mode_and_owner()
    {
        var directory = Directory.CreateTempSubdirectory("testkit-copy-").FullName;
        Directory.CreateDirectory(Path.Combine(directory, "nested"));
        await File.WriteAllTextAsync(Path.Combine(directory, "nested", "deep.txt"), "deep");
        var single = Path.Combine(directory, "single.txt");
        await File.WriteAllTextAsync(single, "single file");
        await using var container = Sleeper
            .WithFile("/etc/app/config.json", "{\"a\":1}", mode: (UnixFileMode)0b110_000_000, owner: (1000, 1001))
            .WithFile("/opt/run.sh", Encoding.UTF8.GetBytes("#!/bin/sh\necho ran\n"), mode: (UnixFileMode)0b111_101_101)
            .WithCopy(single, "/copied/single.txt")
            .WithCopy(directory, "/copied/dir")
            .Build();
        await container.StartAsync();

        var result = await container.ExecAsync(["sh", "-c", "stat -c '%a %u:%g' /etc/app/config.json; /opt/run.sh; cat /copied/single.txt; echo; cat /copied/dir/nested/deep.txt"]);

        Assert.Equal("600 1000:1001\nran\nsingle file\ndeep", result.Stdout);
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(await container.ReadFileAsync("/etc/app/config.json")));
    }

    [Fact]
    public async Task Files_are_read_and_copied_out_at_run_time()
    {
        await using var container = Sleeper.Build();
        await container.StartAsync();
        await container.CopyToContainerAsync("/work/input.bin", new byte[] { 1, 2, 3 });
        await container.ExecAsync(["sh", "-c", "mkdir -p /work/out && echo report > /work/out/report.txt"]);
        var target = Directory.CreateTempSubdirectory("testkit-out-").FullName;

        await container.CopyFromContainerAsync("/work/out", target);

        Assert.Equal(new byte[] { 1, 2, 3 }, await container.ReadFileAsync("/work/input.bin"));
        Assert.Equal("report\n", await File.ReadAllTextAsync(Path.Combine(target, "out", "report.txt")));
        var missing = await Assert.ThrowsAsync<TestkitException>(() => container.ReadFileAsync("/no/such/file"));
        Assert.Contains("/no/such/file", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispose_removes_the_container_with_its_anonymous_volumes()
    {
        string? volume;
        await using (var container = new ContainerBuilder("postgres:15").WithEntrypoint("sleep", "infinity").Build())
        {
            await container.StartAsync();
            var inspect = await ContainerConfigurationTests.Inspect(container);
            volume = Assert.Single(inspect.Mounts, m => m.Type == "volume").Name;
        }

        var engine = await DockerEngine.GetSharedAsync();
        var volumes = await engine.Client.Volumes.ListAsync(CancellationToken.None);
        Assert.DoesNotContain(volumes.Volumes ?? [], v => v.Name == volume);
    }
}
