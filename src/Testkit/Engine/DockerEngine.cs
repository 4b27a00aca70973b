using Docker.DotNet;
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

    private DockerEngine(DockerClient client, EngineEndpoint endpoint, Version apiVersion, string engineVersion)
    {
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
            return shared ??= await ConnectAsync(null, logger, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            SharedLock.Release();
        }
    }

    /// <summary>Connects to the first endpoint that answers (see <see cref="EngineEndpoint.Discover"/>) and negotiates
    /// the API version: the lower of the engine's and Testkit's, or DOCKER_API_VERSION when set and not newer.</summary>
    /// <exception cref="EngineUnavailableException">No endpoint answered within about two seconds each.</exception>
    public static async Task<DockerEngine> ConnectAsync(string? explicitHost = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        logger ??= NullLogger.Instance;
        var attempts = new List<(EngineEndpoint, string)>();
        foreach (var endpoint in EngineEndpoint.Discover(explicitHost))
        {
            if (endpoint.Uri.Scheme == "unix" && !File.Exists(endpoint.Uri.LocalPath))
            {
                attempts.Add((endpoint, "no such socket"));
                continue;
            }

            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(ProbeTimeout);
                using var probe = new DockerClientBuilder().WithEndpoint(endpoint.Uri).Build();
                var version = await probe.System.GetVersionAsync(timeout.Token).ConfigureAwait(false);
                var requested = Environment.GetEnvironmentVariable("DOCKER_API_VERSION") is { Length: > 0 } text ? ApiVersions.Parse(text) : null;
                var apiVersion = ApiVersions.Negotiate(ApiVersions.Parse(version.APIVersion), requested);
                var client = new DockerClientBuilder().WithEndpoint(endpoint.Uri).WithApiVersion(apiVersion).Build();
                logger.Connected(version.Version, endpoint.ToString(), apiVersion);
                return new DockerEngine(client, endpoint, apiVersion, version.Version);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                attempts.Add((endpoint, $"no answer within {ProbeTimeout.TotalSeconds:0} s"));
            }
            catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException or System.Net.Sockets.SocketException or FormatException)
            {
                attempts.Add((endpoint, e.GetBaseException().Message));
            }
        }

        throw new EngineUnavailableException(attempts);
    }

    /// <inheritdoc />
    public void Dispose() => Client.Dispose();
}
