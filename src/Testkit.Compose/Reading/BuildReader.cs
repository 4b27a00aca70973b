using YamlDotNet.RepresentationModel;

namespace Testkit.Compose;

/// <summary>Reads <c>build</c>, short and long form.</summary>
internal static class BuildReader
{
    public static ComposeBuild? Read(ComposeYaml yaml, YamlNode node, string at)
    {
        if (node is YamlScalarNode)
        {
            return new ComposeBuild(yaml.Resolve(yaml.Str(node, at) ?? "."), null, new Dictionary<string, string?>(), null);
        }

        string? context = null, dockerfile = null, target = null;
        var args = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, keyNode, value) in yaml.Entries(yaml.Map(node, at)))
        {
            var k = at + "." + key;
            switch (key)
            {
                case "context": context = yaml.Str(value, k); break;
                case "dockerfile": dockerfile = yaml.Str(value, k); break;
                case "target": target = yaml.Str(value, k); break;
                case "args":
                    foreach (var (argKey, argValue) in yaml.ReadKeyValues(value, k, fromHost: false))
                    {
                        args[argKey] = argValue;
                    }

                    break;
                default:
                    yaml.CheckKey(key, keyNode, k, [],
                    [
                        "additional_contexts", "cache_from", "cache_to", "dockerfile_inline", "entitlements", "extra_hosts", "isolation",
                        "labels", "network", "no_cache", "platforms", "privileged", "pull", "secrets", "shm_size", "ssh", "tags", "ulimits",
                    ]);
                    break;
            }
        }

        return new ComposeBuild(yaml.Resolve(context ?? "."), dockerfile, args, target);
    }
}
