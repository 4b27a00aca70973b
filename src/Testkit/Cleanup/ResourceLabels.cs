namespace Testkit.Cleanup;

/// <summary>The labels that mark what Testkit created, so that it can always be found and removed again.</summary>
public static class ResourceLabels
{
    /// <summary>Present on every resource Testkit creates.</summary>
    public const string Managed = "org.testkit.managed";

    /// <summary>The id of the test session (process) that created the resource.</summary>
    public const string Session = "org.testkit.session";

    /// <summary>This process's session id.</summary>
    public static string SessionId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The labels every resource of this session carries.</summary>
    public static IReadOnlyDictionary<string, string> ForThisSession { get; } = new Dictionary<string, string>
    {
        [Managed] = "true",
        [Session] = SessionId,
        ["org.testkit.version"] = typeof(ResourceLabels).Assembly.GetName().Version?.ToString() ?? "0",
    };
}
