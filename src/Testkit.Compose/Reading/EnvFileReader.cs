using Testkit.Formats;
using YamlDotNet.RepresentationModel;

namespace Testkit.Compose;

/// <summary>Reads <c>env_file</c>: the files, resolved and parsed by the core's <see cref="EnvFile"/>, their values into the draft.</summary>
internal static class EnvFileReader
{
    public static void Read(ComposeYaml yaml, ServiceDraft draft, YamlNode node, string at)
    {
        var items = node is YamlScalarNode ? [node] : yaml.Seq(node, at);
        foreach (var item in items)
        {
            string? file;
            var required = true;
            if (item is YamlMappingNode map)
            {
                file = null;
                foreach (var (key, keyNode, value) in yaml.Entries(map))
                {
                    switch (key)
                    {
                        case "path": file = yaml.Str(value, at + ".path"); break;
                        case "required": required = yaml.Bool(value, at + ".required"); break;
                        case "format": break;
                        default: yaml.CheckKey(key, keyNode, at + "." + key, [], []); break;
                    }
                }
            }
            else
            {
                file = yaml.Str(item, at);
            }

            if (file is null)
            {
                yaml.Error(item.Start, at, "an env_file entry needs a path");
                continue;
            }

            var full = yaml.Resolve(file);
            if (!File.Exists(full))
            {
                if (required)
                {
                    yaml.Error(item.Start, at, $"env file '{file}' does not exist at {full}: create it, fix the path (relative to {yaml.State.ProjectDirectory}), or use the long form with 'required: false'");
                }

                continue;
            }

            draft.EnvFiles.Add(full);
            IReadOnlyList<EnvFileEntry> entries;
            try
            {
                entries = EnvFile.Read(full);
            }
            catch (EnvFileFormatException e)
            {
                yaml.State.Errors.AddRange(EnvFileErrors.At(e, at));
                continue;
            }

            foreach (var entry in entries)
            {
                draft.EnvFileValues[entry.Name] = entry.Value ?? yaml.State.Env.GetValueOrDefault(entry.Name);
            }
        }
    }
}
