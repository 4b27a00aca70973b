using Docker.DotNet.Models;
using Testkit.Cli.Output;
using Testkit.Engine;

namespace Testkit.Cli.Dev;

/// <summary>A command run in a dev service's container through the Engine API's exec, attached to this process's
/// standard output and error, and to its standard input when asked.</summary>
internal static class DevExec
{
    /// <summary>Runs <paramref name="command"/> and returns its exit code (0–255). With <paramref name="tty"/>, the container
    /// gets a terminal of this one's size and this terminal is in raw mode meanwhile.</summary>
    public static async Task<int> RunAsync(
        DockerEngine engine, string containerId, IReadOnlyList<string> command, bool input, bool tty, CancellationToken cancellationToken)
    {
        var exec = await engine.Client.Exec.CreateContainerExecAsync(containerId, new ContainerExecCreateParameters
        {
            Cmd = [.. command],
            AttachStdin = input,
            AttachStdout = true,
            AttachStderr = true,
            TTY = tty,
            Env = tty ? [$"TERM={Environment.GetEnvironmentVariable("TERM") ?? "xterm"}"] : null!,
        }, cancellationToken).ConfigureAwait(false);

        // Read before raw mode: asking .NET for the window size sets up its console, which puts its own settings back.
        var size = tty ? new ContainerResizeParameters { Height = Console.WindowHeight, Width = Console.WindowWidth } : null;
        using (tty ? RawTerminal.Enter() : null)
        {
            using var stream = await engine.Client.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters { TTY = tty }, cancellationToken).ConfigureAwait(false);
            if (size is not null)
            {
                await engine.Client.Exec.ResizeExecTtyAsync(exec.ID, size, cancellationToken).ConfigureAwait(false);
            }

            if (input)
            {
                // Not awaited: a command that stops reading (or never reads) must not wait for this process's input to end.
                _ = Task.Run(async () =>
                {
                    // File descriptor 0 itself: .NET's console stream would edit and echo lines on a terminal.
                    await using var standardInput = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(0, ownsHandle: false), FileAccess.Read, 1);
                    await stream.CopyFromAsync(standardInput, cancellationToken).ConfigureAwait(false);
                    stream.CloseWrite();
                }, cancellationToken);
            }

            await using var stdout = Console.OpenStandardOutput();
            await using var stderr = Console.OpenStandardError();
            await stream.CopyOutputToAsync(Stream.Null, stdout, stderr, cancellationToken).ConfigureAwait(false);
        }

        var inspect = await engine.Client.Exec.InspectContainerExecAsync(exec.ID, CancellationToken.None).ConfigureAwait(false);
        return (int)Math.Clamp(inspect.ExitCode ?? ExitCodes.Failed, 0, 255);
    }
}
