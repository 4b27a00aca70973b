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
}
