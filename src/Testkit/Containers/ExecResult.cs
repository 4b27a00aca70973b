namespace Testkit.Containers;

/// <summary>The outcome of a command run inside a container.</summary>
/// <param name="ExitCode">The command's exit code.</param>
/// <param name="Stdout">What it wrote to standard output.</param>
/// <param name="Stderr">What it wrote to standard error.</param>
public sealed record ExecResult(long ExitCode, string Stdout, string Stderr);
