namespace Testkit.Compose;

/// <summary>When a dependency counts as ready.</summary>
public enum ComposeCondition
{
    /// <summary>The dependency has started.</summary>
    ServiceStarted,

    /// <summary>The dependency's healthcheck passes.</summary>
    ServiceHealthy,

    /// <summary>The dependency ran to completion with exit code 0.</summary>
    ServiceCompletedSuccessfully,
}
