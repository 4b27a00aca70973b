namespace Testkit.Compose;

/// <summary>A loaded, merged and validated compose project: what would be created, before anything is.</summary>
/// <param name="Name">The project name (top-level <c>name</c>, else the first file's directory).</param>
/// <param name="WorkingDirectory">The directory of the first file; relative paths resolve against it.</param>
/// <param name="Services">The services by name.</param>
/// <param name="Networks">The top-level networks by key.</param>
/// <param name="Volumes">The top-level volumes by key.</param>
/// <param name="Warnings">Keys that were ignored, with their lines.</param>
public sealed record ComposeProject(
    string Name,
    string WorkingDirectory,
    IReadOnlyDictionary<string, ComposeService> Services,
    IReadOnlyDictionary<string, ComposeNetwork> Networks,
    IReadOnlyDictionary<string, ComposeVolume> Volumes,
    IReadOnlyList<ComposeDiagnostic> Warnings)
{
    /// <summary>Groups of services to start in order; the services inside one group can start in parallel.</summary>
    public IReadOnlyList<IReadOnlyList<string>> StartOrder() => ComposeGraph.StartOrder(Services);

    /// <summary>The project with only the services enabled by these profiles: those without profiles, and those naming one of them.</summary>
    public ComposeProject WithProfiles(params IEnumerable<string> profiles)
    {
        var active = profiles.ToHashSet(StringComparer.Ordinal);
        var enabled = Services.Values.Where(s => s.Profiles.Count == 0 || active.Contains("*") || s.Profiles.Any(active.Contains));
        return this with { Services = enabled.ToDictionary(s => s.Name, StringComparer.Ordinal) };
    }
}
