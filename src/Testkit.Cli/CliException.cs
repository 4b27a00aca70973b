namespace Testkit.Cli;

/// <summary>An error the command reports as one line on standard error, with its exit code.</summary>
internal sealed class CliException : Exception
{
    public CliException(int exitCode, string message, Exception? innerException = null) : base(message, innerException) => ExitCode = exitCode;

    public CliException() : this(ExitCodes.Failed, "The command failed.") { }

    public CliException(string message) : this(ExitCodes.Failed, message) { }

    public CliException(string message, Exception innerException) : this(ExitCodes.Failed, message, innerException) { }

    /// <summary>What the process exits with.</summary>
    public int ExitCode { get; }

    public static CliException Usage(string message) => new(ExitCodes.Usage, message);

    public static CliException Conflict(string message) => new(ExitCodes.Conflict, message);

    public static CliException NotFound(string message) => new(ExitCodes.NotFound, message);
}
