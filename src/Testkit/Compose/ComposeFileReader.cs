using System.Globalization;
using Testkit.Images;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Testkit.Compose;

/// <summary>Reads one compose file into the merged state; a later file's keys override or extend what is there.</summary>
internal sealed class ComposeFileReader(string path, LoadState state)
{
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
            Error(e.Start, "(yaml)", $"the file is not valid YAML: {e.Message}; fix the syntax at this line");
            return;
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return;
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            Error(stream.Documents[0].RootNode.Start, "(root)", "a compose file must be a mapping with a 'services:' key");
            return;
        }

        foreach (var (key, keyNode, value) in Entries(root))
        {
            switch (key)
            {
                case "version":
                    break; // Obsolete in the specification: accepted and ignored.
                case "name":
                    state.Name = Str(value, "name");
                    break;
                case "services":
                    foreach (var (name, nameNode, service) in Entries(Map(value, "services")))
                    {
                        ReadService(name, nameNode, service);
                    }

                    break;
                case "networks":
                    foreach (var (name, _, network) in Entries(Map(value, "networks")))
                    {
                        state.Networks[name] = ReadNetwork(network, "networks." + name);
                    }

                    break;
                case "volumes":
                    foreach (var (name, _, volume) in Entries(Map(value, "volumes")))
                    {
                        state.Volumes[name] = ReadVolume(volume, "volumes." + name);
                    }

                    break;
                default:
                    CheckKey(key, keyNode, key, TopLevelKeys, UnsupportedTopLevel);
                    break;
            }
        }
    }

    private void ReadService(string name, YamlScalarNode nameNode, YamlNode node)
    {
        var source = new ComposeSource(path, Line(nameNode.Start));
        if (!state.Services.TryGetValue(name, out var draft))
        {
            draft = new ServiceDraft(name, source);
            state.Services[name] = draft;
        }

        draft.Source = source;
        var at = "services." + name;
        foreach (var (key, keyNode, value) in Entries(Map(node, at)))
        {
            var k = at + "." + key;

            // The specification's !reset clears what earlier files set; !override replaces it instead of merging.
            var tag = value.Tag.IsEmpty ? null : value.Tag.Value;
            if (tag is "!reset" or "!override")
            {
                Reset(draft, key);
                if (tag == "!reset")
                {
                    continue;
                }
            }

            switch (key)
            {
                case "image": draft.Image = Str(value, k); break;
                case "build": draft.Build = ReadBuild(value, k); break;
                case "ports":
                    foreach (var item in Seq(value, k))
                    {
                        foreach (var port in ReadPorts(item, k))
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
                    foreach (var (envKey, envValue) in ReadKeyValues(value, k, fromHost: true))
                    {
                        draft.Environment[envKey] = envValue;
                    }

                    break;
                case "env_file": ReadEnvFiles(draft, value, k); break;
                case "command": draft.Command = ReadCommand(value, k); break;
                case "entrypoint": draft.Entrypoint = ReadCommand(value, k); break;
                case "working_dir": draft.WorkingDir = Str(value, k); break;
                case "restart": draft.Restart = ReadRestart(value, k); break;
                case "healthcheck": draft.Healthcheck = ReadHealthcheck(value, k, draft.Healthcheck); break;
                case "depends_on": ReadDependsOn(draft, value, k); break;
                case "container_name": draft.ContainerName = Str(value, k); break;
                case "profiles":
                    foreach (var profile in Seq(value, k).Select(p => Str(p, k)).OfType<string>().Where(p => !draft.Profiles.Contains(p)))
                    {
                        draft.Profiles.Add(profile);
                    }

                    break;
                case "labels":
                    foreach (var (labelKey, labelValue) in ReadKeyValues(value, k, fromHost: false))
                    {
                        draft.Labels[labelKey] = labelValue ?? string.Empty;
                    }

                    break;
                case "networks": ReadServiceNetworks(draft, value, k); break;
                case "volumes":
                    foreach (var item in Seq(value, k))
                    {
                        var mount = ReadMount(item, k);
                        if (mount is not null)
                        {
                            // Mounts are unique by target: an override file replaces the mount at the same path.
                            draft.Volumes.RemoveAll(m => m.Target == mount.Target);
                            draft.Volumes.Add(mount);
                        }
                    }

                    break;
                case "hostname": draft.Hostname = Str(value, k); break;
                case "user": draft.User = Str(value, k); break;
                case "extra_hosts": ReadExtraHosts(draft, value, k); break;
                case "tmpfs":
                    foreach (var item in value is YamlScalarNode ? [value] : Seq(value, k))
                    {
                        // "/path:size=64m,mode=1777": the options are tuning; the engine's defaults serve tests.
                        if (Str(item, k)?.Split(':')[0] is { Length: > 0 } target)
                        {
                            draft.Volumes.RemoveAll(m => m.Target == target);
                            draft.Volumes.Add(new ComposeMount(ComposeMountType.Tmpfs, null, target, false));
                        }
                    }

                    break;
                case "privileged": draft.Privileged = Bool(value, k); break;
                case "mem_limit": draft.MemoryLimit = Parsed(value, k, ComposeText.ParseBytes); break;
                case "cpus": draft.Cpus = Cpus(value, k); break;
                case "pull_policy": draft.PullPolicy = ReadPullPolicy(value, k); break;
                case "expose": _ = Seq(value, k); break; // Documentation only: services on a shared network reach every port.
                default:
                    CheckKey(key, keyNode, k, ServiceKeys, UnsupportedServiceKeys);
                    break;
            }
        }
    }

    private static void Reset(ServiceDraft draft, string key)
    {
        switch (key)
        {
            case "image": draft.Image = null; break;
            case "build": draft.Build = null; break;
            case "ports": draft.Ports.Clear(); break;
            case "environment": draft.Environment.Clear(); break;
            case "env_file": draft.EnvFiles.Clear(); draft.EnvFileValues.Clear(); break;
            case "command": draft.Command = null; break;
            case "entrypoint": draft.Entrypoint = null; break;
            case "working_dir": draft.WorkingDir = null; break;
            case "restart": draft.Restart = null; break;
            case "healthcheck": draft.Healthcheck = null; break;
            case "depends_on": draft.DependsOn.Clear(); break;
            case "container_name": draft.ContainerName = null; break;
            case "profiles": draft.Profiles.Clear(); break;
            case "labels": draft.Labels.Clear(); break;
            case "networks": draft.Networks.Clear(); break;
            case "volumes": draft.Volumes.Clear(); break;
            case "hostname": draft.Hostname = null; break;
            case "user": draft.User = null; break;
            case "extra_hosts": draft.ExtraHosts.Clear(); break;
            case "tmpfs": draft.Volumes.RemoveAll(m => m.Type == ComposeMountType.Tmpfs); break;
            case "privileged": draft.Privileged = false; break;
            case "mem_limit": draft.MemoryLimit = null; break;
            case "cpus": draft.Cpus = null; break;
            case "pull_policy": draft.PullPolicy = null; break;
        }
    }

    private ComposeBuild? ReadBuild(YamlNode node, string at)
    {
        if (node is YamlScalarNode)
        {
            return new ComposeBuild(Resolve(Str(node, at) ?? "."), null, new Dictionary<string, string?>(), null);
        }

        string? context = null, dockerfile = null, target = null;
        var args = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, keyNode, value) in Entries(Map(node, at)))
        {
            var k = at + "." + key;
            switch (key)
            {
                case "context": context = Str(value, k); break;
                case "dockerfile": dockerfile = Str(value, k); break;
                case "target": target = Str(value, k); break;
                case "args":
                    foreach (var (argKey, argValue) in ReadKeyValues(value, k, fromHost: false))
                    {
                        args[argKey] = argValue;
                    }

                    break;
                default:
                    CheckKey(key, keyNode, k, [],
                    [
                        "additional_contexts", "cache_from", "cache_to", "dockerfile_inline", "entitlements", "extra_hosts", "isolation",
                        "labels", "network", "no_cache", "platforms", "privileged", "pull", "secrets", "shm_size", "ssh", "tags", "ulimits",
                    ]);
                    break;
            }
        }

        return new ComposeBuild(Resolve(context ?? "."), dockerfile, args, target);
    }

    private List<ComposePort> ReadPorts(YamlNode node, string at)
    {
        if (node is YamlMappingNode map)
        {
            int? target = null;
            string? published = null, hostIp = null, protocol = null;
            foreach (var (key, keyNode, value) in Entries(map))
            {
                var k = at + "." + key;
                switch (key)
                {
                    case "target": target = Int(value, k); break;
                    case "published": published = Str(value, k); break;
                    case "host_ip": hostIp = Str(value, k); break;
                    case "protocol": protocol = Str(value, k); break;
                    case "mode" or "name" or "app_protocol": break; // Labels and swarm modes: no effect on a single engine.
                    default: CheckKey(key, keyNode, k, [], []); break;
                }
            }

            if (target is null)
            {
                Error(node.Start, at, "a port in long form needs 'target:', the container port");
                return [];
            }

            return [new ComposePort(target.Value, string.IsNullOrEmpty(published) ? null : published, hostIp, protocol ?? "tcp")];
        }

        var text = Str(node, at) ?? string.Empty;
        try
        {
            return ParseShortPort(text);
        }
        catch (FormatException e)
        {
            Error(node.Start, at, $"\"{text}\" is not a port: {e.Message}; write \"8080:80\", \"127.0.0.1:8080:80\", \"80\" or \"9090-9091:8080-8081/udp\"");
            return [];
        }
    }

    internal static List<ComposePort> ParseShortPort(string text)
    {
        var protocol = "tcp";
        var slash = text.LastIndexOf('/');
        if (slash >= 0)
        {
            protocol = text[(slash + 1)..];
            text = text[..slash];
        }

        string? hostIp = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':')
            {
                throw new FormatException("an IPv6 host address must be written as [addr]:published:target");
            }

            hostIp = text[1..close];
            text = text[(close + 2)..];
        }

        var parts = text.Split(':');
        string? published;
        string target;
        switch (parts.Length)
        {
            case 1: published = null; target = parts[0]; break;
            case 2: published = parts[0]; target = parts[1]; break;
            case 3 when hostIp is null: hostIp = parts[0]; published = parts[1]; target = parts[2]; break;
            default: throw new FormatException("too many ':'");
        }

        published = string.IsNullOrEmpty(published) ? null : published;
        var (targetFrom, targetTo) = Range(target);
        if (targetFrom == targetTo)
        {
            if (published is not null)
            {
                Range(published); // Validates; a host range with one target lets the engine pick one port of the range.
            }

            return [new ComposePort(targetFrom, published, hostIp, protocol)];
        }

        var result = new List<ComposePort>();
        if (published is null)
        {
            for (var p = targetFrom; p <= targetTo; p++)
            {
                result.Add(new ComposePort(p, null, hostIp, protocol));
            }

            return result;
        }

        var (publishedFrom, publishedTo) = Range(published);
        if (publishedTo - publishedFrom != targetTo - targetFrom)
        {
            throw new FormatException("the published range and the target range differ in length");
        }

        for (var p = 0; p <= targetTo - targetFrom; p++)
        {
            result.Add(new ComposePort(targetFrom + p, (publishedFrom + p).ToString(CultureInfo.InvariantCulture), hostIp, protocol));
        }

        return result;
    }

    private static (int From, int To) Range(string text)
    {
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var from = Port(dash < 0 ? text : text[..dash]);
        var to = dash < 0 ? from : Port(text[(dash + 1)..]);
        return to < from ? throw new FormatException($"range {text} ends before it starts") : (from, to);

        static int Port(string s) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and <= 65535
            ? p
            : throw new FormatException($"'{s}' is not a port number between 1 and 65535");
    }

    private ComposeMount? ReadMount(YamlNode node, string at)
    {
        if (node is YamlMappingNode map)
        {
            string? type = null, source = null, target = null;
            var readOnly = false;
            foreach (var (key, keyNode, value) in Entries(map))
            {
                var k = at + "." + key;
                switch (key)
                {
                    case "type": type = Str(value, k); break;
                    case "source": source = Str(value, k); break;
                    case "target": target = Str(value, k); break;
                    case "read_only": readOnly = Bool(value, k); break;
                    case "bind" or "volume" or "tmpfs" or "consistency": break; // Fine-tuning with safe engine defaults.
                    default: CheckKey(key, keyNode, k, [], ["image"]); break;
                }
            }

            if (target is null)
            {
                Error(node.Start, at, "a volume in long form needs 'target:', the path in the container");
                return null;
            }

            switch (type)
            {
                case "bind" when source is not null:
                    return new ComposeMount(ComposeMountType.Bind, Resolve(source), target, readOnly);
                case "volume" or null:
                    if (source is not null)
                    {
                        state.VolumeUses.Add((source, new ComposeDiagnostic(new ComposeSource(path, Line(node.Start)), at, "")));
                    }

                    return new ComposeMount(ComposeMountType.Volume, source, target, readOnly);
                case "tmpfs":
                    return new ComposeMount(ComposeMountType.Tmpfs, null, target, readOnly);
                case "bind":
                    Error(node.Start, at, "a bind mount needs 'source:', the host path");
                    return null;
                default:
                    Error(node.Start, at + ".type", $"volume type '{type}' is not supported: use volume, bind or tmpfs");
                    return null;
            }
        }

        var text = Str(node, at) ?? string.Empty;
        var parts = text.Split(':');
        if (parts.Length == 1)
        {
            return new ComposeMount(ComposeMountType.Volume, null, parts[0], false);
        }

        if (parts.Length > 3)
        {
            Error(node.Start, at, $"\"{text}\" has too many ':': write \"name:/path\", \"./dir:/path:ro\" or \"/path\"");
            return null;
        }

        var modes = parts.Length == 3 ? parts[2].Split(',') : [];
        var ro = modes.Contains("ro");
        var src = parts[0];
        if (src.StartsWith('.') || src.StartsWith('/') || src.StartsWith('~'))
        {
            return new ComposeMount(ComposeMountType.Bind, Resolve(src), parts[1], ro);
        }

        state.VolumeUses.Add((src, new ComposeDiagnostic(new ComposeSource(path, Line(node.Start)), at, "")));
        return new ComposeMount(ComposeMountType.Volume, src, parts[1], ro);
    }

    private void ReadEnvFiles(ServiceDraft draft, YamlNode node, string at)
    {
        var items = node is YamlScalarNode ? [node] : Seq(node, at);
        foreach (var item in items)
        {
            string? file;
            var required = true;
            if (item is YamlMappingNode map)
            {
                file = null;
                foreach (var (key, keyNode, value) in Entries(map))
                {
                    switch (key)
                    {
                        case "path": file = Str(value, at + ".path"); break;
                        case "required": required = Bool(value, at + ".required"); break;
                        case "format": break;
                        default: CheckKey(key, keyNode, at + "." + key, [], []); break;
                    }
                }
            }
            else
            {
                file = Str(item, at);
            }

            if (file is null)
            {
                Error(item.Start, at, "an env_file entry needs a path");
                continue;
            }

            var full = Resolve(file);
            if (!File.Exists(full))
            {
                if (required)
                {
                    Error(item.Start, at, $"env file '{file}' does not exist at {full}: create it, fix the path (relative to {state.ProjectDirectory}), or use the long form with 'required: false'");
                }

                continue;
            }

            draft.EnvFiles.Add(full);
            foreach (var (key, value, line) in ComposeText.ParseEnvFile(File.ReadAllText(full)))
            {
                if (key.Length == 0)
                {
                    // Reported at the env file's own line: the compose file's line would not say which one is wrong.
                    state.Errors.Add(new ComposeDiagnostic(new ComposeSource(full, line), at, "a line of the env file has no variable name before '=': write NAME=value"));
                    continue;
                }

                draft.EnvFileValues[key] = value ?? state.Env.GetValueOrDefault(key);
            }
        }
    }

    private IReadOnlyList<string>? ReadCommand(YamlNode node, string at)
    {
        if (node is YamlSequenceNode)
        {
            return Seq(node, at).Select(n => Str(n, at) ?? string.Empty).ToList();
        }

        var text = Str(node, at);
        if (text is null)
        {
            return null;
        }

        try
        {
            return ComposeText.SplitWords(text);
        }
        catch (FormatException e)
        {
            Error(node.Start, at, e.Message);
            return null;
        }
    }

    private void ReadExtraHosts(ServiceDraft draft, YamlNode node, string at)
    {
        // The list form is "host:ip" or "host=ip" (an IPv6 address has colons of its own); the map form is host: ip.
        var entries = node is YamlSequenceNode
            ? Seq(node, at).Select(item => (Item: item, Text: Str(item, at) ?? string.Empty)).Select(e =>
            {
                var split = e.Text.IndexOf('=', StringComparison.Ordinal) is var eq and >= 0 ? eq : e.Text.IndexOf(':', StringComparison.Ordinal);
                return (e.Item, Host: split < 0 ? e.Text : e.Text[..split], Address: split < 0 ? null : e.Text[(split + 1)..]);
            })
            : Entries(Map(node, at)).Select(e => (Item: e.Value, Host: e.Key, Address: Str(e.Value, at + "." + e.Key)));
        foreach (var (item, host, address) in entries.ToList())
        {
            if (string.IsNullOrEmpty(address) || !System.Net.IPAddress.TryParse(address.Trim('[', ']'), out _) && address != "host-gateway")
            {
                Error(item.Start, at, $"'{host}' needs an IP address (\"{host}:10.0.0.5\" or \"{host}=::1\")");
                continue;
            }

            draft.ExtraHosts[host] = address.Trim('[', ']');
        }
    }

    private PullPolicy? ReadPullPolicy(YamlNode node, string at)
    {
        switch (Str(node, at))
        {
            case "always": return PullPolicy.Always;
            case "missing" or "if_not_present": return PullPolicy.Missing;
            case "never": return PullPolicy.Never;
            case "build" or null: return null; // A build: service builds anyway; the image of others resolves as usual.
            case var other:
                Error(node.Start, at, $"pull_policy '{other}' is not one of always, missing, if_not_present, never, build");
                return null;
        }
    }

    private double? Cpus(YamlNode node, string at)
    {
        var text = Str(node, at);
        if (text is null)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var cpus) && cpus > 0)
        {
            return cpus;
        }

        Error(node.Start, at, $"'{text}' is not a number of CPUs such as 0.5 or 2");
        return null;
    }

    private string? ReadRestart(YamlNode node, string at)
    {
        var text = Str(node, at);
        if (text is null or "no" or "always" or "unless-stopped" or "on-failure" || text.StartsWith("on-failure:", StringComparison.Ordinal))
        {
            return text;
        }

        Error(node.Start, at, $"restart policy '{text}' is not one of no, always, on-failure[:max-retries], unless-stopped");
        return null;
    }

    private ComposeHealthcheck? ReadHealthcheck(YamlNode node, string at, ComposeHealthcheck? previous)
    {
        // Fields merge with an earlier file's healthcheck; the test itself is replaced.
        var check = previous ?? new ComposeHealthcheck(null, null, null, null, null, null, false);
        foreach (var (key, keyNode, value) in Entries(Map(node, at)))
        {
            var k = at + "." + key;
            switch (key)
            {
                case "test": check = check with { Test = ReadHealthTest(value, k) }; break;
                case "interval": check = check with { Interval = Duration(value, k) }; break;
                case "timeout": check = check with { Timeout = Duration(value, k) }; break;
                case "start_period": check = check with { StartPeriod = Duration(value, k) }; break;
                case "start_interval": check = check with { StartInterval = Duration(value, k) }; break;
                case "retries": check = check with { Retries = Int(value, k) }; break;
                case "disable": check = check with { Disable = Bool(value, k) }; break;
                default: CheckKey(key, keyNode, k, [], []); break;
            }
        }

        return check.Disable ? check with { Test = ["NONE"] } : check;
    }

    private List<string>? ReadHealthTest(YamlNode node, string at)
    {
        if (node is YamlScalarNode)
        {
            var text = Str(node, at);
            return text is null ? null : ["CMD-SHELL", text];
        }

        var items = Seq(node, at).Select(n => Str(n, at) ?? string.Empty).ToList();
        if (items.Count == 0 || items[0] is not ("CMD" or "CMD-SHELL" or "NONE"))
        {
            Error(node.Start, at, "a healthcheck test list must start with \"CMD\", \"CMD-SHELL\" or \"NONE\"; or write the test as a string to run it in a shell");
            return null;
        }

        return items;
    }

    private void ReadDependsOn(ServiceDraft draft, YamlNode node, string at)
    {
        if (node is YamlSequenceNode)
        {
            foreach (var item in Seq(node, at))
            {
                var name = Str(item, at);
                if (name is not null)
                {
                    draft.DependsOn[name] = new ComposeDependency(ComposeCondition.ServiceStarted, false, true, new ComposeSource(path, Line(item.Start)));
                }
            }

            return;
        }

        foreach (var (name, nameNode, value) in Entries(Map(node, at)))
        {
            var dependency = new ComposeDependency(ComposeCondition.ServiceStarted, false, true, new ComposeSource(path, Line(nameNode.Start)));
            foreach (var (key, keyNode, v) in value is YamlMappingNode m ? Entries(m) : [])
            {
                var k = $"{at}.{name}.{key}";
                switch (key)
                {
                    case "condition":
                        var condition = Str(v, k);
                        switch (condition)
                        {
                            case "service_started": break;
                            case "service_healthy": dependency = dependency with { Condition = ComposeCondition.ServiceHealthy }; break;
                            case "service_completed_successfully": dependency = dependency with { Condition = ComposeCondition.ServiceCompletedSuccessfully }; break;
                            default:
                                Error(v.Start, k, $"condition '{condition}' is not one of service_started, service_healthy, service_completed_successfully");
                                break;
                        }

                        break;
                    case "restart": dependency = dependency with { Restart = Bool(v, k) }; break;
                    case "required": dependency = dependency with { Required = Bool(v, k) }; break;
                    default: CheckKey(key, keyNode, k, [], []); break;
                }
            }

            draft.DependsOn[name] = dependency;
        }
    }

    private void ReadServiceNetworks(ServiceDraft draft, YamlNode node, string at)
    {
        if (node is YamlSequenceNode)
        {
            foreach (var item in Seq(node, at))
            {
                var name = Str(item, at);
                if (name is not null)
                {
                    state.NetworkUses.Add((name, new ComposeDiagnostic(new ComposeSource(path, Line(item.Start)), at, "")));
                    draft.Networks[name] = new ComposeServiceNetwork([], null);
                }
            }

            return;
        }

        foreach (var (name, nameNode, value) in Entries(Map(node, at)))
        {
            state.NetworkUses.Add((name, new ComposeDiagnostic(new ComposeSource(path, Line(nameNode.Start)), at + "." + name, "")));
            var network = new ComposeServiceNetwork([], null);
            foreach (var (key, keyNode, v) in value is YamlMappingNode m ? Entries(m) : [])
            {
                var k = $"{at}.{name}.{key}";
                switch (key)
                {
                    case "aliases": network = network with { Aliases = Seq(v, k).Select(a => Str(a, k)).OfType<string>().ToList() }; break;
                    case "ipv4_address": network = network with { Ipv4Address = Str(v, k) }; break;
                    default:
                        CheckKey(key, keyNode, k, [], ["ipv6_address", "link_local_ips", "mac_address", "driver_opts", "priority", "gw_priority", "interface_name"]);
                        break;
                }
            }

            draft.Networks[name] = network;
        }
    }

    private ComposeNetwork ReadNetwork(YamlNode node, string at)
    {
        var network = new ComposeNetwork(null, null, false, false, new Dictionary<string, string>());
        foreach (var (key, keyNode, value) in node is YamlMappingNode m ? Entries(m) : [])
        {
            var k = at + "." + key;
            switch (key)
            {
                case "name": network = network with { Name = Str(value, k) }; break;
                case "driver": network = network with { Driver = Str(value, k) }; break;
                case "external": network = network with { External = Bool(value, k) }; break;
                case "internal": network = network with { Internal = Bool(value, k) }; break;
                case "labels": network = network with { Labels = ReadKeyValues(value, k, false).ToDictionary(p => p.Key, p => p.Value ?? string.Empty, StringComparer.Ordinal) }; break;
                case "attachable": break; // Every bridge network is attachable on a single engine.
                default: CheckKey(key, keyNode, k, [], ["driver_opts", "ipam", "enable_ipv4", "enable_ipv6"]); break;
            }
        }

        return network;
    }

    private ComposeVolume ReadVolume(YamlNode node, string at)
    {
        var volume = new ComposeVolume(null, null, false, new Dictionary<string, string>(), new Dictionary<string, string>());
        foreach (var (key, keyNode, value) in node is YamlMappingNode m ? Entries(m) : [])
        {
            var k = at + "." + key;
            switch (key)
            {
                case "name": volume = volume with { Name = Str(value, k) }; break;
                case "driver": volume = volume with { Driver = Str(value, k) }; break;
                case "external": volume = volume with { External = Bool(value, k) }; break;
                case "labels": volume = volume with { Labels = ReadKeyValues(value, k, false).ToDictionary(p => p.Key, p => p.Value ?? string.Empty, StringComparer.Ordinal) }; break;
                case "driver_opts": volume = volume with { DriverOpts = ReadKeyValues(value, k, false).ToDictionary(p => p.Key, p => p.Value ?? string.Empty, StringComparer.Ordinal) }; break;
                default: CheckKey(key, keyNode, k, [], []); break;
            }
        }

        return volume;
    }

    /// <summary>Reads the list form (KEY=VALUE) and the map form; in the list form a bare KEY takes the host's value.</summary>
    private List<KeyValuePair<string, string?>> ReadKeyValues(YamlNode node, string at, bool fromHost)
    {
        var result = new List<KeyValuePair<string, string?>>();
        if (node is YamlSequenceNode)
        {
            foreach (var item in Seq(node, at))
            {
                var text = Str(item, at) ?? string.Empty;
                var eq = text.IndexOf('=', StringComparison.Ordinal);
                result.Add(eq >= 0
                    ? new(text[..eq], text[(eq + 1)..])
                    : new(text, fromHost ? state.Env.GetValueOrDefault(text) : null));
            }

            return result;
        }

        foreach (var (key, _, value) in Entries(Map(node, at)))
        {
            var text = Str(value, at + "." + key);
            result.Add(new(key, text ?? (fromHost ? state.Env.GetValueOrDefault(key) : null)));
        }

        return result;
    }

    private void CheckKey(string key, YamlScalarNode keyNode, string at, HashSet<string> known, HashSet<string> unsupported)
    {
        if (key.StartsWith("x-", StringComparison.Ordinal) || known.Contains(key))
        {
            return; // Extensions are the specification's place for user data.
        }

        if (unsupported.Contains(key))
        {
            Error(keyNode.Start, at, "this Compose feature is not supported by Testkit yet: remove it, or run that part outside the compose stack");
        }
        else
        {
            state.Warnings.Add(new ComposeDiagnostic(new ComposeSource(path, Line(keyNode.Start)), at,
                "unknown key, ignored: check its spelling against the Compose specification"));
        }
    }

    /// <summary>The entries of a mapping, with YAML merge keys (&lt;&lt;: *anchor) applied as the specification allows.</summary>
    private IEnumerable<(string Key, YamlScalarNode KeyNode, YamlNode Value)> Entries(YamlMappingNode map)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var merged = new List<YamlMappingNode>();
        foreach (var (keyNode, value) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key } scalar)
            {
                Error(keyNode.Start, "(key)", "keys must be plain strings");
                continue;
            }

            if (key == "<<")
            {
                if (value is YamlMappingNode one)
                {
                    merged.Add(one);
                }
                else if (value is YamlSequenceNode many)
                {
                    merged.AddRange(many.Children.OfType<YamlMappingNode>());
                }

                continue;
            }

            seen.Add(key);
            yield return (key, scalar, value);
        }

        foreach (var source in merged)
        {
            foreach (var (key, keyNode, value) in Entries(source))
            {
                if (seen.Add(key))
                {
                    yield return (key, keyNode, value);
                }
            }
        }
    }

    private YamlMappingNode Map(YamlNode node, string at)
    {
        if (node is YamlMappingNode map)
        {
            return map;
        }

        if (node is not YamlScalarNode { Value: null or "" or "~" or "null" })
        {
            Error(node.Start, at, "expected a mapping (key: value lines) here");
        }

        return new YamlMappingNode();
    }

    private IEnumerable<YamlNode> Seq(YamlNode node, string at)
    {
        if (node is YamlSequenceNode seq)
        {
            return seq.Children;
        }

        Error(node.Start, at, "expected a list (lines starting with '- ') here");
        return [];
    }

    private string? Str(YamlNode node, string at)
    {
        if (node is not YamlScalarNode scalar)
        {
            Error(node.Start, at, "expected a single value here, not a list or mapping");
            return null;
        }

        if (scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        try
        {
            return ComposeText.Interpolate(scalar.Value ?? string.Empty, state.Env);
        }
        catch (FormatException e)
        {
            Error(node.Start, at, e.Message);
            return scalar.Value;
        }
    }

    private int? Int(YamlNode node, string at)
    {
        var text = Str(node, at);
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        Error(node.Start, at, $"'{text}' is not a whole number");
        return null;
    }

    private bool Bool(YamlNode node, string at)
    {
        var text = Str(node, at);
        switch (text?.ToLowerInvariant())
        {
            case "true" or "yes" or "on": return true;
            case "false" or "no" or "off" or null: return false;
            default:
                Error(node.Start, at, $"'{text}' is not true or false");
                return false;
        }
    }

    private TimeSpan? Duration(YamlNode node, string at) => Parsed(node, at, ComposeText.ParseDuration);

    /// <summary>A value in one of the specification's text formats (a duration, a byte size), or null with an error at its line.</summary>
    private T? Parsed<T>(YamlNode node, string at, Func<string, T> parse) where T : struct
    {
        var text = Str(node, at);
        if (text is null)
        {
            return null;
        }

        try
        {
            return parse(text);
        }
        catch (FormatException e)
        {
            Error(node.Start, at, e.Message);
            return null;
        }
    }

    private string Resolve(string relative)
    {
        if (relative.StartsWith('~'))
        {
            var home = state.Env.GetValueOrDefault("HOME") ?? System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);
            relative = home + relative[1..];
        }

        // Relative paths in every file resolve against the first file's directory, as the specification says for merged files.
        return Path.GetFullPath(Path.Combine(state.ProjectDirectory, relative));
    }

    private void Error(Mark mark, string at, string message) =>
        state.Errors.Add(new ComposeDiagnostic(new ComposeSource(path, Line(mark)), at, message));

    private static int Line(Mark mark) => (int)mark.Line;
}
