namespace Testkit.Engine;

/// <summary>No container engine answered at any of the endpoints that were tried: nothing accepted connections there,
/// or an engine accepted them but did not answer in time (see <see cref="IsBusy"/>).</summary>
public sealed class EngineUnavailableException : TestkitException
{
    internal EngineUnavailableException(IReadOnlyList<EngineAttempt> attempts)
        : base(Describe(attempts))
    {
        Attempts = attempts.Select(a => a.Endpoint).ToArray();
        IsBusy = attempts.Any(a => a.Busy);
    }

    /// <summary>The endpoints that were tried, in order.</summary>
    public IReadOnlyList<EngineEndpoint> Attempts { get; }

    /// <summary>True when an engine exists (it accepted connections) but did not answer within <see cref="DockerEngine.AnswerTimeout"/>:
    /// it is busy or hung, not absent.</summary>
    public bool IsBusy { get; }

    private static string Describe(IReadOnlyList<EngineAttempt> attempts)
    {
        var busy = attempts.Any(a => a.Busy);
        return (busy ? "A container engine accepts connections but did not answer in time." : "No container engine answered.")
            + " Tried:" + Environment.NewLine
            + string.Join(Environment.NewLine, attempts.Select(a => $"  - {a.Endpoint}: {a.Reason}")) + Environment.NewLine
            + (busy
                ? $"An engine that accepts connections is there but busy or hung: wait for the machine's load to drop, give it longer "
                  + $"with {DockerEngine.TimeoutEnvironmentVariable} (seconds, e.g. 180), or restart it if it stays silent."
                : "Start one (e.g. 'sudo systemctl start docker', or 'bash eng/engine.sh' in the Testkit repository), "
                  + "or point DOCKER_HOST at a running engine.")
            + (attempts.Any(a => a.Endpoint.Tls is not null)
                ? " For a TLS endpoint, fix what its line above names (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH with ca.pem, cert.pem, key.pem)."
                : "");
    }
}

/// <summary>One endpoint tried by a connection, why it gave no engine, and whether an engine was there but did not answer.</summary>
internal sealed record EngineAttempt(EngineEndpoint Endpoint, string Reason, bool Busy = false);
