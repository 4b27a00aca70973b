using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Testkit.Compose;

/// <summary>Reads <c>ports</c> in the short ("127.0.0.1:8080:80/udp", ranges expanded) and the long form.</summary>
internal static class PortReader
{
    public static List<ComposePort> Read(ComposeYaml yaml, YamlNode node, string at)
    {
        if (node is YamlMappingNode map)
        {
            int? target = null;
            string? published = null, hostIp = null, protocol = null;
            foreach (var (key, keyNode, value) in yaml.Entries(map))
            {
                var k = at + "." + key;
                switch (key)
                {
                    case "target": target = yaml.Int(value, k); break;
                    case "published": published = yaml.Str(value, k); break;
                    case "host_ip": hostIp = yaml.Str(value, k); break;
                    case "protocol": protocol = yaml.Str(value, k); break;
                    case "mode" or "name" or "app_protocol": break; // Labels and swarm modes: no effect on a single engine.
                    default: yaml.CheckKey(key, keyNode, k, [], []); break;
                }
            }

            if (target is null)
            {
                yaml.Error(node.Start, at, "a port in long form needs 'target:', the container port");
                return [];
            }

            return [new ComposePort(target.Value, string.IsNullOrEmpty(published) ? null : published, hostIp, protocol ?? "tcp")];
        }

        var text = yaml.Str(node, at) ?? string.Empty;
        try
        {
            return ParseShortPort(text);
        }
        catch (FormatException e)
        {
            yaml.Error(node.Start, at, $"\"{text}\" is not a port: {e.Message}; write \"8080:80\", \"127.0.0.1:8080:80\", \"80\" or \"9090-9091:8080-8081/udp\"");
            return [];
        }
    }

    public static List<ComposePort> ParseShortPort(string text)
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
}
