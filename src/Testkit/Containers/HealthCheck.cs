namespace Testkit.Containers;

/// <summary>A health check the engine runs inside the container (like Dockerfile's HEALTHCHECK).</summary>
/// <param name="Command">The command; it is healthy when the command exits 0.</param>
/// <param name="Interval">Time between two checks.</param>
/// <param name="Timeout">How long one check may run.</param>
/// <param name="Retries">Failures in a row that make it unhealthy.</param>
/// <param name="StartPeriod">Time after start during which failures do not count.</param>
public sealed record HealthCheck(IReadOnlyList<string> Command, TimeSpan Interval, TimeSpan Timeout, int Retries = 3, TimeSpan StartPeriod = default);
