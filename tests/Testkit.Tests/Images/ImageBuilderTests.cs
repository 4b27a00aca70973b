using System.Diagnostics;
using Testkit.Cleanup;
using Testkit.Images;
using Testkit.Tests.Shared;
using Xunit.Abstractions;

namespace Testkit.Tests.Images;

public class ImageBuilderTests(ITestOutputHelper output)
{
    private const int BuildSkippedEvent = 404;

    [Fact]
    public async Task The_target_picks_the_stage_of_a_multi_stage_Dockerfile()
    {
        using var context = new TempContext(("Dockerfile", """
            FROM debian:bookworm AS first
            RUN echo "printed by the first stage" > /message
            CMD ["cat", "/message"]

            FROM debian:bookworm AS second
            COPY --from=first /message /first-message
            RUN echo "printed by the second stage" > /message
            CMD ["cat", "/message"]
            """));
        var builder = new ImageBuilder(context.Directory);

        await using var first = await builder.WithTarget("first").BuildAsync();
        await using var last = await builder.BuildAsync();

        Assert.Equal("printed by the first stage\n", await ImageProbe.RunAsync(first));
        Assert.Equal("printed by the second stage\n", await ImageProbe.RunAsync(last));
        Assert.StartsWith(ImageBuilder.DefaultRepositoryPrefix + Path.GetFileName(context.Directory).ToLowerInvariant() + ":", last.Name, StringComparison.Ordinal);
        Assert.NotEqual(first.Id, last.Id);
    }

    [Fact]
    public async Task A_build_arg_changes_the_output_and_can_name_the_base_image()
    {
        using var context = new TempContext(("Dockerfile", """
            ARG BASE=scratch
            FROM ${BASE}
            ARG GREETING=hello
            RUN echo "$GREETING from the build" > /greeting
            CMD ["cat", "/greeting"]
            """));
        var builder = new ImageBuilder(context.Directory).WithBuildArg("BASE", "debian:bookworm");

        await using var plain = await builder.BuildAsync();
        await using var french = await builder.WithBuildArg("GREETING", "bonjour").BuildAsync();

        Assert.Equal("hello from the build\n", await ImageProbe.RunAsync(plain));
        Assert.Equal("bonjour from the build\n", await ImageProbe.RunAsync(french));
        Assert.NotEqual(plain.BuildHash, french.BuildHash);
    }

    [Fact]
    public async Task Dockerignore_leaves_out_excluded_files_and_sends_the_ones_an_exception_brings_back()
    {
        using var context = new TempContext(
            ("Dockerfile", """
                FROM debian:bookworm
                COPY . /context/
                CMD ["sh", "-c", "cd /context && find . | sort"]
                """),
            (".dockerignore", """
                # secrets and logs stay home, but one log is needed
                secret.txt
                logs
                !logs/important.log
                docs/*.md
                !docs/README.md
                Dockerfile
                .dockerignore
                """),
            ("app.txt", "app"),
            ("secret.txt", "do not send"),
            ("logs/debug.log", "noise"),
            ("logs/important.log", "needed"),
            ("docs/README.md", "readme"),
            ("docs/notes.md", "notes"));

        await using var image = await new ImageBuilder(context.Directory).BuildAsync();

        // The engine still got the Dockerfile and .dockerignore (it built), and dropped them since they are ignored.
        Assert.Equal(".\n./app.txt\n./docs\n./docs/README.md\n./logs\n./logs/important.log\n", await ImageProbe.RunAsync(image));
    }

    [Fact]
    public async Task A_Dockerfile_outside_the_context_is_sent_under_a_generated_name_that_COPY_does_not_see()
    {
        using var context = new TempContext(("data.txt", "data"));
        using var elsewhere = new TempContext(("build/App.Dockerfile", """
            FROM debian:bookworm
            COPY . /context/
            CMD ["ls", "-A", "/context"]
            """));

        await using var image = await new ImageBuilder(context.Directory)
            .WithDockerfile(Path.Combine(elsewhere.Directory, "build", "App.Dockerfile"))
            .BuildAsync();

        Assert.Equal("data.txt\n", await ImageProbe.RunAsync(image));
    }

