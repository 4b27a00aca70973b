namespace Testkit;

/// <summary>How Testkit's on/off environment variables (TESTKIT_CLEANUP, TESTKIT_REUSE, TESTKIT_SNAPSHOTS) are read.</summary>
public static class EnvironmentSwitch
{
    /// <summary>True when the value turns a feature off: <c>off</c>, <c>false</c>, <c>0</c>, <c>no</c> or <c>disabled</c>, in any case.</summary>
    public static bool IsOff(string? value) =>
        value?.Trim().ToUpperInvariant() is "OFF" or "FALSE" or "0" or "NO" or "DISABLED";
}
