using YamlDotNet.RepresentationModel;

namespace Testkit.Compose;

/// <summary>Reads a service's <c>volumes</c> entries, short and long form, into volume, bind and tmpfs mounts.</summary>
internal static class MountReader
{
    public static ComposeMount? Read(ComposeYaml yaml, YamlNode node, string at)
    {
        if (node is YamlMappingNode map)
        {
            string? type = null, source = null, target = null;
            var readOnly = false;
            foreach (var (key, keyNode, value) in yaml.Entries(map))
            {
                var k = at + "." + key;
                switch (key)
                {
                    case "type": type = yaml.Str(value, k); break;
                    case "source": source = yaml.Str(value, k); break;
                    case "target": target = yaml.Str(value, k); break;
                    case "read_only": readOnly = yaml.Bool(value, k); break;
                    case "bind" or "volume" or "tmpfs" or "consistency": break; // Fine-tuning with safe engine defaults.
                    default: yaml.CheckKey(key, keyNode, k, [], ["image"]); break;
                }
            }

            if (target is null)
            {
                yaml.Error(node.Start, at, "a volume in long form needs 'target:', the path in the container");
                return null;
            }

            switch (type)
            {
                case "bind" when source is not null:
                    return new ComposeMount(ComposeMountType.Bind, yaml.Resolve(source), target, readOnly);
                case "volume" or null:
                    if (source is not null)
                    {
                        yaml.State.VolumeUses.Add((source, new ComposeDiagnostic(yaml.Source(node.Start), at, "")));
                    }

                    return new ComposeMount(ComposeMountType.Volume, source, target, readOnly);
                case "tmpfs":
                    return new ComposeMount(ComposeMountType.Tmpfs, null, target, readOnly);
                case "bind":
                    yaml.Error(node.Start, at, "a bind mount needs 'source:', the host path");
                    return null;
                default:
                    yaml.Error(node.Start, at + ".type", $"volume type '{type}' is not supported: use volume, bind or tmpfs");
                    return null;
            }
        }

        var text = yaml.Str(node, at) ?? string.Empty;
        var parts = text.Split(':');
        if (parts.Length == 1)
        {
            return new ComposeMount(ComposeMountType.Volume, null, parts[0], false);
        }

        if (parts.Length > 3)
        {
            yaml.Error(node.Start, at, $"\"{text}\" has too many ':': write \"name:/path\", \"./dir:/path:ro\" or \"/path\"");
            return null;
        }

        var modes = parts.Length == 3 ? parts[2].Split(',') : [];
        var ro = modes.Contains("ro");
        var src = parts[0];
        if (src.StartsWith('.') || src.StartsWith('/') || src.StartsWith('~'))
        {
            return new ComposeMount(ComposeMountType.Bind, yaml.Resolve(src), parts[1], ro);
        }

        yaml.State.VolumeUses.Add((src, new ComposeDiagnostic(yaml.Source(node.Start), at, "")));
        return new ComposeMount(ComposeMountType.Volume, src, parts[1], ro);
    }
}
