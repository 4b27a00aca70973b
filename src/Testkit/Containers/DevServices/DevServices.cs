using Docker.DotNet.Models;
using Testkit.Cleanup;
using Testkit.Engine;

namespace Testkit.Containers;

/// <summary>Points a test run at running dev services (started with the <c>testkit</c> command) instead of new containers:
/// <c>TESTKIT_DEV_SERVICES=postgres=demo,redis=cache</c> makes every Postgres container of the run use the dev service
/// <c>demo</c>, every Redis one <c>cache</c>. Opt-in, for debugging a test against the database you are looking at.</summary>
public static class DevServices
{
    /// <summary>The variable that maps module names to dev service names: <c>module=name</c> pairs separated by commas.</summary>
    public const string EnvironmentVariable = "TESTKIT_DEV_SERVICES";

    /// <summary>The dev service that stands in for containers of <paramref name="module"/> in this run, or null.</summary>
    public static string? For(string? module)
    {
        if (module is null || Environment.GetEnvironmentVariable(EnvironmentVariable) is not { Length: > 0 } mapping)
        {
            return null;
        }

        return mapping.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(pair => pair.Split('=', 2, StringSplitOptions.TrimEntries))
            .Where(pair => pair.Length == 2 && string.Equals(pair[0], module, StringComparison.OrdinalIgnoreCase))
            .Select(pair => pair[1])
            .LastOrDefault();
    }

    /// <summary>Finds the dev service <paramref name="name"/> of <paramref name="module"/> on the engine.</summary>
    /// <exception cref="TestkitException">No such dev service exists.</exception>
    internal static async Task<ContainerListResponse> FindAsync(DockerEngine engine, string module, string name, CancellationToken cancellationToken)
    {
        var found = await engine.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool>
                {
                    [$"{ResourceLabels.DevService}={name}"] = true,
                    [$"{ResourceLabels.DevModule}={module}"] = true,
                    [$"{ResourceLabels.DevRole}={ResourceLabels.DevMainRole}"] = true,
                },
            },
        }, cancellationToken).ConfigureAwait(false);
        return found.FirstOrDefault() ?? throw new TestkitException(
            $"{EnvironmentVariable} points {module} containers at the dev service '{name}', but no {module} dev service of that name exists. "
            + $"Start it with `testkit up {module} --name {name}`, or remove '{module}={name}' from {EnvironmentVariable}.");
    }
}
