using YamlDotNet.RepresentationModel;

namespace Testkit.Compose;

/// <summary>Reads the top-level <c>volumes</c>.</summary>
internal static class VolumeReader
{
    public static ComposeVolume Read(ComposeYaml yaml, YamlNode node, string at)
    {
        var volume = new ComposeVolume(null, null, false, new Dictionary<string, string>(), new Dictionary<string, string>());
        foreach (var (key, keyNode, value) in node is YamlMappingNode m ? yaml.Entries(m) : [])
        {
            var k = at + "." + key;
            switch (key)
            {
                case "name": volume = volume with { Name = yaml.Str(value, k) }; break;
                case "driver": volume = volume with { Driver = yaml.Str(value, k) }; break;
                case "external": volume = volume with { External = yaml.Bool(value, k) }; break;
                case "labels": volume = volume with { Labels = yaml.ReadKeyValues(value, k, false).ToDictionary(p => p.Key, p => p.Value ?? string.Empty, StringComparer.Ordinal) }; break;
                case "driver_opts": volume = volume with { DriverOpts = yaml.ReadKeyValues(value, k, false).ToDictionary(p => p.Key, p => p.Value ?? string.Empty, StringComparer.Ordinal) }; break;
                default: yaml.CheckKey(key, keyNode, k, [], []); break;
            }
        }

        return volume;
    }
}
