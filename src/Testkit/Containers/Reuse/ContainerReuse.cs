using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Testkit.Cleanup;
using Testkit.Engine;

namespace Testkit.Containers.Reuse;

/// <summary>Settings and housekeeping of reused containers (<see cref="ContainerBuilder.WithReuse"/>): the switch that
/// turns reuse off, how long an unused one is kept, and the removal of idle ones.</summary>
/// <remarks>Each use is recorded on this machine in <c>~/.testkit/reuse/</c> (or <c>$TESTKIT_HOME/reuse/</c>); a reused
/// container not used for <see cref="IdleTimeout"/> is removed when a later test process connects to the engine (with
/// leak protection on), or by <see cref="PruneAsync"/>.</remarks>
public static class ContainerReuse
{
    /// <summary>The variable that turns reuse off with <c>off</c> (or <c>false</c>, <c>0</c>, <c>no</c>): every reused
    /// container becomes a throwaway one again.</summary>
    public const string EnvironmentVariable = "TESTKIT_REUSE";

    /// <summary>The variable that sets <see cref="IdleTimeout"/> as a duration such as <c>30m</c>, <c>2h</c> or <c>90s</c>.</summary>
    public const string IdleEnvironmentVariable = "TESTKIT_REUSE_IDLE";

    /// <summary>Whether <see cref="ContainerBuilder.WithReuse"/> reuses; false when <c>TESTKIT_REUSE=off</c>.</summary>
    public static bool Enabled { get; set; } = !EnvironmentSwitch.IsOff(Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>How long a reused container may stay unused before it is removed: one hour unless <c>TESTKIT_REUSE_IDLE</c> says otherwise.</summary>
    public static TimeSpan IdleTimeout { get; set; } = Environment.GetEnvironmentVariable(IdleEnvironmentVariable) is { Length: > 0 } idle
        ? Formats.Durations.Parse(idle)
        : TimeSpan.FromHours(1);

    private static string LedgerDirectory => Path.Combine(TestkitHome.Path, "reuse");

    /// <summary>Removes reused containers not used for <paramref name="idleFor"/> (<see cref="IdleTimeout"/> unless given;
    /// <see cref="TimeSpan.Zero"/> removes them all) and returns their names.</summary>
    public static async Task<IReadOnlyList<string>> PruneAsync(TimeSpan? idleFor = null, CancellationToken cancellationToken = default)
    {
        var engine = await DockerEngine.GetSharedAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return await PruneIdleAsync(engine, DateTimeOffset.UtcNow, idleFor ?? IdleTimeout, labelFilter: null, NullLogger.Instance, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes the reused containers (optionally only those carrying <paramref name="labelFilter"/>) whose last use is
    /// older than <paramref name="idleFor"/> at <paramref name="now"/>.</summary>
    internal static async Task<IReadOnlyList<string>> PruneIdleAsync(
        DockerEngine engine, DateTimeOffset now, TimeSpan idleFor, string? labelFilter, ILogger logger, CancellationToken cancellationToken)
    {
        var labels = new Dictionary<string, bool> { [ResourceLabels.Reuse] = true };
        if (labelFilter is not null)
        {
            labels[labelFilter] = true;
        }

        var reused = await engine.Client.Containers.ListContainersAsync(
            new ContainersListParameters { All = true, Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = labels } },
            cancellationToken).ConfigureAwait(false);
        var removed = new List<string>();
        foreach (var container in reused)
        {
            var key = container.Labels[ResourceLabels.Reuse];
            var idle = now - (LastUsed(key) ?? new DateTimeOffset(container.Created, TimeSpan.Zero));
            if (idle < idleFor)
            {
                continue;
            }

            var name = container.Names.FirstOrDefault()?.TrimStart('/') ?? container.ID[..12];
            try
            {
                await engine.Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken).ConfigureAwait(false);
                removed.Add(name);
                File.Delete(LedgerFile(key));
                File.Delete(LedgerFile(key) + ".lock");
                logger.ReusedContainerRemoved(name, idle, idleFor);
            }
            catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // Removed meanwhile by another process.
            }
        }

        if (labelFilter is null)
        {
            ForgetVanished(reused.Select(c => c.Labels[ResourceLabels.Reuse]).ToHashSet(StringComparer.Ordinal), now - idleFor);
        }

        return removed;
    }

    /// <summary>Deletes the records of keys whose container is gone (removed by hand or by another tool) and that are idle too.</summary>
    private static void ForgetVanished(HashSet<string> existing, DateTimeOffset idleSince)
    {
        if (!Directory.Exists(LedgerDirectory))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(LedgerDirectory))
        {
            var key = Path.GetFileName(file).Replace(".lock", "", StringComparison.Ordinal);
            if (!existing.Contains(key) && File.GetLastWriteTimeUtc(file) < idleSince.UtcDateTime)
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>Records a use of the reused container with this key, now.</summary>
    internal static void Touch(string key)
    {
        Directory.CreateDirectory(LedgerDirectory);
        var file = LedgerFile(key);
        File.WriteAllText(file, key);
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow);
    }

    /// <summary>When the reused container with this key was last used on this machine, or null if never recorded.</summary>
    internal static DateTimeOffset? LastUsed(string key) =>
        File.Exists(LedgerFile(key)) ? new DateTimeOffset(File.GetLastWriteTimeUtc(LedgerFile(key)), TimeSpan.Zero) : null;

    /// <summary>Takes the machine-wide lock of one reuse key, so that two processes starting the same container
    /// do not both create it, nor use it before its files are in.</summary>
    internal static async Task<IDisposable> LockAsync(string key, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(LedgerDirectory);
        var path = Path.Combine(LedgerDirectory, key + ".lock");
        var retry = new ResiliencePipelineBuilder()
            .AddTimeout(timeout)
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<IOException>(),
                BackoffType = DelayBackoffType.Constant,
                Delay = TimeSpan.FromMilliseconds(20),
                MaxRetryAttempts = int.MaxValue,
            })
            .Build();
        try
        {
            // The file stays: deleting it on close would let a waiter lock the unlinked file while a third process locks a new one.
            return await retry.ExecuteAsync(
                static (p, _) => ValueTask.FromResult<IDisposable>(new FileStream(p, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1)),
                path, cancellationToken).ConfigureAwait(false);
        }
        catch (Polly.Timeout.TimeoutRejectedException e)
        {
            throw new TestkitException(
                $"Another process has been starting the reused container with key {key[..12]} for more than {timeout.TotalSeconds:0} s (it holds {path}). "
                + "Wait for it, or end it if it hangs.", e);
        }
    }

    private static string LedgerFile(string key) => Path.Combine(LedgerDirectory, key);
}
