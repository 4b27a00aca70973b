namespace Testkit.Compose;

/// <summary>Raised when compose files cannot be used; lists every problem with its key and line.</summary>
public sealed class ComposeException : TestkitException
{
    /// <summary>Creates the exception from the problems found.</summary>
    public ComposeException(IReadOnlyList<ComposeDiagnostic> errors)
        : base("The compose files cannot be used:" + string.Concat(errors.Select(e => System.Environment.NewLine + "  " + e))) => Errors = errors;

    /// <summary>Every problem found, with its file, line and key.</summary>
    public IReadOnlyList<ComposeDiagnostic> Errors { get; }
}
