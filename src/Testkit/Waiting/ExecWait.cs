using System.Collections.Immutable;
using Testkit.Containers;

namespace Testkit.Waiting;

/// <summary>Waits until a command run inside the container exits with 0.</summary>
public sealed record ExecWait : IWaitStrategy
{
    internal ExecWait(ImmutableArray<string> command) => Command = command;

    /// <summary>The command and its arguments, run without a shell.</summary>
    public ImmutableArray<string> Command { get; }

    /// <inheritdoc />
    public TimeSpan? Timeout { get; init; }

    /// <summary>Gives this wait its own deadline.</summary>
    public ExecWait WithTimeout(TimeSpan timeout) => this with { Timeout = Wait.CheckTimeout(timeout) };

    /// <inheritdoc />
    public ValueTask WaitAsync(IWaitTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        return Polling.UntilAsync(static (s, ct) => SucceedsAsync(s.target, s.Command, ct), (target, Command), cancellationToken);
    }

    /// <inheritdoc />
    public override string ToString() => $"command `{Format(Command)}` to exit 0";

    /// <summary>Runs <paramref name="command"/> once: true on exit code 0; throws when it cannot run at all.</summary>
    internal static async ValueTask<bool> SucceedsAsync(IWaitTarget target, IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        var result = await target.ExecAsync(command, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode == 0)
        {
            return true;
        }

        // The runtime reports a missing executable as exit 126/127 with its own message; retrying cannot help.
        if (result.ExitCode is 126 or 127 && CannotStart(result))
        {
            throw new TestkitException(
                $"Command `{Format(command)}` cannot run in container {Wait.ShortId(target)}: {Wait.FirstLine(result)}. "
                + "Check that the image has the program (and give its full path if it is not on PATH), or wait for something else.");
        }

        return false;
    }

    internal static string Format(IEnumerable<string> command) =>
        string.Join(' ', command.Select(a => a.Length == 0 || a.Any(char.IsWhiteSpace) ? $"'{a}'" : a));

    // Docker says "OCI runtime exec failed: ... executable file not found", Podman "... OCI runtime attempted to invoke a command that was not found".
    private static bool CannotStart(ExecResult result) =>
        (result.Stdout + result.Stderr) is var output
        && (output.Contains("OCI runtime", StringComparison.Ordinal) || output.Contains("executable file not found", StringComparison.Ordinal));
}
