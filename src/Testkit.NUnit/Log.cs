using Microsoft.Extensions.Logging;

namespace Testkit.NUnit;

/// <summary>What the fixtures themselves log, beside the container's own diagnostics.</summary>
internal static partial class Log
{
    [LoggerMessage(720, LogLevel.Information, "Fixture {Fixture}: starting {Image}")]
    public static partial void FixtureStarting(this ILogger logger, string fixture, string image);

    [LoggerMessage(721, LogLevel.Error, "Fixture {Fixture}: the container did not start ({Error}); its tests fail with that error")]
    public static partial void FixtureStartFailed(this ILogger logger, string fixture, string error);

    [LoggerMessage(722, LogLevel.Warning, "Fixture {Fixture}: the container's output is no longer forwarded ({Reason})")]
    public static partial void OutputForwardingStopped(this ILogger logger, string fixture, string reason);
}
