using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Testkit.Compose;

/// <summary>Reads one compose file into the merged state; a later file's keys override or extend what is there. The keys
/// are dispatched here; each concern (ports, mounts, healthcheck, depends_on, networks...) has its own reader.</summary>
internal sealed class ComposeFileReader(string path, LoadState state)
{
    private readonly ComposeYaml yaml = new(path, state);

    private static readonly HashSet<string> TopLevelKeys = ["version", "name", "services", "networks", "volumes"];
    private static readonly HashSet<string> UnsupportedTopLevel = ["secrets", "configs", "include", "models"];

    private static readonly HashSet<string> ServiceKeys =
    [
        "image", "build", "ports", "environment", "env_file", "command", "entrypoint", "working_dir", "restart", "healthcheck",
        "depends_on", "container_name", "profiles", "labels", "networks", "volumes", "hostname", "user", "extra_hosts", "tmpfs",
        "privileged", "mem_limit", "cpus", "pull_policy", "expose",
    ];

    // Keys of the Compose specification that Testkit does not run yet: ignoring them would run a different stack.
    private static readonly HashSet<string> UnsupportedServiceKeys =
    [
        "annotations", "attach", "blkio_config", "cap_add", "cap_drop", "cgroup", "cgroup_parent", "configs", "cpu_count",
        "cpu_percent", "cpu_shares", "cpu_period", "cpu_quota", "cpu_rt_runtime", "cpu_rt_period", "cpuset",
        "credential_spec", "deploy", "develop", "device_cgroup_rules", "devices", "dns", "dns_opt", "dns_search", "domainname",
        "extends", "external_links", "gpus", "group_add", "init", "ipc", "isolation",
        "label_file", "links", "logging", "mac_address", "mem_reservation", "mem_swappiness", "memswap_limit",
        "models", "network_mode", "oom_kill_disable", "oom_score_adj", "pid", "pids_limit", "platform", "post_start", "pre_stop",
        "provider", "read_only", "runtime", "scale", "secrets", "security_opt", "shm_size",
        "stdin_open", "stop_grace_period", "stop_signal", "storage_opt", "sysctls", "tty", "ulimits", "use_api_socket",
        "userns_mode", "uts", "volumes_from",
    ];

    public void Read(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            yaml.Error(e.Start, "(yaml)", $"the file is not valid YAML: {e.Message}; fix the syntax at this line");
            return;
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return;
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            yaml.Error(stream.Documents[0].RootNode.Start, "(root)", "a compose file must be a mapping with a 'services:' key");
            return;
        }

