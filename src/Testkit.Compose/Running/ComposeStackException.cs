namespace Testkit.Compose;

/// <summary>Raised when a compose stack cannot start because a service's dependency did not complete successfully.</summary>
public sealed class ComposeStackException : TestkitException
{
    /// <summary>Creates the exception with a message naming the service, the dependency and the exit code.</summary>
    public ComposeStackException(string message, string service, string dependency, long exitCode)
        : base(message)
    {
        Service = service;
        Dependency = dependency;
        ExitCode = exitCode;
    }

    /// <summary>The service that could not start.</summary>
    public string Service { get; }

    /// <summary>The dependency that failed.</summary>
    public string Dependency { get; }

    /// <summary>The dependency's exit code.</summary>
    public long ExitCode { get; }
}
