using YamlDotNet.RepresentationModel;

namespace Testkit.Compose;

/// <summary>Reads <c>healthcheck</c>, merging its fields with an earlier file's.</summary>
internal static class HealthcheckReader
{
    public static ComposeHealthcheck? Read(ComposeYaml yaml, YamlNode node, string at, ComposeHealthcheck? previous)
    {
        // Fields merge with an earlier file's healthcheck; the test itself is replaced.
        var check = previous ?? new ComposeHealthcheck(null, null, null, null, null, null, false);
        foreach (var (key, keyNode, value) in yaml.Entries(yaml.Map(node, at)))
        {
            var k = at + "." + key;
            switch (key)
            {
                case "test": check = check with { Test = ReadHealthTest(yaml, value, k) }; break;
                case "interval": check = check with { Interval = yaml.Duration(value, k) }; break;
                case "timeout": check = check with { Timeout = yaml.Duration(value, k) }; break;
                case "start_period": check = check with { StartPeriod = yaml.Duration(value, k) }; break;
                case "start_interval": check = check with { StartInterval = yaml.Duration(value, k) }; break;
                case "retries": check = check with { Retries = yaml.Int(value, k) }; break;
                case "disable": check = check with { Disable = yaml.Bool(value, k) }; break;
                default: yaml.CheckKey(key, keyNode, k, [], []); break;
            }
        }

        return check.Disable ? check with { Test = ["NONE"] } : check;
    }

    private static List<string>? ReadHealthTest(ComposeYaml yaml, YamlNode node, string at)
    {
        if (node is YamlScalarNode)
        {
            var text = yaml.Str(node, at);
            return text is null ? null : ["CMD-SHELL", text];
        }

        var items = yaml.Seq(node, at).Select(n => yaml.Str(n, at) ?? string.Empty).ToList();
        if (items.Count == 0 || items[0] is not ("CMD" or "CMD-SHELL" or "NONE"))
        {
            yaml.Error(node.Start, at, "a healthcheck test list must start with \"CMD\", \"CMD-SHELL\" or \"NONE\"; or write the test as a string to run it in a shell");
            return null;
        }

        return items;
    }
}
