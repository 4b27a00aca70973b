using Microsoft.Extensions.Logging;

namespace Testkit.Containers;

/// <summary>The diagnostics of a start's attempts (kept beside the start, apart from <see cref="Log"/>, which other parts own).</summary>
internal static partial class ContainerStartLog
{
    [LoggerMessage(740, LogLevel.Warning, "Start attempt {Attempt} of {Attempts} failed, trying again on a new container: {Reason}")]
    public static partial void StartAttemptFailed(this ILogger logger, int attempt, int attempts, string reason);
}