    [Fact]
    public async Task A_failing_step_names_the_step_its_command_and_its_last_output()
    {
        using var context = new TempContext(("Dockerfile", """
            FROM debian:bookworm
            RUN echo preparing > /prepared
            RUN echo "compiling the module" && echo "error: header missing.h not found" >&2 && exit 3
            CMD ["true"]
            """));

        var error = await Assert.ThrowsAsync<ImageBuildException>(() => new ImageBuilder(context.Directory).BuildAsync());

        Assert.Equal(3, error.Step);
        Assert.StartsWith("RUN echo \"compiling the module\"", error.Instruction, StringComparison.Ordinal);
        Assert.Contains("returned a non-zero code: 3", error.Reason, StringComparison.Ordinal);
        Assert.Contains("error: header missing.h not found", error.LastOutputLines);
        Assert.Contains($"at step 3/{error.StepCount} 'RUN echo \"compiling the module\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("compiling the module", error.Message, StringComparison.Ordinal);
        Assert.Contains("Fix the command", error.Message, StringComparison.Ordinal);
        Assert.Null(await ImageProbe.InspectAsync(error.Image));
    }

    [Fact]
    public async Task A_COPY_of_an_ignored_file_says_to_check_the_dockerignore()
    {
        using var context = new TempContext(
            ("Dockerfile", "FROM debian:bookworm\nCOPY secret.txt /secret.txt\n"),
            (".dockerignore", "secret.txt\n"),
            ("secret.txt", "s"));

        var error = await Assert.ThrowsAsync<ImageBuildException>(() => new ImageBuilder(context.Directory).BuildAsync());

        Assert.Equal(2, error.Step);
        Assert.Contains(".dockerignore does not exclude it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_base_image_with_pull_policy_Never_fails_before_the_build()
    {
        using var context = new TempContext(("Dockerfile", "FROM testkit-test/absent-base:1 AS base\nFROM base\n"));

        var error = await Assert.ThrowsAsync<ImageNotFoundException>(() => new ImageBuilder(context.Directory).WithPullPolicy(PullPolicy.Never).BuildAsync());

        Assert.Equal("testkit-test/absent-base:1", error.Image);
    }

    [Fact]
    public async Task A_repeat_build_of_a_10_MB_context_with_the_same_inputs_skips_the_build()
    {
        using var context = new TempContext(("Dockerfile", "FROM debian:bookworm\nCOPY . /data/\nCMD [\"sh\", \"-c\", \"du -sk /data | cut -f1\"]\n"));
        var random = new Random(42);
        for (var i = 0; i < 40; i++)
        {
            var bytes = new byte[256 * 1024];
            random.NextBytes(bytes);
            var path = Path.Combine(context.Directory, $"dir{i % 4}", $"sub{i % 3}", $"file{i}.bin");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, bytes);
        }

        var events = new RecordingLogger();
        var builder = new ImageBuilder(context.Directory).WithLogger(events);
        var clock = Stopwatch.StartNew();
        var first = await builder.BuildAsync();
        var firstTime = clock.Elapsed;
        clock.Restart();
        await using var repeat = await builder.BuildAsync();
        var repeatTime = clock.Elapsed;
        output.WriteLine($"10 MB context: first build {firstTime.TotalMilliseconds:0} ms, cached repeat {repeatTime.TotalMilliseconds:0} ms");

        Assert.False(first.FromCache);
        Assert.True(repeat.FromCache);
        Assert.Equal(first.Id, repeat.Id);
        Assert.Equal(first.Name, repeat.Name);
        Assert.Equal(1, events.Count(BuildSkippedEvent));

        // The first handle's dispose leaves the image to the repeat's handle, which still uses it.
        await first.DisposeAsync();
        Assert.NotNull(await ImageProbe.InspectAsync(repeat.Id));

        context.Write("dir0/sub0/file0.bin", "changed");
        await using var changed = await builder.BuildAsync();
        Assert.False(changed.FromCache);
        Assert.NotEqual(repeat.BuildHash, changed.BuildHash);
    }

    [Fact]
    public async Task Dispose_removes_the_image_unless_it_is_kept()
    {
        using var context = new TempContext(("Dockerfile", "FROM debian:bookworm\nRUN echo built > /built\n"), ("unique.txt", Guid.NewGuid().ToString()));
        var builder = new ImageBuilder(context.Directory);

        var removed = await builder.BuildAsync();
        var labels = (await ImageProbe.InspectAsync(removed.Id))!.Config!.Labels!;
        await removed.DisposeAsync();
        await removed.DisposeAsync();

        Assert.Equal(ResourceLabels.SessionId, labels[ResourceLabels.Session]);
        Assert.Equal(removed.BuildHash, labels[ImageBuilder.BuildHashLabel]);
        Assert.Null(await ImageProbe.InspectAsync(removed.Id));

        var kept = await builder.WithKeep().BuildAsync();
        try
        {
            await kept.DisposeAsync();
            var keptLabels = (await ImageProbe.InspectAsync(kept.Name))!.Config!.Labels!;
            await using var reused = await builder.WithKeep().BuildAsync();
            await reused.DisposeAsync();

            Assert.True(kept.Kept);
            Assert.False(keptLabels.ContainsKey(ResourceLabels.Session));
            Assert.Equal("true", keptLabels["org.testkit.keep"]);
            Assert.True(reused.FromCache);
            Assert.True(reused.Kept);
            Assert.Equal(kept.Id, (await ImageProbe.InspectAsync(kept.Name))?.ID);
        }
        finally
        {
            await ImageProbe.RemoveAsync(kept.Id);
        }
    }

    [Fact]
    public async Task Given_tags_name_the_image_and_bad_input_fails_before_the_engine_is_asked()
    {
        using var context = new TempContext(("Dockerfile", "FROM debian:bookworm\nLABEL purpose=tags\n"));
        var tag = $"testkit-test/tagged:{Guid.NewGuid():N}";

        await using (var image = await new ImageBuilder(context.Directory).WithTag(tag).WithTag(tag + "-second").WithLabel("team", "qa").BuildAsync())
        {
            Assert.Equal([tag, tag + "-second"], image.Tags);
            Assert.Equal("qa", (await ImageProbe.InspectAsync(tag))!.Config!.Labels!["team"]);
        }

        Assert.Null(await ImageProbe.InspectAsync(tag));
        Assert.Null(await ImageProbe.InspectAsync(tag + "-second"));
        Assert.Throws<ArgumentException>(() => new ImageBuilder(context.Directory).WithTag("Upper/Case"));
        var missing = await Assert.ThrowsAsync<ArgumentException>(() => new ImageBuilder(context.Directory).WithDockerfile("Nope.Dockerfile").BuildAsync());
        Assert.Contains("Nope.Dockerfile' does not exist", missing.Message, StringComparison.Ordinal);
    }
}
