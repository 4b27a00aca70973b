namespace Testkit.Compose;

/// <summary>A healthcheck; <see cref="Test"/> starts with CMD, CMD-SHELL or NONE as the engine expects.</summary>
/// <param name="Test">The test, or null to keep the image's.</param>
/// <param name="Interval">Time between checks.</param>
/// <param name="Timeout">Time a check may take.</param>
/// <param name="StartPeriod">Grace period after start.</param>
/// <param name="StartInterval">Time between checks during the start period.</param>
/// <param name="Retries">Failures in a row before unhealthy.</param>
/// <param name="Disable">True disables the image's healthcheck.</param>
public sealed record ComposeHealthcheck(
    IReadOnlyList<string>? Test, TimeSpan? Interval, TimeSpan? Timeout, TimeSpan? StartPeriod, TimeSpan? StartInterval, int? Retries, bool Disable);
