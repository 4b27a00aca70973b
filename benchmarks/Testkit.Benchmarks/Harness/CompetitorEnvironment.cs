using System.Reflection;

namespace Testkit.Benchmarks.Harness;

/// <summary>What Testcontainers needs to run on this machine, set in-process before any Testcontainers type is touched
/// (its settings are read once, in static initialisers). Values the caller already set are kept.</summary>
internal static class CompetitorEnvironment
{
    /// <summary>Testcontainers does not negotiate the API version: against an older engine (Docker 20.10, API 1.41) it must be told.</summary>
    public const string ApiVersionVariable = "DOCKER_API_VERSION";

    /// <summary>Its reaper (Ryuk) is an image to pull, which fails offline; this run removes its containers itself
    /// (dispose in <c>finally</c>, then a sweep by label).</summary>
    public const string RyukDisabledVariable = "TESTCONTAINERS_RYUK_DISABLED";

    /// <summary>Optional: where Testcontainers connects to published ports. Unset, it decides itself (on a machine with
    /// <c>/.dockerenv</c> it believes it runs in a container and uses the bridge gateway).</summary>
    public const string HostOverrideVariable = "TESTCONTAINERS_HOST_OVERRIDE";

    public static async Task ConfigureAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(ApiVersionVariable)))
        {
            // The engine's own version: the newest it speaks, which is all Testcontainers' client needs.
            var engineApi = await DockerCli.RunAsync(cancellationToken, "version", "--format", "{{.Server.APIVersion}}");
            Environment.SetEnvironmentVariable(ApiVersionVariable, engineApi);
        }

        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(RyukDisabledVariable)))
        {
            Environment.SetEnvironmentVariable(RyukDisabledVariable, "true");
        }
    }

    /// <summary>One line for the report: the version and the settings it ran with.</summary>
    public static string Describe()
    {
        var version = typeof(DotNet.Testcontainers.Builders.ContainerBuilder).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "?";
        var hostOverride = Environment.GetEnvironmentVariable(HostOverrideVariable);
        return $"Testcontainers {version} with {ApiVersionVariable}={Environment.GetEnvironmentVariable(ApiVersionVariable)}, "
            + $"{RyukDisabledVariable}={Environment.GetEnvironmentVariable(RyukDisabledVariable)}, "
            + (string.IsNullOrEmpty(hostOverride) ? $"{HostOverrideVariable} unset (its own choice of host)" : $"{HostOverrideVariable}={hostOverride}");
    }
}
