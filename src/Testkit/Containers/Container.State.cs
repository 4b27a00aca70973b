using Docker.DotNet.Models;
using Testkit.Waiting;

namespace Testkit.Containers;

// What the engine knows of the running container: its ports, state, addresses and resource use.
public partial class Container
{
    /// <summary>The host port published for <paramref name="containerPort"/>.</summary>
    /// <exception cref="ArgumentException">That port was not published (see <c>WithPortBinding</c>).</exception>
    public int GetMappedPort(int containerPort, string protocol = "tcp")
    {
        _ = Id;
        return mappedPorts.TryGetValue($"{containerPort}/{protocol}", out var port)
            ? port
            : throw new ArgumentException($"Port {containerPort}/{protocol} of container {ShortId} is not published. Publish it with WithPortBinding({containerPort}).", nameof(containerPort));
    }

    int IWaitTarget.GetMappedPort(int containerPort) => GetMappedPort(containerPort);

    /// <summary>The container's current state, health included.</summary>
    public async Task<ContainerState> GetStateAsync(CancellationToken cancellationToken = default)
    {
        var state = (await InspectAsync(cancellationToken).ConfigureAwait(false)).State
            ?? throw new TestkitException($"The engine returned no state for container {ShortId}; is it being removed?");
        return new ContainerState(state.Status, state.Running, state.Paused, state.ExitCode, state.OOMKilled, state.Health?.Status,
            string.IsNullOrEmpty(state.Error) ? null : state.Error);
    }

    /// <summary>The container's IP address on each network it joined, by network name.</summary>
    public async Task<IReadOnlyDictionary<string, string>> GetIpAddressesAsync(CancellationToken cancellationToken = default)
    {
        var networks = (await InspectAsync(cancellationToken).ConfigureAwait(false)).NetworkSettings?.Networks;
        return networks?.ToDictionary(n => n.Key, n => n.Value.IPAddress) ?? [];
    }

    /// <summary>A snapshot of CPU and memory use, like one line of <c>docker stats</c> (takes about a second:
    /// the engine samples twice to compute the CPU figure).</summary>
    public async Task<ContainerStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        ContainerStatsResponse? received = null;
        await Engine.Client.Containers.GetContainerStatsAsync(
            Id, new ContainerStatsParameters { Stream = false }, new SyncProgress<ContainerStatsResponse>(s => received = s), cancellationToken).ConfigureAwait(false);
        if (received is not { } sample)
        {
            throw new TestkitException($"The engine returned no statistics for container {ShortId}; is it running?");
        }

        var (cpu, previous, memory) = (sample.CPUStats, sample.PreCPUStats, sample.MemoryStats);
        var cpuDelta = (double)(cpu?.CPUUsage?.TotalUsage ?? 0) - (previous?.CPUUsage?.TotalUsage ?? 0);
        var systemDelta = (double)(cpu?.SystemUsage ?? 0) - (previous?.SystemUsage ?? 0);
        var cpus = cpu?.OnlineCPUs ?? (uint)(cpu?.CPUUsage?.PercpuUsage?.Count ?? 1);
        var cpuPercent = systemDelta > 0 && cpuDelta > 0 ? cpuDelta / systemDelta * cpus * 100 : 0;

        // Like `docker stats`: page cache that the kernel can drop is not "used".
        var stats = memory?.Stats ?? new Dictionary<string, ulong>();
        var cache = stats.TryGetValue("total_inactive_file", out var v1) ? v1 : stats.TryGetValue("inactive_file", out var v2) ? v2 : 0;
        var usage = memory?.Usage ?? 0;
        return new ContainerStats(cpuPercent, (long)(usage - Math.Min(cache, usage)), (long)(memory?.Limit ?? 0));
    }

    private Task<ContainerInspectResponse> InspectAsync(CancellationToken cancellationToken) =>
        Engine.Client.Containers.InspectContainerAsync(Id, cancellationToken);
}
