using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Testkit.Containers;

/// <summary>Rejects descriptions that cannot work before anything is created on the engine.</summary>
internal static partial class ContainerSettingsValidator
{
    private static readonly string[] Protocols = ["tcp", "udp", "sctp"];

    public static ContainerSettings Validate(ContainerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (string.IsNullOrWhiteSpace(settings.Image))
        {
            throw new ArgumentException("A container needs an image name, e.g. \"redis:7\".", nameof(settings));
        }

        _ = Images.ImageReference.Parse(settings.Image);
        if (settings.StartupAttempts < 1)
        {
            throw new ArgumentException($"StartupAttempts is {settings.StartupAttempts}: a start needs at least one attempt (WithStartupAttempts(1) or more).", nameof(settings));
        }

        foreach (var name in settings.Environment.Keys)
        {
            CheckEnvironmentName(name, null);
        }

        foreach (var port in settings.Ports)
        {
            CheckPort(port);
        }

        foreach (var mount in settings.Mounts.Where(m => m.Type == MountType.Bind))
        {
            if (!File.Exists(mount.Source) && !Directory.Exists(mount.Source))
            {
                throw new ArgumentException(
                    $"Bind mount source '{mount.Source}' does not exist on this machine. Create it first, or fix the path.", nameof(settings));
            }
        }

        foreach (var file in settings.Files.Where(f => f.SourcePath is not null))
        {
            if (!File.Exists(file.SourcePath) && !Directory.Exists(file.SourcePath))
            {
                throw new ArgumentException($"'{file.SourcePath}', to be copied to '{file.Path}', does not exist on this machine.", nameof(settings));
            }
        }

        var duplicate = settings.Ports.Where(p => p.HostPort != 0).GroupBy(p => (p.HostIp, p.HostPort, p.Protocol)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Host port {duplicate.Key.HostIp}:{duplicate.Key.HostPort} is published twice.", nameof(settings));
        }

        if (settings.Reuse)
        {
            // A reused container outlives the session; what the session owns would be removed under it.
            if (settings.Networks.Any(n => n.OwnedNetwork is not null) || settings.Mounts.Any(m => m.OwnedVolume is not null))
            {
                throw new ArgumentException(
                    "A reused container cannot join a network or mount a volume created by this test session: it would outlive them. "
                    + "Join a network and mount a volume by name (created outside the session), or do not reuse this container.", nameof(settings));
            }

            if (settings.AutoRemove)
            {
                throw new ArgumentException("A reused container cannot be auto-removed: choose WithReuse or WithAutoRemove.", nameof(settings));
            }
        }

        return settings;
    }

    /// <summary>Rejects a name the engine would misread: empty, or with <c>=</c> (the container would see the rest as the
    /// value), or with whitespace (no shell can read it). <paramref name="source"/> says where it came from, e.g. <c>file:line</c>.</summary>
    public static void CheckEnvironmentName(string name, string? source)
    {
        var where = source is null ? "" : $" ({source})";
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException($"An environment variable needs a name{where}: write NAME=value.", nameof(name));
        }

        if (name.Contains('=', StringComparison.Ordinal))
        {
            var (left, right) = (name[..name.IndexOf('=', StringComparison.Ordinal)], name[(name.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            throw new ArgumentException(
                $"Environment variable name '{name}'{where} contains '=': the container would read the name '{left}' and the rest as its value. "
                + $"Give the name alone, e.g. WithEnvironment(\"{left}\", \"{right}…\").", nameof(name));
        }

        if (name.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"Environment variable name '{name}'{where} contains whitespace, which no shell can read: use letters, digits and '_'.", nameof(name));
        }
    }

    /// <summary>Rejects a port the engine would refuse or, worse, publish on every address.</summary>
    public static void CheckPort(PortBinding port)
    {
        ArgumentNullException.ThrowIfNull(port);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port.ContainerPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port.ContainerPort, 65535);
        ArgumentOutOfRangeException.ThrowIfNegative(port.HostPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port.HostPort, 65535);
        if (!Protocols.Contains(port.Protocol, StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"Port {port.ContainerPort} has protocol '{port.Protocol}': the engine knows only \"tcp\", \"udp\" and \"sctp\" (lower case). Use one of them, or leave the default \"tcp\".", nameof(port));
        }

        if (!IsIpLiteral(port.HostIp))
        {
            // Docker 20.10 publishes on 0.0.0.0 and [::] when it cannot parse the host address: the opposite of what was asked.
            var hint = port.HostIp is { Length: > 0 } name && name.Any(char.IsLetter) && !name.Contains(':', StringComparison.Ordinal)
                ? " (host names are not resolved)"
                : "";
            throw new ArgumentException(
                $"Host address '{port.HostIp}' of port {port.ContainerPort} is not an IPv4 or IPv6 address{hint}, and the engine would publish the port on "
                + $"every address of the machine instead. Use \"{PortBinding.Loopback}\" (PortBinding.Loopback) for this machine only, \"::1\" for IPv6 "
                + $"loopback, or \"{PortBinding.AnyAddress}\" (PortBinding.AnyAddress) to be reachable from other machines.", nameof(port));
        }
    }

    // As Go's net.ParseIP, which the engine uses: dotted quads without leading zeros, or IPv6 without a zone or brackets.
    // .NET's own parser also takes "1", "0x7f.1" and "010.0.0.1", which the engine does not.
    private static bool IsIpLiteral(string? text) =>
        text is { Length: > 0 }
        && (Ipv4Regex().IsMatch(text)
            || (text.Contains(':', StringComparison.Ordinal) && !text.Any(c => c is '%' or '[' or ']')
                && IPAddress.TryParse(text, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6));

    [GeneratedRegex(@"^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$")]
    private static partial Regex Ipv4Regex();
}
