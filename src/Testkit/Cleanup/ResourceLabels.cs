namespace Testkit.Cleanup;

/// <summary>The labels that mark what Testkit created, so that it can always be found and removed again.</summary>
public static class ResourceLabels
{
    /// <summary>Present on every resource Testkit creates.</summary>
    public const string Managed = "org.testkit.managed";

    /// <summary>The id of the test session (process) that created the resource.</summary>
    public const string Session = "org.testkit.session";

    /// <summary>With the value <c>true</c>, the resource is meant to outlive its session (a dev database, a reused
    /// container): neither the watchdog nor the sweep of dead sessions removes it (disposing it still does). With
    /// <see cref="KeepOnceTagged"/>, on an image: the same once the image has a tag.</summary>
    public const string Keep = KeepRule.Label;

    /// <summary>The <see cref="Keep"/> value of an image that is its session's until it has a tag and kept from then on:
    /// a commit named after it is made (a snapshot), which the session's cleanup removes when its process dies in between.</summary>
    public const string KeepOnceTagged = KeepRule.OnceTagged;

    /// <summary>On a reused container: the hash of the settings it was created with, by which later runs find it again.</summary>
    public const string Reuse = "org.testkit.reuse";

    /// <summary>On a dev service (started by the <c>testkit</c> command): its name.</summary>
    public const string DevService = "org.testkit.dev";

    /// <summary>On a dev service: the module it runs (postgres, redis, kafka).</summary>
    public const string DevModule = "org.testkit.dev.module";

    /// <summary>On a dev service's resources: which part of it a resource is (<see cref="DevMainRole"/>, <c>zookeeper</c>, a compose service…).</summary>
    public const string DevRole = "org.testkit.dev.role";

    /// <summary>The <see cref="DevRole"/> of the container clients connect to.</summary>
    public const string DevMainRole = "main";

    /// <summary>The host name of the process that created the resource: only processes on the same host judge whether it still runs.</summary>
    public const string OwnerHost = "org.testkit.owner.host";

    /// <summary>The id of the process that created the resource.</summary>
    public const string OwnerPid = "org.testkit.owner.pid";

    /// <summary>When that process started, so that another process that reuses its id is not mistaken for it (on Linux
    /// <c>linux:&lt;boot id&gt;:&lt;pid namespace&gt;:&lt;start in clock ticks&gt;</c>, elsewhere <c>time:&lt;UTC ticks&gt;</c>).</summary>
    public const string OwnerStart = "org.testkit.owner.start";

    /// <summary>Marks the one container, network or volume a Testkit object created, with a random id of that object: a create
    /// whose answer was lost (cancelled mid-request, while the engine went on creating) is still found and removed by it,
    /// and a same-named resource is never mistaken for ours.</summary>
    internal const string Instance = "org.testkit.instance";

    /// <summary>This process's session id.</summary>
    public static string SessionId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The labels every resource of this session carries.</summary>
    public static IReadOnlyDictionary<string, string> ForThisSession { get; } = new Dictionary<string, string>
    {
        [Managed] = "true",
        [Session] = SessionId,
        ["org.testkit.version"] = typeof(ResourceLabels).Assembly.GetName().Version?.ToString() ?? "0",
        [OwnerHost] = SessionOwner.Current.Host,
        [OwnerPid] = SessionOwner.Current.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [OwnerStart] = SessionOwner.Current.Start,
    };
}
