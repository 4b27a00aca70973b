using Testkit.Cleanup;
using Testkit.Containers;
using Testkit.Engine;
using Testkit.Images;

namespace Testkit.Tests.Images;

/// <summary>The public image store a module keeps its own images with (Postgres snapshots): commit without a name,
/// tag, find by label, inspect, remove; on the real engine, each test removing what it made.</summary>
public class ImageStoreTests
{
    private static readonly ContainerBuilder Sleeper = new ContainerBuilder("debian:bookworm").ReplaceCommand("sleep", "infinity");

    [Fact]
    public async Task An_untagged_commit_is_found_by_its_label_then_tagged_inspected_and_removed()
    {
        var store = (await DockerEngine.GetSharedAsync()).Images;
        var kind = Guid.NewGuid().ToString("N");
        var name = $"testkit-test/store:{kind}";
        await using var container = Sleeper.WithEnvironment("SECRET_AT_START", "hunter2").Build();
        await container.StartAsync();
        await container.StopAsync(TimeSpan.Zero);

        var id = await store.CommitAsync(container.Id, new ImageCommitOptions
        {
            Comment = "a seed",
            Labels = new Dictionary<string, string> { ["org.testkit.test.kind"] = kind, [ResourceLabels.Keep] = ResourceLabels.KeepOnceTagged },
            Environment = new Dictionary<string, string> { ["SECRET_AT_START"] = "" },
        });
        try
        {
            var listed = Assert.Single(await store.ListAsync(new Dictionary<string, string> { ["org.testkit.test.kind"] = kind }));
            Assert.Equal(id, listed.Id);
            Assert.Empty(listed.Tags);
            Assert.Equal("a seed", listed.Comment);
            Assert.Equal(ResourceLabels.SessionId, listed.Labels[ResourceLabels.Session]);
            Assert.Equal("", listed.Environment["SECRET_AT_START"]);
            Assert.Null(listed.LastTagged);

            await store.TagAsync(id, name);

            var tagged = await store.InspectAsync(name);
            Assert.Equal(id, tagged!.Id);
            Assert.Equal([name], tagged.Tags);
            Assert.NotNull(tagged.LastTagged);
            Assert.Equal(["sleep", "infinity"], tagged.Command);
            Assert.DoesNotContain("SECRET", tagged.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Assert.Null(await store.TryRemoveAsync(name));
            Assert.Null(await store.TryRemoveAsync(id));
        }

        Assert.Null(await store.InspectAsync(id));
        Assert.Empty(await store.ListAsync(new Dictionary<string, string> { ["org.testkit.test.kind"] = kind }));
    }

    [Fact]
    public async Task An_image_in_use_is_kept_with_the_engines_reason_and_a_missing_one_is_null()
    {
        var store = (await DockerEngine.GetSharedAsync()).Images;
        await using var container = Sleeper.Build();
        await container.StartAsync();
        var id = await store.CommitAsync(container.Id, new ImageCommitOptions());
        await using var user = new ContainerBuilder(id).ReplaceCommand("sleep", "infinity").Build();
        await user.StartAsync();

        var refusal = await store.TryRemoveAsync(id);

        Assert.Contains("is being used by", refusal, StringComparison.Ordinal);
        await user.DisposeAsync();
        Assert.Null(await store.TryRemoveAsync(id));
        Assert.Null(await store.InspectAsync("testkit-test/never-made:" + Guid.NewGuid().ToString("N")));
    }

    [Fact]
    public async Task A_commit_of_a_removed_container_names_the_cause()
    {
        var store = (await DockerEngine.GetSharedAsync()).Images;

        var error = await Assert.ThrowsAsync<TestkitException>(() => store.CommitAsync("0123456789ab", new ImageCommitOptions { Reference = "testkit-test/gone:x" }));

        Assert.Contains("Container 0123456789ab could not be committed as testkit-test/gone:x", error.Message, StringComparison.Ordinal);
        Assert.Contains("still exists", error.Message, StringComparison.Ordinal);
    }
}
