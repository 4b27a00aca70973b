using YamlDotNet.RepresentationModel;

namespace Testkit.Compose;

/// <summary>Reads the networks a service joins and the top-level <c>networks</c>.</summary>
internal static class NetworkReader
{
    public static void ReadServiceNetworks(ComposeYaml yaml, ServiceDraft draft, YamlNode node, string at)
    {
        if (node is YamlSequenceNode)
        {
            foreach (var item in yaml.Seq(node, at))
            {
                var name = yaml.Str(item, at);
                if (name is not null)
                {
                    yaml.State.NetworkUses.Add((name, new ComposeDiagnostic(yaml.Source(item.Start), at, "")));
                    draft.Networks[name] = new ComposeServiceNetwork([], null);
                }
            }

            return;
        }

        foreach (var (name, nameNode, value) in yaml.Entries(yaml.Map(node, at)))
        {
            yaml.State.NetworkUses.Add((name, new ComposeDiagnostic(yaml.Source(nameNode.Start), at + "." + name, "")));
            var network = new ComposeServiceNetwork([], null);
            foreach (var (key, keyNode, v) in value is YamlMappingNode m ? yaml.Entries(m) : [])
            {
                var k = $"{at}.{name}.{key}";
                switch (key)
                {
                    case "aliases": network = network with { Aliases = yaml.Seq(v, k).Select(a => yaml.Str(a, k)).OfType<string>().ToList() }; break;
                    case "ipv4_address": network = network with { Ipv4Address = yaml.Str(v, k) }; break;
                    default:
                        yaml.CheckKey(key, keyNode, k, [], ["ipv6_address", "link_local_ips", "mac_address", "driver_opts", "priority", "gw_priority", "interface_name"]);
                        break;
                }
            }

            draft.Networks[name] = network;
        }
    }

    public static ComposeNetwork ReadNetwork(ComposeYaml yaml, YamlNode node, string at)
    {
        var network = new ComposeNetwork(null, null, false, false, new Dictionary<string, string>());
        foreach (var (key, keyNode, value) in node is YamlMappingNode m ? yaml.Entries(m) : [])
        {
            var k = at + "." + key;
            switch (key)
            {
                case "name": network = network with { Name = yaml.Str(value, k) }; break;
                case "driver": network = network with { Driver = yaml.Str(value, k) }; break;
                case "external": network = network with { External = yaml.Bool(value, k) }; break;
                case "internal": network = network with { Internal = yaml.Bool(value, k) }; break;
                case "labels": network = network with { Labels = yaml.ReadKeyValues(value, k, false).ToDictionary(p => p.Key, p => p.Value ?? string.Empty, StringComparer.Ordinal) }; break;
                case "attachable": break; // Every bridge network is attachable on a single engine.
                default: yaml.CheckKey(key, keyNode, k, [], ["driver_opts", "ipam", "enable_ipv4", "enable_ipv6"]); break;
            }
        }

        return network;
    }
}
