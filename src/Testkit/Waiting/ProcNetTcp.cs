using System.Globalization;

namespace Testkit.Waiting;

/// <summary>Reads the kernel's socket tables (<c>/proc/net/tcp</c>, <c>/proc/net/tcp6</c>) as <c>cat</c> prints them.</summary>
internal static class ProcNetTcp
{
    private const string ListenState = "0A";

    /// <summary>True when a socket listens on <paramref name="port"/> on an address other than loopback.</summary>
    /// <remarks>Loopback-only listeners do not count: the port mapping reaches the container's own address,
    /// so a server bound to 127.0.0.1 is not yet reachable from the host (some servers bind it first).</remarks>
    public static bool IsListening(string table, int port)
    {
        foreach (var line in table.Split('\n'))
        {
            // "  0: 00000000:1F90 00000000:0000 0A ..." = sl, local address:port, remote, state, ...
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 4 || fields[3] != ListenState)
            {
                continue;
            }

            var colon = fields[1].LastIndexOf(':');
            if (colon > 0
                && int.TryParse(fields[1].AsSpan(colon + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var listening)
                && listening == port
                && !IsLoopback(fields[1][..colon]))
            {
                return true;
            }
        }

        return false;
    }

    // The kernel prints each 32-bit word of an address in host byte order; Docker hosts are little-endian
    // (x86-64, arm64, ppc64le), so 127.0.0.1 reads 0100007F and ::1 ends in 01000000.
    private static bool IsLoopback(string address) => address.Length switch
    {
        8 => address.EndsWith("7F", StringComparison.OrdinalIgnoreCase),
        32 => address.Equals("00000000000000000000000001000000", StringComparison.Ordinal)
              || (address.StartsWith("0000000000000000FFFF0000", StringComparison.OrdinalIgnoreCase)
                  && address.EndsWith("7F", StringComparison.OrdinalIgnoreCase)),
        _ => false,
    };
}
