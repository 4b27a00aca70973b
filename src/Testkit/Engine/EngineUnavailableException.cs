namespace Testkit.Engine;

/// <summary>No container engine answered at any of the endpoints that were tried.</summary>
public sealed class EngineUnavailableException : TestkitException
{
    internal EngineUnavailableException(IReadOnlyList<(EngineEndpoint Endpoint, string Reason)> attempts)
        : base(Describe(attempts))
    {
        Attempts = attempts.Select(a => a.Endpoint).ToArray();
    }

    /// <summary>The endpoints that were tried, in order.</summary>
    public IReadOnlyList<EngineEndpoint> Attempts { get; }

    private static string Describe(IReadOnlyList<(EngineEndpoint Endpoint, string Reason)> attempts) =>
        "No container engine answered. Tried:" + Environment.NewLine
        + string.Join(Environment.NewLine, attempts.Select(a => $"  - {a.Endpoint}: {a.Reason}")) + Environment.NewLine
        + "Start one (e.g. 'sudo systemctl start docker', or 'bash eng/engine.sh' in the Testkit repository), "
        + "or point DOCKER_HOST at a running engine."
        + (attempts.Any(a => a.Endpoint.Tls is not null)
            ? " For a TLS endpoint, fix what its line above names (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH with ca.pem, cert.pem, key.pem)."
            : "");
}
