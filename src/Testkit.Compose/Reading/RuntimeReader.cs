using System.Globalization;
using Testkit.Images;
using YamlDotNet.RepresentationModel;

namespace Testkit.Compose;

/// <summary>Reads how a service's container runs: command and entrypoint, restart, extra_hosts, pull_policy and cpus.</summary>
internal static class RuntimeReader
{
    public static IReadOnlyList<string>? ReadCommand(ComposeYaml yaml, YamlNode node, string at)
    {
        if (node is YamlSequenceNode)
        {
            return yaml.Seq(node, at).Select(n => yaml.Str(n, at) ?? string.Empty).ToList();
        }

        var text = yaml.Str(node, at);
        if (text is null)
        {
            return null;
        }

        try
        {
            return ShellWords.Split(text);
        }
        catch (FormatException e)
        {
            yaml.Error(node.Start, at, e.Message);
            return null;
        }
    }

    public static void ReadExtraHosts(ComposeYaml yaml, ServiceDraft draft, YamlNode node, string at)
    {
        // The list form is "host:ip" or "host=ip" (an IPv6 address has colons of its own); the map form is host: ip.
        var entries = node is YamlSequenceNode
            ? yaml.Seq(node, at).Select(item => (Item: item, Text: yaml.Str(item, at) ?? string.Empty)).Select(e =>
            {
                var split = e.Text.IndexOf('=', StringComparison.Ordinal) is var eq and >= 0 ? eq : e.Text.IndexOf(':', StringComparison.Ordinal);
                return (e.Item, Host: split < 0 ? e.Text : e.Text[..split], Address: split < 0 ? null : e.Text[(split + 1)..]);
            })
            : yaml.Entries(yaml.Map(node, at)).Select(e => (Item: e.Value, Host: e.Key, Address: yaml.Str(e.Value, at + "." + e.Key)));
        foreach (var (item, host, address) in entries.ToList())
        {
            if (string.IsNullOrEmpty(address) || !System.Net.IPAddress.TryParse(address.Trim('[', ']'), out _) && address != "host-gateway")
            {
                yaml.Error(item.Start, at, $"'{host}' needs an IP address (\"{host}:10.0.0.5\" or \"{host}=::1\")");
                continue;
            }

            draft.ExtraHosts[host] = address.Trim('[', ']');
        }
    }

    public static PullPolicy? ReadPullPolicy(ComposeYaml yaml, YamlNode node, string at)
    {
        switch (yaml.Str(node, at))
        {
            case "always": return PullPolicy.Always;
            case "missing" or "if_not_present": return PullPolicy.Missing;
            case "never": return PullPolicy.Never;
            case "build" or null: return null; // A build: service builds anyway; the image of others resolves as usual.
            case var other:
                yaml.Error(node.Start, at, $"pull_policy '{other}' is not one of always, missing, if_not_present, never, build");
                return null;
        }
    }

    public static double? ReadCpus(ComposeYaml yaml, YamlNode node, string at)
    {
        var text = yaml.Str(node, at);
        if (text is null)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var cpus) && cpus > 0)
        {
            return cpus;
        }

        yaml.Error(node.Start, at, $"'{text}' is not a number of CPUs such as 0.5 or 2");
        return null;
    }

    public static string? ReadRestart(ComposeYaml yaml, YamlNode node, string at)
    {
        var text = yaml.Str(node, at);
        if (text is null or "no" or "always" or "unless-stopped" or "on-failure" || text.StartsWith("on-failure:", StringComparison.Ordinal))
        {
            return text;
        }

        yaml.Error(node.Start, at, $"restart policy '{text}' is not one of no, always, on-failure[:max-retries], unless-stopped");
        return null;
    }
}
