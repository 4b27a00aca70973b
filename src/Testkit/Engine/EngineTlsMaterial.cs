using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Docker.DotNet.Handler.Abstractions;

namespace Testkit.Engine;

/// <summary>The loaded certificates of an <see cref="EngineTls"/>, applied to the HTTP handler of a Docker.DotNet client.</summary>
/// <remarks>It is the client's <see cref="IAuthProvider"/>: that is the hook through which Docker.DotNet switches the
/// endpoint to https and hands over the handler it built.</remarks>
internal sealed class EngineTlsMaterial : IAuthProvider, IDisposable
{
    private readonly X509Certificate2Collection trustedRoots;
    private readonly X509Certificate2? clientCertificate;
    private string? lastRejection;

    private EngineTlsMaterial(EngineTls settings, X509Certificate2Collection trustedRoots, X509Certificate2? clientCertificate)
    {
        Settings = settings;
        this.trustedRoots = trustedRoots;
        this.clientCertificate = clientCertificate;
    }

    public EngineTls Settings { get; }

    public bool HasClientCertificate => clientCertificate is not null;

    /// <summary>Why the engine's certificate was last refused, for the error message.</summary>
    public string? LastRejection => Volatile.Read(ref lastRejection);

    /// <inheritdoc />
    public bool TlsEnabled => true;

    /// <summary>Reads the PEM files of <paramref name="settings"/>.</summary>
    /// <exception cref="TestkitException">A file is missing or is not a PEM certificate or unencrypted key.</exception>
    public static EngineTlsMaterial Load(EngineTls settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var roots = new X509Certificate2Collection();
        X509Certificate2? client = null;
        try
        {
            if (settings.CaCertificatePath is { } caPath)
            {
                roots.ImportFromPemFile(caPath);
                if (roots.Count == 0)
                {
                    throw new TestkitException($"The CA file {caPath} holds no PEM certificate. Use the ca.pem that signed the engine's certificate.");
                }
            }

            if (settings.ClientCertificatePath is { } certPath && settings.ClientKeyPath is { } keyPath)
            {
                client = EngineCertificates.LoadClientCertificate(certPath, keyPath);
            }
            else if (settings.ClientCertificatePath is not null || settings.ClientKeyPath is not null)
            {
                throw new TestkitException(
                    $"A client certificate needs both cert.pem and key.pem; only {settings.ClientCertificatePath ?? settings.ClientKeyPath} was given. "
                    + "Add the missing file next to it or remove both.");
            }

            return new EngineTlsMaterial(settings, roots, client);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            Dispose(roots, client);
            throw new TestkitException(
                $"Cannot load the engine's TLS files ({e.Message}). Point DOCKER_CERT_PATH (or the context's TLS folder) at a folder "
                + "holding readable PEM files ca.pem, cert.pem and an unencrypted key.pem, as 'docker --tlsverify' needs.", e);
        }
        catch
        {
            Dispose(roots, client);
            throw;
        }
    }

    /// <inheritdoc />
    public HttpMessageHandler ConfigureHandler(HttpMessageHandler handler)
    {
        if (handler is not SocketsHttpHandler sockets)
        {
            throw new InvalidOperationException(
                $"TLS to the engine needs Docker.DotNet's native HTTP transport, but it built a {handler?.GetType().Name}. This is a Testkit bug: please report it.");
        }

        sockets.SslOptions = new SslClientAuthenticationOptions
        {
            ClientCertificates = clientCertificate is null ? null : new X509CertificateCollection { clientCertificate },
            RemoteCertificateValidationCallback = ValidateServerCertificate,
        };
        return sockets;
    }

    /// <inheritdoc />
    public void Dispose() => Dispose(trustedRoots, clientCertificate);

    private static void Dispose(X509Certificate2Collection roots, X509Certificate2? client)
    {
        foreach (var root in roots)
        {
            root.Dispose();
        }

        client?.Dispose();
    }

    private bool ValidateServerCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (!Settings.Verify)
        {
            return true;
        }

        if (certificate is null)
        {
            return Reject("the engine presented no certificate");
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return Reject("the engine's certificate does not name the host connected to (its subject alternative names must include it)");
        }

        if (trustedRoots.Count == 0)
        {
            return errors == SslPolicyErrors.None || Reject($"the engine's certificate is not trusted by this machine ({errors})");
        }

        return EngineCertificates.CheckChain(certificate, chain, trustedRoots) is not { } failure
            || Reject($"the engine's certificate does not chain to {Settings.CaCertificatePath} ({failure})");
    }

    private bool Reject(string reason)
    {
        Volatile.Write(ref lastRejection, reason);
        return false;
    }
}
