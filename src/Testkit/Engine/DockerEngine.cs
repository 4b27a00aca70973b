using Docker.DotNet;
using Docker.DotNet.NativeHttp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Testkit.Engine;

/// <summary>A connection to a container engine, at the API version both sides speak.</summary>
/// <remarks>One is shared by the whole process: connecting once saves a round trip per container.</remarks>
public sealed class DockerEngine : IDisposable
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);
    private static readonly SemaphoreSlim SharedLock = new(1, 1);
    private static DockerEngine? shared;

    private readonly EngineTlsMaterial? tls;

    private DockerEngine(DockerClient client, EngineEndpoint endpoint, Version apiVersion, string engineVersion, EngineTlsMaterial? tls)
    {
        this.tls = tls;
        Client = client;
        Endpoint = endpoint;
        ApiVersion = apiVersion;
        EngineVersion = engineVersion;
    }

    /// <summary>Where the engine answered.</summary>
    public EngineEndpoint Endpoint { get; }

    /// <summary>The negotiated Engine API version used for every request.</summary>
    public Version ApiVersion { get; }

    /// <summary>The engine's own version, e.g. 20.10.24.</summary>
    public string EngineVersion { get; }

    internal DockerClient Client { get; }

    /// <summary>The host name a test connects to for ports published by this engine.</summary>
    public string Host => Endpoint.Uri.Scheme is "tcp" or "http" or "https" ? Endpoint.Uri.Host : "127.0.0.1";

    /// <summary>The process-wide connection, made on first use (see <see cref="ConnectAsync"/>).</summary>
    public static async Task<DockerEngine> GetSharedAsync(ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        if (shared is { } existing)
        {
            return existing;
        }

        await SharedLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return shared ??= Cleanup.LeakProtection.Attach(await ConnectAsync(explicitHost: null, logger, cancellationToken).ConfigureAwait(false), logger);
        }
        finally
        {
            SharedLock.Release();
        }
    }

    /// <summary>Connects to the first endpoint that answers (see <see cref="EngineEndpoint.Discover(string?)"/>) and negotiates
    /// the API version: the lower of the engine's and Testkit's, or DOCKER_API_VERSION when set and not newer.</summary>
    /// <exception cref="EngineUnavailableException">No endpoint answered within about two seconds each.</exception>
    /// <exception cref="TestkitException">An engine setting is malformed or names a docker context that does not exist.</exception>
    public static Task<DockerEngine> ConnectAsync(string? explicitHost = null, ILogger? logger = null, CancellationToken cancellationToken = default) =>
        ConnectFirstAsync(EngineEndpoint.Discover(explicitHost), logger ?? NullLogger.Instance, cancellationToken);

    /// <summary>Connects to <paramref name="endpoint"/> alone, with its TLS settings (see <see cref="EngineEndpoint.FromHost"/>),
    /// and negotiates the API version as <see cref="ConnectAsync"/> does.</summary>
    /// <exception cref="EngineUnavailableException">The endpoint did not answer within about two seconds, or refused the TLS handshake.</exception>
    public static Task<DockerEngine> ConnectToAsync(EngineEndpoint endpoint, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return ConnectFirstAsync([endpoint], logger ?? NullLogger.Instance, cancellationToken);
    }

    private static async Task<DockerEngine> ConnectFirstAsync(IReadOnlyList<EngineEndpoint> candidates, ILogger logger, CancellationToken cancellationToken)
    {
        var attempts = new List<(EngineEndpoint, string)>();
        foreach (var endpoint in candidates)
        {
            if (endpoint.Uri.Scheme == "unix" && !File.Exists(endpoint.Uri.LocalPath))
            {
                attempts.Add((endpoint, "no such socket"));
                continue;
            }

            if (endpoint.Uri.Scheme is not ("unix" or "npipe" or "tcp" or "http" or "https"))
            {
                attempts.Add((endpoint, $"Testkit cannot speak to '{endpoint.Uri.Scheme}' endpoints; "
                    + "forward the engine to a local socket or TCP port (e.g. 'ssh -L') and use that address"));
                continue;
            }

            EngineTlsMaterial? tls = null;
            var connected = false;
            try
            {
                tls = endpoint.Tls is { } settings ? EngineTlsMaterial.Load(settings) : null;
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(ProbeTimeout);
                using var probe = CreateClient(endpoint, tls, apiVersion: null);
                var version = await probe.System.GetVersionAsync(timeout.Token).ConfigureAwait(false);
                var requested = Environment.GetEnvironmentVariable("DOCKER_API_VERSION") is { Length: > 0 } text ? ApiVersions.Parse(text) : null;
                var apiVersion = ApiVersions.Negotiate(ApiVersions.Parse(version.APIVersion), requested);
                var client = CreateClient(endpoint, tls, apiVersion);
                logger.Connected(version.Version, endpoint.ToString(), apiVersion);
                connected = true;
                return new DockerEngine(client, endpoint, apiVersion, version.Version, tls);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                attempts.Add((endpoint, $"no answer within {ProbeTimeout.TotalSeconds:0} s" + TlsHint(tls)));
            }
            catch (TestkitException e)
            {
                // The TLS files could not be read: the message already names the file and the fix.
                attempts.Add((endpoint, e.Message));
            }
            catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException or System.Net.Sockets.SocketException
                                          or FormatException or System.Security.Authentication.AuthenticationException)
            {
                attempts.Add((endpoint, Reason(e, endpoint, tls)));
            }
            finally
            {
                if (!connected)
                {
                    tls?.Dispose();
                }
            }

            logger.EngineNotAnswering(endpoint.ToString(), attempts[^1].Item2);
        }

        throw new EngineUnavailableException(attempts);
    }

    private static DockerClient CreateClient(EngineEndpoint endpoint, EngineTlsMaterial? tls, Version? apiVersion)
    {
        var builder = new DockerClientBuilder().WithEndpoint(endpoint.Uri).WithApiVersion(apiVersion);
        if (tls is null)
        {
            return builder.Build();
        }

        // The native transport (SocketsHttpHandler) takes client certificates and a validation callback and negotiates
        // TLS 1.3; the legacy one, chosen by default for tcp://, pins TLS 1.2.
        return builder.WithAuthProvider(tls).WithTransportOptions(new NativeHttpTransportOptions()).Build();
    }

    /// <summary>Why an endpoint did not answer, with the likely fix when TLS is involved.</summary>
    private static string Reason(Exception error, EngineEndpoint endpoint, EngineTlsMaterial? tls)
    {
        var message = error.GetBaseException().Message;
        if (tls?.LastRejection is { } rejection)
        {
            return $"TLS: {rejection}. Use the ca.pem that signed the engine's certificate, or unset DOCKER_TLS_VERIFY to skip the check";
        }

        if (tls is not null)
        {
            return message + TlsHint(tls);
        }

        if (endpoint.Uri.Scheme == "tcp")
        {
            return $"{message} (over plain HTTP: if the engine expects TLS, set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to its certificates)";
        }

        return message;
    }

    private static string TlsHint(EngineTlsMaterial? tls) => tls switch
    {
        null => "",
        { HasClientCertificate: false } => " (over TLS without a client certificate: an engine started with --tlsverify refuses such clients; "
            + "put cert.pem and key.pem signed by its CA into DOCKER_CERT_PATH)",
        _ => $" (over TLS with the client certificate {tls.Settings.ClientCertificatePath}: check that the engine's CA signed it)",
    };

    /// <inheritdoc />
    public void Dispose()
    {
        Client.Dispose();
        tls?.Dispose();
    }
}
