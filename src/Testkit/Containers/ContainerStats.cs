namespace Testkit.Containers;

/// <summary>A snapshot of a running container's resource use, like one line of <c>docker stats</c>.</summary>
/// <param name="CpuPercent">CPU use since the previous sample, in percent of one core (200 = two full cores).</param>
/// <param name="MemoryUsedBytes">Memory in use, page cache excluded.</param>
/// <param name="MemoryLimitBytes">The memory limit (the host's memory when none was set).</param>
public sealed record ContainerStats(double CpuPercent, long MemoryUsedBytes, long MemoryLimitBytes);
