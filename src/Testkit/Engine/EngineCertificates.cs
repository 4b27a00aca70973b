using System.Security.Cryptography.X509Certificates;

namespace Testkit.Engine;

/// <summary>The certificates of a TLS connection to the engine, handled alike by the SDK and by the watchdog, which
/// compiles this file in because it references nothing.</summary>
internal static class EngineCertificates
{
    /// <summary>The client's certificate and key from PEM files (DOCKER_CERT_PATH's cert.pem and key.pem).</summary>
    public static X509Certificate2 LoadClientCertificate(string certPath, string keyPath)
    {
        var certificate = X509Certificate2.CreateFromPemFile(certPath, keyPath);
        if (!OperatingSystem.IsWindows())
        {
            return certificate;
        }

        // Windows' TLS stack (SChannel) cannot use the ephemeral key of a PEM-loaded certificate: round-trip it through PKCS#12.
        using (certificate)
        {
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
        }
    }

    /// <summary>Checks the engine's certificate as <c>docker --tlsverify</c> does: only the given CA certificates count, and
    /// a certificate the system trusts is not enough. Builds the chain of <paramref name="certificate"/> with <paramref name="roots"/> as its only trust anchors (the
    /// intermediates the server sent in <paramref name="chain"/> may help). Returns null when it chains, else why not.</summary>
    public static string? CheckChain(X509Certificate certificate, X509Chain? chain, X509Certificate2Collection roots)
    {
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(roots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        var presented = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        try
        {
            return custom.Build(presented) ? null : string.Join("; ", custom.ChainStatus.Select(s => s.StatusInformation.Trim()));
        }
        finally
        {
            if (!ReferenceEquals(presented, certificate))
            {
                presented.Dispose();
            }
        }
    }
}
