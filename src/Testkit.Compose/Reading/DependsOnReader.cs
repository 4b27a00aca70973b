using YamlDotNet.RepresentationModel;

namespace Testkit.Compose;

/// <summary>Reads <c>depends_on</c>, list and long form, with conditions.</summary>
internal static class DependsOnReader
{
    public static void Read(ComposeYaml yaml, ServiceDraft draft, YamlNode node, string at)
    {
        if (node is YamlSequenceNode)
        {
            foreach (var item in yaml.Seq(node, at))
            {
                var name = yaml.Str(item, at);
                if (name is not null)
                {
                    draft.DependsOn[name] = new ComposeDependency(ComposeCondition.ServiceStarted, false, true, yaml.Source(item.Start));
                }
            }

            return;
        }

        foreach (var (name, nameNode, value) in yaml.Entries(yaml.Map(node, at)))
        {
            var dependency = new ComposeDependency(ComposeCondition.ServiceStarted, false, true, yaml.Source(nameNode.Start));
            foreach (var (key, keyNode, v) in value is YamlMappingNode m ? yaml.Entries(m) : [])
            {
                var k = $"{at}.{name}.{key}";
                switch (key)
                {
                    case "condition":
                        var condition = yaml.Str(v, k);
                        switch (condition)
                        {
                            case "service_started": break;
                            case "service_healthy": dependency = dependency with { Condition = ComposeCondition.ServiceHealthy }; break;
                            case "service_completed_successfully": dependency = dependency with { Condition = ComposeCondition.ServiceCompletedSuccessfully }; break;
                            default:
                                yaml.Error(v.Start, k, $"condition '{condition}' is not one of service_started, service_healthy, service_completed_successfully");
                                break;
                        }

                        break;
                    case "restart": dependency = dependency with { Restart = yaml.Bool(v, k) }; break;
                    case "required": dependency = dependency with { Required = yaml.Bool(v, k) }; break;
                    default: yaml.CheckKey(key, keyNode, k, [], []); break;
                }
            }

            draft.DependsOn[name] = dependency;
        }
    }
}
