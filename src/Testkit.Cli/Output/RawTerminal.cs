using System.Runtime.InteropServices;

namespace Testkit.Cli.Output;

/// <summary>Puts this process's terminal (standard input) in raw mode until disposed: keys go out as typed, Ctrl-C
/// included, and nothing is echoed locally, as <c>docker exec -it</c> does for a program with a TTY of its own.</summary>
/// <remarks>Through libc's <c>tcgetattr</c>/<c>cfmakeraw</c>/<c>tcsetattr</c>: running <c>stty</c> does not work from
/// .NET, which restores its own terminal settings whenever a child process ends. The settings are kept as opaque bytes
/// (larger than any platform's <c>struct termios</c>), so no layout is assumed.</remarks>
internal sealed partial class RawTerminal : IDisposable
{
    private const int StandardInput = 0;
    private const int ApplyNow = 0;
    private const int TermiosBytes = 256;

    private readonly byte[] saved;

    private RawTerminal(byte[] saved) => this.saved = saved;

    /// <summary>Switches to raw mode; null when standard input is not a terminal or the platform has no termios.</summary>
    public static RawTerminal? Enter()
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) || Console.IsInputRedirected)
        {
            return null;
        }

        var saved = new byte[TermiosBytes];
        if (GetAttributes(StandardInput, saved) != 0)
        {
            return null;
        }

        var raw = (byte[])saved.Clone();
        MakeRaw(raw);
        return SetAttributes(StandardInput, ApplyNow, raw) == 0 ? new RawTerminal(saved) : null;
    }

    /// <summary>Restores the settings from before.</summary>
    public void Dispose() => _ = SetAttributes(StandardInput, ApplyNow, saved);

    [LibraryImport("libc", EntryPoint = "tcgetattr")]
    private static partial int GetAttributes(int descriptor, [Out] byte[] termios);

    [LibraryImport("libc", EntryPoint = "tcsetattr")]
    private static partial int SetAttributes(int descriptor, int when, [In] byte[] termios);

    [LibraryImport("libc", EntryPoint = "cfmakeraw")]
    private static partial void MakeRaw([In, Out] byte[] termios);
}
