using System.IO.Pipes;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Testkit.Engine;

namespace Testkit.Watchdog;

/// <summary>The few Engine API calls the watchdog needs, as plain HTTP over the engine's socket, named pipe or TCP
/// (with TLS): no client library to load, so the watchdog starts fast and carries nothing.</summary>
internal sealed class EngineHttp : IDisposable
{
    private readonly HttpClient client;
    private readonly string prefix;
    private readonly X509Certificate2Collection trustedRoots = [];
    private readonly X509Certificate2? clientCertificate;

    public EngineHttp(WatchdogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        prefix = string.IsNullOrEmpty(options.ApiVersion) ? "" : "/v" + options.ApiVersion;
        var handler = new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30), ConnectTimeout = TimeSpan.FromSeconds(5) };
        var uri = options.Engine;
        Uri baseAddress;
        switch (uri.Scheme)
        {
            case "unix":
                var socketPath = uri.LocalPath;
                handler.ConnectCallback = async (_, cancellationToken) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                };
                baseAddress = new Uri("http://engine");
                break;
            case "npipe":
                // npipe:////./pipe/docker_engine: the pipe's name is what follows "/pipe/".
                var pipeName = uri.AbsolutePath[(uri.AbsolutePath.LastIndexOf("/pipe/", StringComparison.Ordinal) + "/pipe/".Length)..];
                handler.ConnectCallback = async (_, cancellationToken) =>
                {
                    var pipe = new NamedPipeClientStream(".", pipeName, PipeDirection.InOut, PipeOptions.Asynchronous);
                    try
                    {
                        await pipe.ConnectAsync(cancellationToken).ConfigureAwait(false);
                        return pipe;
                    }
                    catch
                    {
                        await pipe.DisposeAsync().ConfigureAwait(false);
                        throw;
                    }
                };
                baseAddress = new Uri("http://engine");
                break;
            default:
                var tls = options.Tls || uri.Scheme == "https";
                baseAddress = new UriBuilder(uri) { Scheme = tls ? "https" : "http", Path = "" }.Uri;
                if (tls)
                {
                    if (options.CaPath is { } caPath)
                    {
                        trustedRoots.ImportFromPemFile(caPath);
                    }

                    if (options.CertificatePath is { } certPath && options.KeyPath is { } keyPath)
                    {
                        clientCertificate = EngineCertificates.LoadClientCertificate(certPath, keyPath);
                    }

                    handler.SslOptions = new SslClientAuthenticationOptions
                    {
                        ClientCertificates = clientCertificate is null ? null : new X509CertificateCollection { clientCertificate },
                        RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Validate(options.Verify, certificate, chain, errors),
                    };
                }

                break;
        }

        client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>GETs a JSON answer.</summary>
    /// <exception cref="HttpRequestException">The engine did not answer or answered with an error.</exception>
    public async Task<JsonDocument> GetJsonAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(new Uri(prefix + pathAndQuery, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"GET {pathAndQuery}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}",
                null, response.StatusCode);
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>DELETEs a resource; returns the status and, on failure, the engine's message.</summary>
    public async Task<(HttpStatusCode Status, string Message)> DeleteAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        using var response = await client.DeleteAsync(new Uri(prefix + pathAndQuery, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        var message = response.IsSuccessStatusCode ? "" : await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return (response.StatusCode, message.Trim());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        client.Dispose();
        clientCertificate?.Dispose();
        foreach (var root in trustedRoots)
        {
            root.Dispose();
        }
    }

    /// <summary>The same rule as the SDK's: with verification, only the given CA counts (as with 'docker --tlsverify').</summary>
    private bool Validate(bool verify, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (!verify)
        {
            return true;
        }

        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        if (trustedRoots.Count == 0)
        {
            return errors == SslPolicyErrors.None;
        }

        return EngineCertificates.CheckChain(certificate, chain, trustedRoots) is null;
    }
}
