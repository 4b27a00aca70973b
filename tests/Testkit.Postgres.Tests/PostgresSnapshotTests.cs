using System.Collections.Concurrent;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Npgsql;
using Testkit.Engine;
using Testkit.Images;
using Testkit.Postgres.Snapshots;
using Testkit.Tests.Shared;
using Testkit.Volumes;

namespace Testkit.Postgres.Tests;

// Every test uses a database name of its own, so its snapshots are its own (the name is part of the key), and removes
// them at the end: no test depends on another or on an earlier run.
public sealed class PostgresSnapshotTests : IAsyncLifetime
{
    private readonly string database = "snap_" + Guid.NewGuid().ToString("N")[..12];
    private readonly ConcurrentBag<string> imagesToRemove = [];
    private readonly ConcurrentBag<IAsyncDisposable> toDispose = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // Containers before images: an image a container runs from cannot go.
        foreach (var item in toDispose)
        {
            await item.DisposeAsync();
        }

        var engine = await DockerEngine.GetSharedAsync();
        foreach (var image in imagesToRemove.Distinct())
        {
            try
            {
                await engine.Client.Images.DeleteImageAsync(image, new ImageDeleteParameters { Force = true });
            }
            catch (Docker.DotNet.DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // Removed by the test itself (the retention policy).
            }
        }
    }

    [Fact]
    public async Task A_start_from_a_snapshot_inspects_each_image_once_and_creates_one_container()
    {
        await StartAsync(new PostgresBuilder().WithDatabase(database));
        await using var proxy = new EngineProxy();
        using var engine = await DockerEngine.ConnectAsync(proxy.Host);
        using (DockerEngine.UseInThisFlow(engine))
        {
            await using var second = new PostgresBuilder().WithDatabase(database).Build();
            await second.StartAsync();
            Assert.NotNull(second.SnapshotImage);
        }

        // The described image resolved once, and the snapshot found by its name once: that lookup is its resolution.
        var inspects = proxy.Requests.Where(r => System.Text.RegularExpressions.Regex.IsMatch(r, "^GET /images/.+/json$")).ToList();
        Assert.Equal(2, inspects.Count);
        Assert.Single(inspects, r => r.Contains("testkit-snapshot", StringComparison.Ordinal));
        Assert.Equal(1, proxy.Count("^POST /containers/create$"));
    }

    [Fact]
    public async Task An_unchanged_configuration_starts_from_the_snapshot_the_first_start_made_with_the_init_scripts_data()
    {
        PostgresBuilder Configuration() => new PostgresBuilder().WithDatabase(database)
            .WithInitSql("CREATE TABLE seeded (origin text); INSERT INTO seeded VALUES ('init script');");

        var first = await StartAsync(Configuration());
        var second = await StartAsync(Configuration());

        Assert.NotNull(first.SnapshotImage);
        Assert.StartsWith(PostgresSnapshots.Repository + ":", first.SnapshotImage, StringComparison.Ordinal);
        Assert.Equal(first.SnapshotImage, second.SnapshotImage);
        Assert.Equal(second.SnapshotImage, second.Image);
        var (stdout, _) = await second.GetLogsAsync();
        Assert.Contains("Skipping initialization", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("init process complete", stdout, StringComparison.Ordinal);
        Assert.Equal("init script", await QueryAsync(second, "SELECT origin FROM seeded"));
        Assert.Single(await SnapshotImagesOfAsync(first.SnapshotImage!));

        // The image's volume holds nothing any more: no anonymous volume is made for it.
        var engine = await DockerEngine.GetSharedAsync();
        Assert.DoesNotContain((await engine.Client.Containers.InspectContainerAsync(second.Id)).Mounts, m => m.Type == "volume");

        // The password step ends as a child of the server: the server must not take it for a crashed backend. And a
        // restart keeps the data and the password.
        await second.RestartAsync();
        Assert.Equal("init script", await QueryAsync(second, "SELECT origin FROM seeded"));
        Assert.DoesNotContain("terminating any other active server processes", (await second.GetLogsAsync()).Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changing_an_init_script_a_server_setting_or_the_base_image_makes_a_new_snapshot()
    {
        var context = Directory.CreateTempSubdirectory("testkit-snapshot-base-").FullName;
        await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"), $"FROM {PostgresContainer.DefaultImage}\nLABEL test.derived={database}\n");
        await using var derived = await new ImageBuilder(context).BuildAsync();
        PostgresBuilder Configuration(string value) => new PostgresBuilder().WithDatabase(database)
            .WithInitSql($"CREATE TABLE seeded (origin text); INSERT INTO seeded VALUES ('{value}');");

        var starts = await Task.WhenAll(
            StartAsync(Configuration("one")),
            StartAsync(Configuration("two")),
            StartAsync(Configuration("one").WithServerSetting("work_mem", "5MB")),
            StartAsync(Configuration("one").WithImage(derived.Name)));
        var (original, otherScript, otherSetting, otherBase) = (starts[0], starts[1], starts[2], starts[3]);
        try
        {
            Assert.Equal(4, starts.Select(s => s.SnapshotImage).Distinct().Count());
            Assert.All(starts, s => Assert.NotNull(s.SnapshotImage));
            Assert.Equal("one", await QueryAsync(original, "SELECT origin FROM seeded"));
            Assert.Equal("two", await QueryAsync(otherScript, "SELECT origin FROM seeded"));
            Assert.Equal("5MB", await QueryAsync(otherSetting, "SELECT current_setting('work_mem')"));
            Assert.Equal("one", await QueryAsync(otherBase, "SELECT origin FROM seeded"));
        }
        finally
        {
            // The snapshot of the derived image builds on it: it goes first, or the image could not.
            await otherBase.DisposeAsync();
            var engine = await DockerEngine.GetSharedAsync();
            await engine.Client.Images.DeleteImageAsync(otherBase.SnapshotImage!, new ImageDeleteParameters { Force = true });
            Directory.Delete(context, recursive: true);
        }
    }

    [Fact]
    public async Task A_start_from_a_snapshot_has_its_own_password_the_earlier_one_fails_and_neither_is_logged()
    {
        var log = new RecordingLogger();
        var first = await StartAsync(new PostgresBuilder().WithDatabase(database).WithPassword("first-password"));
        var second = await StartAsync(new PostgresBuilder().WithDatabase(database).WithPassword("second-password").WithContainer(c => c.WithLogger(log)));

        Assert.Equal(first.SnapshotImage, second.SnapshotImage);
        Assert.Equal("1", await QueryAsync(second, "SELECT 1"));
        var stale = new NpgsqlConnectionStringBuilder(second.GetConnectionString()) { Password = "first-password" }.ConnectionString;
        await using var rejected = new NpgsqlConnection(stale);
        var error = await Assert.ThrowsAsync<PostgresException>(() => rejected.OpenAsync());
        Assert.Equal(PostgresErrorCodes.InvalidPassword, error.SqlState);

        var (stdout, stderr) = await second.GetLogsAsync();
        Assert.Contains("testkit: superuser password set", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("second-password", string.Join('\n', log.Messages) + stdout + stderr, StringComparison.Ordinal);
        Assert.Contains(log.Messages, m => m.Contains("Starting from snapshot", StringComparison.Ordinal));
        var engine = await DockerEngine.GetSharedAsync();
        var snapshot = await engine.Client.Images.InspectImageAsync(first.SnapshotImage!);
        Assert.DoesNotContain("first-password", System.Text.Json.JsonSerializer.Serialize(snapshot.Config), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_parallel_starts_of_a_new_configuration_both_succeed_from_one_snapshot()
    {
        PostgresBuilder Configuration() => new PostgresBuilder().WithDatabase(database).WithInitSql("CREATE TABLE seeded (n int); INSERT INTO seeded VALUES (7);");

        var both = await Task.WhenAll(StartAsync(Configuration()), StartAsync(Configuration()));

        Assert.Equal(both[0].SnapshotImage, both[1].SnapshotImage);
        Assert.All(await Task.WhenAll(both.Select(c => QueryAsync(c, "SELECT n FROM seeded"))), n => Assert.Equal("7", n));
        Assert.Single(await SnapshotImagesOfAsync(both[0].SnapshotImage!));
    }

    [Fact]
    public async Task Two_processes_committing_the_same_snapshot_keep_one_image_and_discard_the_other()
    {
        // What two test processes do when both made a seed for the same key: the engine's tag decides, nobody fails.
        var engine = await DockerEngine.GetSharedAsync();
        var key = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        imagesToRemove.Add(SnapshotStore.NameOf(key));
        var seeds = await Task.WhenAll(CreateTinyContainerAsync(), CreateTinyContainerAsync());

        var names = await Task.WhenAll(seeds.Select(id => SnapshotStore.CommitAsync(engine, id, key, "tiny", dataOwner: null, CancellationToken.None)));

        Assert.All(names, n => Assert.Equal(SnapshotStore.NameOf(key), n));
        Assert.Single(await ImagesLabelledAsync($"{PostgresSnapshots.KeyLabel}={key}"));
    }

    [Fact]
    public async Task Snapshots_off_or_a_data_directory_on_tmpfs_initialise_the_container_itself()
    {
        var off = await StartAsync(new PostgresBuilder().WithDatabase(database).WithSnapshot(false));
        var tmpfs = await StartAsync(new PostgresBuilder().WithDatabase(database).WithDataOnTmpfs());

        foreach (var container in new[] { off, tmpfs })
        {
            Assert.Null(container.SnapshotImage);
            Assert.Contains("init process complete", (await container.GetLogsAsync()).Stdout, StringComparison.Ordinal);
            Assert.Equal("1", await QueryAsync(container, "SELECT 1"));
        }

        Assert.Equal("tmpfs", (await tmpfs.ExecAsync(["stat", "-f", "-c", "%T", "/var/lib/postgresql/data"])).Stdout.Trim());
    }

    [Fact]
    public async Task Retention_removes_dangling_idle_and_surplus_snapshots_but_keeps_recently_used_and_running_ones()
    {
        // Real images labelled as snapshots of a module name of this test's own: the policy sees only them, never a real snapshot.
        var engine = await DockerEngine.GetSharedAsync();
        var module = "test-" + database;
        var inUse = await CommitTinySnapshotAsync(module, tagged: true);
        var a = await CommitTinySnapshotAsync(module, tagged: true);
        var b = await CommitTinySnapshotAsync(module, tagged: true);
        var c = await CommitTinySnapshotAsync(module, tagged: true);
        var dangling = await CommitTinySnapshotAsync(module, tagged: false);
        var derived = await CommitTinySnapshotAsync(module, tagged: true, derived: true);   // made from a snapshot: its labels, not a snapshot
        var container = await engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters { Image = inUse, Cmd = ["true"] });
        toDispose.Add(new RemoveContainer(engine, container.ID));
        await TouchAsync(engine, a);   // started from last: now the most recently used
        var now = DateTimeOffset.UtcNow;
        var keepTwo = new SnapshotRetention(TimeSpan.FromDays(7), MaxCount: 2);

        var halfAnHourLater = await SnapshotStore.PruneAsync(engine, keepTwo with { MaxCount = 0 }, now + TimeSpan.FromMinutes(30), Log, CancellationToken.None, module);
        var twoHoursLater = await SnapshotStore.PruneAsync(engine, keepTwo, now + TimeSpan.FromHours(2), Log, CancellationToken.None, module);
        var afterTwoHours = (await SnapshotStore.ListAsync(engine, module, CancellationToken.None)).Select(s => s.Name ?? s.Id).Order().ToList();
        var eightDaysLater = await SnapshotStore.PruneAsync(engine, keepTwo, now + TimeSpan.FromDays(8), Log, CancellationToken.None, module);
        var afterEightDays = (await SnapshotStore.ListAsync(engine, module, CancellationToken.None)).Select(s => s.Name ?? s.Id).ToList();

        Assert.Empty(halfAnHourLater);                                            // all used within the hour
        Assert.Equal(new[] { b, dangling }.Order(), twoHoursLater.Order());         // beyond the two used last (a, c), and the dangling one
        Assert.Equal(new[] { a, c, inUse }.Order(), afterTwoHours);                 // beyond the count too, but a container uses it
        Assert.Equal(new[] { a, c }.Order(), eightDaysLater.Order());               // unused for more than 7 days
        Assert.Equal([inUse], afterEightDays);
        Assert.NotNull(await ImageCleanup.InspectAsync(engine, derived));
    }

    private static ILogger Log { get; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    [Fact]
    public async Task A_volume_at_the_images_data_directory_holds_the_data_and_a_second_container_on_it_sees_it()
    {
        // Snapshots are on by default: the volume is where the user wants the data, so it must be used, not bypassed.
        await using var volume = new VolumeBuilder().Build();
        var builder = new PostgresBuilder().WithDatabase(database)
            .WithContainer(c => c.WithVolumeMount(volume, PostgresSnapshots.ImageDataDirectory));

        await using (var first = builder.Build())
        {
            await first.StartAsync();
            Assert.Null(first.SnapshotImage);
            Assert.Equal(PostgresSnapshots.ImageDataDirectory, await QueryAsync(first, "SHOW data_directory"));
            await QueryAsync(first, "CREATE TABLE kept (origin text); INSERT INTO kept VALUES ('first container')");
        }

        await using var second = builder.Build();
        await second.StartAsync();
        Assert.Null(second.SnapshotImage);
        Assert.Equal("first container", await QueryAsync(second, "SELECT origin FROM kept"));
    }

    [Fact]
    public async Task A_data_directory_with_another_password_fails_the_start_at_once_naming_the_cause()
    {
        await using var volume = new VolumeBuilder().Build();
        var builder = new PostgresBuilder().WithDatabase(database)
            .WithContainer(c => c.WithVolumeMount(volume, PostgresSnapshots.ImageDataDirectory).WithStartupTimeout(TimeSpan.FromMinutes(2)));
        await using (var first = builder.WithPassword("first-password").Build())
        {
            await first.StartAsync();
        }

        // Readiness used to retry the authentication failure until the startup timeout.
        await using var second = builder.WithPassword("second-password").Build();
        var error = await Assert.ThrowsAsync<TestkitException>(() => second.StartAsync());
        Assert.Contains("28P01", error.Message, StringComparison.Ordinal);
        Assert.Contains("WithPassword", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("second-password", error.ToString(), StringComparison.Ordinal);
    }

    private async Task<PostgresContainer> StartAsync(PostgresBuilder builder)
    {
        var container = builder.Build();
        toDispose.Add(container);
        await container.StartAsync();
        if (container.SnapshotImage is { } snapshot)
        {
            imagesToRemove.Add(snapshot);
        }

        return container;
    }

    private static async Task<string?> QueryAsync(PostgresContainer container, string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(container.GetConnectionString());
        await using var command = dataSource.CreateCommand(sql);
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<IList<ImagesListResponse>> SnapshotImagesOfAsync(string name)
    {
        var engine = await DockerEngine.GetSharedAsync();
        var image = await engine.Client.Images.InspectImageAsync(name);
        var key = image.Config?.Labels?[PostgresSnapshots.KeyLabel];
        return await ImagesLabelledAsync($"{PostgresSnapshots.KeyLabel}={key}");
    }

    private static async Task<IList<ImagesListResponse>> ImagesLabelledAsync(string label)
    {
        var engine = await DockerEngine.GetSharedAsync();
        return await engine.Client.Images.ListImagesAsync(new ImagesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [label] = true } },
        });
    }

    private async Task<string> CreateTinyContainerAsync()
    {
        var engine = await DockerEngine.GetSharedAsync();
        var image = await ImageResolver.ResolveAsync(engine, "debian:bookworm", PullPolicy.Missing, Log, CancellationToken.None);
        var created = await engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = image,
            Cmd = ["true"],
            Labels = new Dictionary<string, string>(Testkit.Cleanup.ResourceLabels.ForThisSession),
        });
        toDispose.Add(new RemoveContainer(engine, created.ID));
        return created.ID;
    }

    /// <summary>A real image labelled as a snapshot of <paramref name="module"/>: a commit of a tiny container.</summary>
    private async Task<string> CommitTinySnapshotAsync(string module, bool tagged, bool derived = false)
    {
        var engine = await DockerEngine.GetSharedAsync();
        var key = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var repository = derived ? "testkit-test/derived-from-snapshot" : PostgresSnapshots.Repository;
        var committed = await engine.Client.Images.CommitContainerChangesAsync(new CommitContainerChangesParameters
        {
            ContainerID = await CreateTinyContainerAsync(),
            RepositoryName = tagged ? repository : null!,
            Tag = tagged ? key[..32] : null!,
            Comment = derived ? "my seeded database" : SnapshotStore.Comment,
            Labels = new Dictionary<string, string>
            {
                [PostgresSnapshots.ModuleLabel] = module,
                [PostgresSnapshots.KeyLabel] = key,
                [Testkit.Cleanup.ResourceLabels.Keep] = "true",
            },
        });
        var name = tagged ? $"{repository}:{key[..32]}" : committed.ID;
        imagesToRemove.Add(name);
        return name;
    }

    private static Task TouchAsync(DockerEngine engine, string name) =>
        engine.Client.Images.TagImageAsync(name, new ImageTagParameters { RepositoryName = PostgresSnapshots.Repository, Tag = name.Split(':')[1] });

    private sealed class RemoveContainer(DockerEngine engine, string id) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() =>
            await engine.Client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true });
    }
}
