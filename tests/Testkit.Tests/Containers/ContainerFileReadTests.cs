using Testkit.Containers;

namespace Testkit.Tests.Containers;

/// <summary>ReadFileAsync against the real engine: any size byte-exact, and only regular files.</summary>
public class ContainerFileReadTests
{
    private static readonly ContainerBuilder Sleeper = new ContainerBuilder("debian:bookworm").ReplaceCommand("sleep", "infinity");

    [Fact]
    public async Task Files_of_any_size_are_read_back_byte_exact()
    {
        // 512 bytes is one tar block: the sizes around it, and sizes far beyond the engine's first chunk, each end the body differently.
        int[] sizes = [0, 511, 512, 513, 100 * 1024, 5 * 1024 * 1024];
        await using var container = Sleeper.Build();
        await container.StartAsync();
        var written = sizes.ToDictionary(size => $"/data/{size}.bin", size =>
        {
            var content = new byte[size];
            new Random(size).NextBytes(content);
            return content;
        });
        await container.CopyToContainerAsync(written.Select(f => new ContainerFile(f.Key, f.Value, null, null)));

        foreach (var (path, content) in written)
        {
            var read = await container.ReadFileAsync(path);

            Assert.True(content.AsSpan().SequenceEqual(read), $"{path}: wrote {content.Length} bytes, read {read.Length} that differ");
        }
    }

    [Fact]
    public async Task A_symbolic_link_is_read_as_the_file_it_points_to()
    {
        await using var container = Sleeper.Build();
        await container.StartAsync();
        await container.ExecAsync(["sh", "-c", "mkdir -p /data && printf target > /data/real.txt && ln -s real.txt /data/link.txt"]);

        Assert.Equal("target"u8.ToArray(), await container.ReadFileAsync("/data/link.txt"));
    }

    [Fact]
    public async Task A_directory_is_refused_with_the_path_and_the_fix()
    {
        await using var container = Sleeper.Build();
        await container.StartAsync();
        await container.ExecAsync(["sh", "-c", "mkdir -p /data/dir && echo inside > /data/dir/first.txt && ln -s dir /data/dirlink"]);

        var error = await Assert.ThrowsAsync<TestkitException>(() => container.ReadFileAsync("/data/dir"));
        var throughLink = await Assert.ThrowsAsync<TestkitException>(() => container.ReadFileAsync("/data/dirlink"));

        Assert.Contains("'/data/dir'", error.Message, StringComparison.Ordinal);
        Assert.Contains("is a directory", error.Message, StringComparison.Ordinal);
        Assert.Contains("CopyFromContainerAsync", error.Message, StringComparison.Ordinal);
        Assert.Contains("'/data/dirlink'", throughLink.Message, StringComparison.Ordinal);
        Assert.Contains("is a directory", throughLink.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_path_is_refused_with_the_path()
    {
        await using var container = Sleeper.Build();
        await container.StartAsync();
        await container.ExecAsync(["sh", "-c", "mkdir -p /data && ln -s gone.txt /data/dangling"]);

        var missing = await Assert.ThrowsAsync<TestkitException>(() => container.ReadFileAsync("/no/such/file"));
        var dangling = await Assert.ThrowsAsync<TestkitException>(() => container.ReadFileAsync("/data/dangling"));

        Assert.Contains("'/no/such/file' does not exist", missing.Message, StringComparison.Ordinal);
        Assert.Contains("'/data/dangling'", dangling.Message, StringComparison.Ordinal);
        Assert.Contains("/data/gone.txt", dangling.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Path_info_tells_owner_mode_size_and_kind_of_a_stopped_containers_files_and_null_for_none()
    {
        await using var container = Sleeper.Build();
        await container.StartAsync();
        Assert.Equal(0, (await container.ExecAsync(["sh", "-c",
            "mkdir -p /data/dir && printf 12345 > /data/dir/file && chown 70:71 /data/dir/file && chmod 640 /data/dir/file && ln -s file /data/dir/link"])).ExitCode);
        await container.StopAsync(TimeSpan.Zero);

        var file = await container.GetPathInfoAsync("/data/dir/file");
        var directory = await container.GetPathInfoAsync("/data/dir");
        var link = await container.GetPathInfoAsync("/data/dir/link");

        Assert.Equal(new ContainerPathInfo("/data/dir/file", false, 5, (UnixFileMode)0b110_100_000, 70, 71, file!.Modified, null), file);
        Assert.True(directory!.IsDirectory);
        Assert.Equal("file", link!.LinkTarget);
        Assert.Null(await container.GetPathInfoAsync("/data/none"));
    }
}
