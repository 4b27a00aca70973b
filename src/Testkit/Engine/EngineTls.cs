namespace Testkit.Engine;

/// <summary>How to speak TLS to an engine on a TCP endpoint, as the docker CLI's TLS settings describe it.</summary>
/// <param name="CaCertificatePath">PEM file of the CA(s) that signed the engine's certificate (<c>ca.pem</c>); null trusts the system's roots.</param>
/// <param name="ClientCertificatePath">PEM file of the client certificate (<c>cert.pem</c>), or null to present none.</param>
/// <param name="ClientKeyPath">PEM file of the client certificate's unencrypted private key (<c>key.pem</c>).</param>
/// <param name="Verify">Whether the engine's certificate must chain to the CA and name the host (DOCKER_TLS_VERIFY);
/// false encrypts without checking who answers, as <c>docker --tls</c> does.</param>
public sealed record EngineTls(string? CaCertificatePath, string? ClientCertificatePath, string? ClientKeyPath, bool Verify)
{
    /// <summary>The docker CLI's file names inside a certificate folder (DOCKER_CERT_PATH, a context's TLS folder).</summary>
    public const string CaFileName = "ca.pem";

    /// <summary>The client certificate's file name inside a certificate folder.</summary>
    public const string CertificateFileName = "cert.pem";

    /// <summary>The client key's file name inside a certificate folder.</summary>
    public const string KeyFileName = "key.pem";

    /// <summary>The TLS settings of a folder holding <c>ca.pem</c>, <c>cert.pem</c> and <c>key.pem</c>; files that
    /// are missing are left out, as the docker CLI does.</summary>
    public static EngineTls FromCertificateDirectory(string directory, bool verify)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string? IfPresent(string name) => Path.Combine(directory, name) is var path && File.Exists(path) ? path : null;
        var certificate = IfPresent(CertificateFileName);
        var key = IfPresent(KeyFileName);

        // One of the pair alone is a broken set-up: keep the other's path so that loading names what is missing.
        if ((certificate is null) != (key is null))
        {
            certificate ??= Path.Combine(directory, CertificateFileName);
            key ??= Path.Combine(directory, KeyFileName);
        }

        return new EngineTls(IfPresent(CaFileName), certificate, key, verify);
    }

    /// <inheritdoc />
    public override string ToString() =>
        (Verify ? "TLS, verified against " + (CaCertificatePath ?? "the system's roots") : "TLS, not verified")
        + (ClientCertificatePath is null ? ", no client certificate" : ", client certificate " + ClientCertificatePath);
}
