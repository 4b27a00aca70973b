namespace Testkit.Tests.LeakCleanup;

/// <summary>The watchdog processes running on this machine, found by their command line in /proc.</summary>
internal static class WatchdogProcesses
{
    /// <summary>The ids of the watchdogs guarding <paramref name="session"/>, with their command lines.</summary>
    public static IReadOnlyList<(int Pid, string CommandLine)> For(string session)
    {
        var found = new List<(int, string)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            string commandLine;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            if (commandLine.Contains("Testkit.Watchdog.dll", StringComparison.Ordinal) && commandLine.Contains($"--session {session} ", StringComparison.Ordinal))
            {
                found.Add((pid, commandLine));
            }
        }

        return found;
    }

    /// <summary>Waits until the session's watchdog runs (true) or the deadline passes (false).</summary>
    public static Task<bool> AppearsAsync(string session, TimeSpan within) => UntilAsync(() => For(session).Count > 0, within);

    /// <summary>Waits until no watchdog of the session runs any more (true) or the deadline passes (false).</summary>
    public static Task<bool> ExitsAsync(string session, TimeSpan within) => UntilAsync(() => For(session).Count == 0, within);

    private static async Task<bool> UntilAsync(Func<bool> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }
}