        foreach (var (key, keyNode, value) in yaml.Entries(root))
        {
            switch (key)
            {
                case "version":
                    break; // Obsolete in the specification: accepted and ignored.
                case "name":
                    yaml.State.Name = yaml.Str(value, "name");
                    break;
                case "services":
                    foreach (var (name, nameNode, service) in yaml.Entries(yaml.Map(value, "services")))
                    {
                        ReadService(name, nameNode, service);
                    }

                    break;
                case "networks":
                    foreach (var (name, _, network) in yaml.Entries(yaml.Map(value, "networks")))
                    {
                        yaml.State.Networks[name] = NetworkReader.ReadNetwork(yaml, network, "networks." + name);
                    }

                    break;
                case "volumes":
                    foreach (var (name, _, volume) in yaml.Entries(yaml.Map(value, "volumes")))
                    {
                        yaml.State.Volumes[name] = VolumeReader.Read(yaml, volume, "volumes." + name);
                    }

                    break;
                default:
                    yaml.CheckKey(key, keyNode, key, TopLevelKeys, UnsupportedTopLevel);
                    break;
            }
        }
    }

    private void ReadService(string name, YamlScalarNode nameNode, YamlNode node)
    {
        var source = yaml.Source(nameNode.Start);
        if (!yaml.State.Services.TryGetValue(name, out var draft))
        {
            draft = new ServiceDraft(name, source);
            yaml.State.Services[name] = draft;
        }

        draft.Source = source;
        var at = "services." + name;
        foreach (var (key, keyNode, value) in yaml.Entries(yaml.Map(node, at)))
        {
            var k = at + "." + key;

            // The specification's !reset clears what earlier files set; !override replaces it instead of merging.
            var tag = value.Tag.IsEmpty ? null : value.Tag.Value;
            if (tag is "!reset" or "!override")
            {
                draft.Reset(key);
                if (tag == "!reset")
                {
                    continue;
                }
            }

            switch (key)
            {
                case "image": draft.Image = yaml.Str(value, k); break;
                case "build": draft.Build = BuildReader.Read(yaml, value, k); break;
                case "ports":
                    foreach (var item in yaml.Seq(value, k))
                    {
                        foreach (var port in PortReader.Read(yaml, item, k))
                        {
                            // Ports are unique by host address, target, published port and protocol: a repeated one is the same port.
                            if (!draft.Ports.Contains(port))
                            {
                                draft.Ports.Add(port);
                            }
                        }
                    }

                    break;
                case "environment":
                    foreach (var (envKey, envValue) in yaml.ReadKeyValues(value, k, fromHost: true))
                    {
                        draft.Environment[envKey] = envValue;
                    }

                    break;
                case "env_file": EnvFileReader.Read(yaml, draft, value, k); break;
                case "command": draft.Command = RuntimeReader.ReadCommand(yaml, value, k); break;
                case "entrypoint": draft.Entrypoint = RuntimeReader.ReadCommand(yaml, value, k); break;
                case "working_dir": draft.WorkingDir = yaml.Str(value, k); break;
                case "restart": draft.Restart = RuntimeReader.ReadRestart(yaml, value, k); break;
                case "healthcheck": draft.Healthcheck = HealthcheckReader.Read(yaml, value, k, draft.Healthcheck); break;
                case "depends_on": DependsOnReader.Read(yaml, draft, value, k); break;
                case "container_name": draft.ContainerName = yaml.Str(value, k); break;
                case "profiles":
                    foreach (var profile in yaml.Seq(value, k).Select(p => yaml.Str(p, k)).OfType<string>().Where(p => !draft.Profiles.Contains(p)))
                    {
                        draft.Profiles.Add(profile);
                    }

                    break;
                case "labels":
                    foreach (var (labelKey, labelValue) in yaml.ReadKeyValues(value, k, fromHost: false))
                    {
                        draft.Labels[labelKey] = labelValue ?? string.Empty;
                    }

                    break;
                case "networks": NetworkReader.ReadServiceNetworks(yaml, draft, value, k); break;
                case "volumes":
                    foreach (var item in yaml.Seq(value, k))
                    {
                        var mount = MountReader.Read(yaml, item, k);
                        if (mount is not null)
                        {
                            // Mounts are unique by target: an override file replaces the mount at the same path.
                            draft.Volumes.RemoveAll(m => m.Target == mount.Target);
                            draft.Volumes.Add(mount);
                        }
                    }

                    break;
                case "hostname": draft.Hostname = yaml.Str(value, k); break;
                case "user": draft.User = yaml.Str(value, k); break;
                case "extra_hosts": RuntimeReader.ReadExtraHosts(yaml, draft, value, k); break;
                case "tmpfs":
                    foreach (var item in value is YamlScalarNode ? [value] : yaml.Seq(value, k))
                    {
                        // "/path:size=64m,mode=1777": the options are tuning; the engine's defaults serve tests.
                        if (yaml.Str(item, k)?.Split(':')[0] is { Length: > 0 } target)
                        {
                            draft.Volumes.RemoveAll(m => m.Target == target);
                            draft.Volumes.Add(new ComposeMount(ComposeMountType.Tmpfs, null, target, false));
                        }
                    }

                    break;
                case "privileged": draft.Privileged = yaml.Bool(value, k); break;
                case "mem_limit": draft.MemoryLimit = yaml.Parsed(value, k, ByteSizes.Parse); break;
                case "cpus": draft.Cpus = RuntimeReader.ReadCpus(yaml, value, k); break;
                case "pull_policy": draft.PullPolicy = RuntimeReader.ReadPullPolicy(yaml, value, k); break;
                case "expose": _ = yaml.Seq(value, k); break; // Documentation only: services on a shared network reach every port.
                default:
                    yaml.CheckKey(key, keyNode, k, ServiceKeys, UnsupportedServiceKeys);
                    break;
            }
        }
    }
}
