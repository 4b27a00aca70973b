namespace Testkit.Compose;

/// <summary>Options for reading compose files.</summary>
public sealed record ComposeLoadOptions
{
    /// <summary>The variables for interpolation; null means the process environment. They win over the .env file.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>The project name; null takes the top-level <c>name</c>, else the first file's directory name.</summary>
    public string? ProjectName { get; init; }
}

/// <summary>Reads compose files into a validated <see cref="ComposeProject"/>, following the Compose specification.</summary>
public static class ComposeLoader
{
    /// <summary>Reads one compose file.</summary>
    public static ComposeProject Load(string file, ComposeLoadOptions? options = null) => Load([file], options);

    /// <summary>Reads compose files in order; later files override earlier ones by the specification's merge rules.</summary>
    public static ComposeProject Load(IReadOnlyList<string> files, ComposeLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0)
        {
            throw new ArgumentException("Give at least one compose file, such as \"docker-compose.yaml\".", nameof(files));
        }

        options ??= new ComposeLoadOptions();
        var paths = files.Select(Path.GetFullPath).ToList();
        var projectDirectory = Path.GetDirectoryName(paths[0])!;
        var env = BuildEnvironment(projectDirectory, options.Environment);

        var state = new LoadState(projectDirectory, env);
        foreach (var path in paths)
        {
            if (!File.Exists(path))
            {
                state.Errors.Add(new ComposeDiagnostic(new ComposeSource(path, 0), "(file)", "the compose file does not exist: check the path, relative to the current directory " + Directory.GetCurrentDirectory()));
                continue;
            }

            new ComposeFileReader(path, state).Read(File.ReadAllText(path));
        }

        return state.Build(options.ProjectName);
    }

    private static Dictionary<string, string> BuildEnvironment(string projectDirectory, IReadOnlyDictionary<string, string>? given)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        var dotEnv = Path.Combine(projectDirectory, ".env");
        if (File.Exists(dotEnv))
        {
            foreach (var (key, value, _) in ComposeText.ParseEnvFile(File.ReadAllText(dotEnv)))
            {
                if (value is not null)
                {
                    env[key] = value;
                }
            }
        }

        if (given is null)
        {
            foreach (System.Collections.DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
            {
                env[(string)entry.Key] = (string?)entry.Value ?? string.Empty;
            }
        }
        else
        {
            foreach (var (key, value) in given)
            {
                env[key] = value;
            }
        }

        return env;
    }
}

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

/// <summary>A service as the files read so far define it; fields stay separate until merged so overrides apply per key.</summary>
internal sealed class ServiceDraft(string name, ComposeSource source)
{
    public string Name { get; } = name;

    public ComposeSource Source { get; set; } = source;

    public string? Image { get; set; }

    public ComposeBuild? Build { get; set; }

    public List<ComposePort> Ports { get; } = [];

    public Dictionary<string, string?> EnvFileValues { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string?> Environment { get; } = new(StringComparer.Ordinal);

    public List<string> EnvFiles { get; } = [];

    public IReadOnlyList<string>? Command { get; set; }

    public IReadOnlyList<string>? Entrypoint { get; set; }

    public string? WorkingDir { get; set; }

    public string? Restart { get; set; }

    public ComposeHealthcheck? Healthcheck { get; set; }

    public Dictionary<string, ComposeDependency> DependsOn { get; } = new(StringComparer.Ordinal);

    public string? ContainerName { get; set; }

    public List<string> Profiles { get; } = [];

    public Dictionary<string, string> Labels { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ComposeServiceNetwork> Networks { get; } = new(StringComparer.Ordinal);

    public List<ComposeMount> Volumes { get; } = [];

    public string? Hostname { get; set; }

    public string? User { get; set; }

    public Dictionary<string, string> ExtraHosts { get; } = new(StringComparer.Ordinal);

    public bool Privileged { get; set; }

    public long? MemoryLimit { get; set; }

    public double? Cpus { get; set; }

    public Images.PullPolicy? PullPolicy { get; set; }

    public ComposeService ToService()
    {
        // environment wins over env_file, as the specification says.
        var environment = new Dictionary<string, string?>(EnvFileValues, StringComparer.Ordinal);
        foreach (var (key, value) in Environment)
        {
            environment[key] = value;
        }

        return new ComposeService
        {
            Name = Name,
            Source = Source,
            Image = Image,
            Build = Build,
            Ports = Ports.ToList(),
            Environment = environment,
            EnvFiles = EnvFiles.ToList(),
            Command = Command,
            Entrypoint = Entrypoint,
            WorkingDir = WorkingDir,
            Restart = Restart,
            Healthcheck = Healthcheck,
            DependsOn = DependsOn.ToDictionary(StringComparer.Ordinal),
            ContainerName = ContainerName,
            Profiles = Profiles.ToList(),
            Labels = Labels.ToDictionary(StringComparer.Ordinal),
            Networks = Networks.ToDictionary(StringComparer.Ordinal),
            Volumes = Volumes.ToList(),
            Hostname = Hostname,
            User = User,
            ExtraHosts = ExtraHosts.ToDictionary(StringComparer.Ordinal),
            Privileged = Privileged,
            MemoryLimit = MemoryLimit,
            Cpus = Cpus,
            PullPolicy = PullPolicy,
        };
    }
}
