namespace Testkit.Compose;

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

    /// <summary>Clears what earlier files set for <paramref name="key"/>, for the specification's <c>!reset</c> and <c>!override</c>.</summary>
    public void Reset(string key)
    {
        switch (key)
        {
            case "image": Image = null; break;
            case "build": Build = null; break;
            case "ports": Ports.Clear(); break;
            case "environment": Environment.Clear(); break;
            case "env_file": EnvFiles.Clear(); EnvFileValues.Clear(); break;
            case "command": Command = null; break;
            case "entrypoint": Entrypoint = null; break;
            case "working_dir": WorkingDir = null; break;
            case "restart": Restart = null; break;
            case "healthcheck": Healthcheck = null; break;
            case "depends_on": DependsOn.Clear(); break;
            case "container_name": ContainerName = null; break;
            case "profiles": Profiles.Clear(); break;
            case "labels": Labels.Clear(); break;
            case "networks": Networks.Clear(); break;
            case "volumes": Volumes.Clear(); break;
            case "hostname": Hostname = null; break;
            case "user": User = null; break;
            case "extra_hosts": ExtraHosts.Clear(); break;
            case "tmpfs": Volumes.RemoveAll(m => m.Type == ComposeMountType.Tmpfs); break;
            case "privileged": Privileged = false; break;
            case "mem_limit": MemoryLimit = null; break;
            case "cpus": Cpus = null; break;
            case "pull_policy": PullPolicy = null; break;
        }
    }
}
