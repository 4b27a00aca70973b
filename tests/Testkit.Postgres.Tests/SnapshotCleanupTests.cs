using Docker.DotNet.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Testkit.Cleanup;
using Testkit.Engine;
using Testkit.Images;
using Testkit.Postgres.Snapshots;

namespace Testkit.Postgres.Tests;

/// <summary>A snapshot is committed first and named after: until it is named it must be its session's, so that a process
/// killed in between leaves nothing that no cleanup claims (the watchdog and the sweep then remove it; see
/// Testkit.Tests' KeepOnceTaggedTests), and once named it must outlive the session.</summary>
public sealed class SnapshotCleanupTests
{
    [Fact]
    public async Task A_snapshot_commit_carries_this_sessions_labels_and_is_kept_only_once_tagged()
    {
        var engine = await DockerEngine.GetSharedAsync();
        var image = await ImageResolver.ResolveAsync(engine, "debian:bookworm", PullPolicy.Missing, NullLogger.Instance, CancellationToken.None);
        var container = (await engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = image,
            Cmd = ["true"],
            Labels = new Dictionary<string, string>(ResourceLabels.ForThisSession),
        })).ID;
        var key = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        string? name = null;
        try
        {
            name = await SnapshotStore.CommitAsync(engine, container, key, image, dataOwner: null, CancellationToken.None);
            var labels = (await engine.Client.Images.InspectImageAsync(name)).Config?.Labels ?? new Dictionary<string, string>();

            Assert.Equal(ResourceLabels.SessionId, labels[ResourceLabels.Session]);
            Assert.Equal(ResourceLabels.ForThisSession[ResourceLabels.OwnerPid], labels[ResourceLabels.OwnerPid]);
            Assert.Equal(ResourceLabels.KeepOnceTagged, labels[ResourceLabels.Keep]);
        }
        finally
        {
            await engine.Client.Containers.RemoveContainerAsync(container, new ContainerRemoveParameters { Force = true });
            if (name is not null)
            {
                await engine.Client.Images.DeleteImageAsync(name, new ImageDeleteParameters { Force = true });
            }
        }
    }
}
