using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace Testkit.Cleanup;

/// <summary>The process that created a resource, as its owner labels record it: host name, process id and that
/// process's start, so that a later process can tell whether the owner still runs.</summary>
/// <remarks>A process id alone is not enough: ids are reused, and a reused one must not keep a dead session's resources
/// alive, nor — worse — be taken for dead while its owner runs. So the start is compared too, and on Linux it is the
/// kernel's start time in clock ticks since boot (with the boot id and the pid namespace), which no clock adjustment moves.</remarks>
internal sealed record SessionOwner(string Host, int Pid, string Start)
{
    private const string LinuxPrefix = "linux:";
    private const string TimePrefix = "time:";
    private const string UnknownPart = "unknown";

    /// <summary>What an owner's state can be judged to be from here.</summary>
    public enum Liveness
    {
        /// <summary>Another host, boot or pid namespace, or labels this version cannot read: not for this process to judge.</summary>
        Unknown,

        /// <summary>The owner process runs.</summary>
        Alive,

        /// <summary>No process with that id and start runs any more.</summary>
        Dead,
    }

    /// <summary>This process.</summary>
    public static SessionOwner Current { get; } = new(Environment.MachineName, Environment.ProcessId, StartOf(Environment.ProcessId) ?? UnknownPart);

    /// <summary>The owner recorded in a resource's labels, or null when they do not name one (an older Testkit).</summary>
    public static SessionOwner? FromLabels(IDictionary<string, string>? labels)
    {
        if (labels is null
            || !labels.TryGetValue(ResourceLabels.OwnerHost, out var host)
            || !labels.TryGetValue(ResourceLabels.OwnerPid, out var pidText)
            || !int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !labels.TryGetValue(ResourceLabels.OwnerStart, out var start))
        {
            return null;
        }

        return new SessionOwner(host, pid, start);
    }

    /// <summary>Whether the owner still runs, as far as this process can tell.</summary>
    public Liveness Judge()
    {
        if (!string.Equals(Host, Current.Host, StringComparison.OrdinalIgnoreCase) || Pid <= 0)
        {
            return Liveness.Unknown;
        }

        if (Start.StartsWith(LinuxPrefix, StringComparison.Ordinal) && Current.Start.StartsWith(LinuxPrefix, StringComparison.Ordinal))
        {
            // Same boot and pid namespace, or the pid means another process here (or the same name is another machine).
            var (recorded, here) = (Start.Split(':'), Current.Start.Split(':'));
            if (recorded.Length != 4 || recorded[1] != here[1] || recorded[2] != here[2] || here[1] == UnknownPart || here[2] == UnknownPart)
            {
                return Liveness.Unknown;
            }
        }
        else if (!(Start.StartsWith(TimePrefix, StringComparison.Ordinal) && Current.Start.StartsWith(TimePrefix, StringComparison.Ordinal)))
        {
            return Liveness.Unknown;
        }

        try
        {
            return StartOf(Pid) == Start ? Liveness.Alive : Liveness.Dead;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or Win32Exception or InvalidOperationException)
        {
            // A process this user may not inspect exists: it may be the owner.
            return Liveness.Unknown;
        }
    }

    /// <summary>The start of process <paramref name="pid"/> in the label's format, or null when no such process runs.</summary>
    private static string? StartOf(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            return LinuxStartOf(pid);
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : TimePrefix + process.StartTime.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static string? LinuxStartOf(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return null;
        }

        // "pid (comm) state ppid … starttime …": comm may hold spaces and parentheses, so count from the last ')'.
        // After it come field 3 (state) onwards; the start time is field 22.
        var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 20 || fields[0] is "Z" or "X")
        {
            // A zombie has ended: it only waits for its parent to collect its exit code.
            return null;
        }

        return $"{LinuxPrefix}{BootId}:{PidNamespace}:{fields[19]}";
    }

    private static string BootId => field ??= ReadOrUnknown(() => File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim());

    private static string PidNamespace => field ??= ReadOrUnknown(() =>
    {
        // "pid:[4026531836]" → 4026531836
        var target = new FileInfo("/proc/self/ns/pid").LinkTarget ?? "";
        return new string([.. target.Where(char.IsAsciiDigit)]);
    });

    private static string ReadOrUnknown(Func<string> read)
    {
        try
        {
            return read() is { Length: > 0 } value ? value : UnknownPart;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return UnknownPart;
        }
    }
}
