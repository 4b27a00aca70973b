namespace Testkit.Compose;

/// <summary>What the files read so far define, merged.</summary>
internal sealed class LoadState(string projectDirectory, IReadOnlyDictionary<string, string> env)
{
    public string ProjectDirectory { get; } = projectDirectory;

    public IReadOnlyDictionary<string, string> Env { get; } = env;

    public List<ComposeDiagnostic> Errors { get; } = [];

    public List<ComposeDiagnostic> Warnings { get; } = [];

    public string? Name { get; set; }

    public Dictionary<string, ServiceDraft> Services { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ComposeNetwork> Networks { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ComposeVolume> Volumes { get; } = new(StringComparer.Ordinal);

    public List<(string Volume, ComposeDiagnostic Where)> VolumeUses { get; } = [];

    public List<(string Network, ComposeDiagnostic Where)> NetworkUses { get; } = [];

    public ComposeProject Build(string? projectName)
    {
        var services = Services.ToDictionary(s => s.Key, s => s.Value.ToService(), StringComparer.Ordinal);
        foreach (var service in services.Values)
        {
            if (service.Image is null && service.Build is null)
            {
                Errors.Add(new ComposeDiagnostic(service.Source, $"services.{service.Name}", "the service has neither 'image' nor 'build': add one of them"));
            }

            foreach (var (dependency, entry) in service.DependsOn)
            {
                if (!services.ContainsKey(dependency) && entry.Required)
                {
                    Errors.Add(new ComposeDiagnostic(entry.Source, $"services.{service.Name}.depends_on.{dependency}",
                        $"service '{dependency}' is not defined: define it under services, fix the name (services: {string.Join(", ", services.Keys)}), or mark the dependency 'required: false'"));
                }
            }
        }

        foreach (var (volume, where) in VolumeUses.Where(u => !Volumes.ContainsKey(u.Volume)))
        {
            Errors.Add(where with { Message = $"named volume '{volume}' is not declared: add it under the top-level 'volumes:', or write a path starting with './' for a bind mount" });
        }

        foreach (var (network, where) in NetworkUses.Where(u => u.Network != "default" && !Networks.ContainsKey(u.Network)))
        {
            Errors.Add(where with { Message = $"network '{network}' is not declared: add it under the top-level 'networks:'" });
        }

        var cycle = ComposeGraph.FindCycle(services.Where(s => s.Value.DependsOn.Keys.All(services.ContainsKey)).ToDictionary(StringComparer.Ordinal));
        if (cycle is not null)
        {
            var first = services[cycle.Split(" -> ")[0]];
            Errors.Add(new ComposeDiagnostic(first.Source, $"services.{first.Name}.depends_on", $"depends_on has a cycle: {cycle}; remove one of these dependencies"));
        }

        if (Errors.Count > 0)
        {
            throw new ComposeException(Errors.ToList());
        }

        var name = projectName ?? Name ?? Path.GetFileName(ProjectDirectory);
        name = new string(name.ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-').ToArray());
        return new ComposeProject(name, ProjectDirectory, services, Networks.ToDictionary(StringComparer.Ordinal),
            Volumes.ToDictionary(StringComparer.Ordinal), Warnings.ToList());
    }
}
