using System.Globalization;

namespace Testkit.Watchdog;

/// <summary>The watchdog's diagnostics: to standard error, which the test process logs while it lives, and to the
/// file given with <c>--log</c>, which outlives it.</summary>
internal sealed class WatchdogLog(string? path)
{
    private readonly Lock gate = new();

    public void Write(string message)
    {
        var line = $"{DateTime.UtcNow.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)} watchdog {Environment.ProcessId}: {message}";
        lock (gate)
        {
            // Once the test process is gone nobody reads standard error; the runtime ignores the broken pipe.
            Console.Error.WriteLine(line);
            if (path is null)
            {
                return;
            }

            try
            {
                File.AppendAllText(path, line + Environment.NewLine);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The log is a diagnostic only: a full disk or a bad path must not stop the cleanup.
            }
        }
    }
}
