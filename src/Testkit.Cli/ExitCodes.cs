namespace Testkit.Cli;

/// <summary>The exit codes of the <c>testkit</c> command, documented in the README ("Dev services").</summary>
internal static class ExitCodes
{
    /// <summary>Done as asked.</summary>
    public const int Ok = 0;

    /// <summary>The command line is wrong: an unknown command, module or option, a bad value, an unusable compose file.</summary>
    public const int Usage = 1;

    /// <summary>No container engine answered.</summary>
    public const int EngineUnavailable = 2;

    /// <summary>Something stands in the way: the name or the port is taken, the data belongs to another service, the
    /// service is not in the state the command needs.</summary>
    public const int Conflict = 3;

    /// <summary>No dev service has that name.</summary>
    public const int NotFound = 4;

    /// <summary>The service did not start (missing image, it exited, not ready in time) or the engine refused an operation.</summary>
    public const int Failed = 5;

    /// <summary>Interrupted by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;
}
