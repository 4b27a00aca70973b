using Microsoft.Extensions.Logging;

namespace Testkit.Compose;

/// <summary>What a compose stack logs, as source-generated messages; the event ids 600–608 are the ones Testkit's core used.</summary>
internal static partial class ComposeLog
{
    [LoggerMessage(600, LogLevel.Information, "Compose project {Project}: starting {Services} services in {Groups} groups")]
    public static partial void ComposeStarting(this ILogger logger, string project, int services, int groups);

    [LoggerMessage(601, LogLevel.Warning, "Compose project {Project}: {Warning}")]
    public static partial void ComposeWarning(this ILogger logger, string project, string warning);

    [LoggerMessage(602, LogLevel.Information, "Compose project {Project}: building service {Service}")]
    public static partial void ComposeBuilding(this ILogger logger, string project, string service);

    [LoggerMessage(603, LogLevel.Information, "Compose project {Project}: service {Service} waits for {Dependency} to complete successfully")]
    public static partial void ComposeWaitingForCompletion(this ILogger logger, string project, string service, string dependency);

    [LoggerMessage(604, LogLevel.Information, "Compose project {Project}: service {Service} ready in {Milliseconds} ms")]
    public static partial void ComposeServiceReady(this ILogger logger, string project, string service, long milliseconds);

    [LoggerMessage(605, LogLevel.Information, "Compose project {Project} up in {Milliseconds} ms")]
    public static partial void ComposeStarted(this ILogger logger, string project, long milliseconds);

    [LoggerMessage(606, LogLevel.Warning, "Compose project {Project} failed to start, removing what was created: {Reason}")]
    public static partial void ComposeStartFailed(this ILogger logger, string project, string reason);

    [LoggerMessage(607, LogLevel.Information, "Compose project {Project} down in {Milliseconds} ms (volumes removed: {VolumesRemoved})")]
    public static partial void ComposeDown(this ILogger logger, string project, long milliseconds, bool volumesRemoved);

    [LoggerMessage(608, LogLevel.Warning, "Compose project {Project}: removing {Resource} failed: {Reason}")]
    public static partial void ComposeRemoveFailed(this ILogger logger, string project, string resource, string reason);
}
