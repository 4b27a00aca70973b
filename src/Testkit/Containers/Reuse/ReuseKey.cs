using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Testkit.Cleanup;

namespace Testkit.Containers.Reuse;

/// <summary>The hash that finds a reused container again: everything the container is created with, the image's id and
/// the content of the files copied in. Settings that only matter to this process (waits, output consumers, logger,
/// timeout) are left out.</summary>
internal static class ReuseKey
{
    public static async Task<string> ComputeAsync(ContainerSettings settings, string imageId, CancellationToken cancellationToken)
    {
        // A canonical text, dictionaries sorted: their enumeration order differs between processes.
        var text = new StringBuilder();
        void Line(string name, object? value) => text.Append(name).Append('=').Append(Convert.ToString(value, CultureInfo.InvariantCulture)).Append('\n');
        static string Sorted(IEnumerable<KeyValuePair<string, string>> pairs) =>
            string.Join('\u0001', pairs.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "\u0002" + p.Value));

        Line("image", imageId);
        Line("name", settings.Name);
        Line("entrypoint", settings.Entrypoint is { } entrypoint ? string.Join('\u0001', entrypoint) : "(image)");
        Line("command", settings.Command is { } command ? string.Join('\u0001', command) : "(image)");
        Line("environment", Sorted(settings.Environment));
        Line("labels", Sorted(settings.Labels.Where(l => !ResourceLabels.ForThisSession.ContainsKey(l.Key))));
        Line("hostname", settings.Hostname);
        Line("workdir", settings.WorkingDirectory);
        Line("user", settings.User);
        Line("restart", settings.RestartPolicy);
        Line("memory", settings.MemoryLimitBytes);
        Line("cpus", settings.CpuLimit);
        Line("extra-hosts", Sorted(settings.ExtraHosts));
        Line("privileged", settings.Privileged);
        Line("health", settings.HealthCheck is { } health
            ? $"{string.Join('\u0001', health.Command)}|{health.Interval}|{health.Timeout}|{health.Retries}|{health.StartPeriod}"
            : "(image)");
        foreach (var mount in settings.Mounts)
        {
            Line("mount", $"{mount.Type}|{mount.Source}|{mount.Target}|{mount.ReadOnly}");
        }

        foreach (var port in settings.Ports.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.HostIp, StringComparer.Ordinal).ThenBy(p => p.HostPort))
        {
            Line("port", $"{port.Key}|{port.HostIp}|{port.HostPort}");
        }

        foreach (var network in settings.Networks)
        {
            Line("network", $"{network.Network}|{string.Join('\u0001', network.Aliases)}");
        }

        foreach (var file in settings.Files)
        {
            Line("file", $"{file.Path}|{file.Mode}|{file.Owner}|{await file.ContentHashAsync(cancellationToken).ConfigureAwait(false)}");
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()))).ToLowerInvariant();
    }
}
