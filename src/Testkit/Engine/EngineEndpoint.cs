namespace Testkit.Engine;

/// <summary>A place where a container engine may answer, and where that candidate came from.</summary>
/// <param name="Uri">The engine's address: <c>unix:///path</c> or <c>tcp://host:port</c>.</param>
/// <param name="Source">Why this address was tried, for error messages (e.g. "DOCKER_HOST").</param>
public sealed record EngineEndpoint(Uri Uri, string Source)
{
    /// <summary>The endpoints to try, in the documented order: the explicit setting, DOCKER_HOST,
    /// the default socket, the rootless socket, then Podman's sockets.</summary>
    public static IReadOnlyList<EngineEndpoint> Discover(string? explicitHost = null)
    {
        var candidates = new List<EngineEndpoint>();
        if (!string.IsNullOrWhiteSpace(explicitHost))
        {
            // An explicit choice is the only one: falling back would hide a mistake.
            return [new EngineEndpoint(new Uri(explicitHost), "the explicit engine setting")];
        }

        var dockerHost = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (!string.IsNullOrWhiteSpace(dockerHost))
        {
            return [new EngineEndpoint(new Uri(dockerHost), "DOCKER_HOST")];
        }

        candidates.Add(new EngineEndpoint(new Uri("unix:///var/run/docker.sock"), "the default socket"));
        var runtimeDir = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        if (!string.IsNullOrEmpty(runtimeDir))
        {
            candidates.Add(new EngineEndpoint(new Uri($"unix://{runtimeDir}/docker.sock"), "the rootless Docker socket"));
            candidates.Add(new EngineEndpoint(new Uri($"unix://{runtimeDir}/podman/podman.sock"), "the rootless Podman socket"));
        }

        candidates.Add(new EngineEndpoint(new Uri("unix:///run/podman/podman.sock"), "the Podman socket"));
        return candidates;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Uri} ({Source})";
}
