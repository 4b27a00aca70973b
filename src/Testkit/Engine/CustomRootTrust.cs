using System.Security.Cryptography.X509Certificates;

namespace Testkit.Engine;

/// <summary>The engine's certificate checked as <c>docker --tlsverify</c> checks it: only the given CA certificates count,
/// and a certificate the system trusts is not enough. Compiled into the watchdog as well, which references nothing.</summary>
internal static class CustomRootTrust
{
    /// <summary>Builds the chain of <paramref name="certificate"/> with <paramref name="roots"/> as its only trust anchors (the
    /// intermediates the server sent in <paramref name="chain"/> may help). Returns null when it chains, else why not.</summary>
    public static string? Check(X509Certificate certificate, X509Chain? chain, X509Certificate2Collection roots)
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
