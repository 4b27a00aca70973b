using System.Text.Json;

namespace Testkit.Engine;

/// <summary>A place where a container engine may answer, and where that candidate came from.</summary>
/// <param name="Uri">The engine's address: <c>unix:///path</c> or <c>tcp://host:port</c>.</param>
/// <param name="Source">Why this address was tried, for error messages (e.g. "DOCKER_HOST").</param>
public sealed record EngineEndpoint(Uri Uri, string Source)
{
    /// <summary>The source named for a host passed to <see cref="DockerEngine.ConnectAsync"/> or <see cref="FromHost"/>.</summary>
    public const string ExplicitSource = "the explicit engine setting";

    private const int PlainTcpPort = 2375;
    private const int TlsTcpPort = 2376;

    /// <summary>How to speak TLS to this endpoint, or null for plain HTTP (always null for sockets).</summary>
    public EngineTls? Tls { get; init; }

    /// <summary>The endpoints to try, in the documented order: the explicit setting, DOCKER_HOST (with the TLS
    /// variables DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, DOCKER_TLS), the current docker context (DOCKER_CONTEXT or
    /// <c>currentContext</c> in the CLI's config.json), the default socket, the rootless socket, then Podman's sockets.</summary>
    /// <exception cref="TestkitException">A setting is malformed or names a docker context that does not exist.</exception>
    public static IReadOnlyList<EngineEndpoint> Discover(string? explicitHost = null) =>
        Discover(explicitHost, Environment.GetEnvironmentVariable, DockerCliConfig.Directory(Environment.GetEnvironmentVariable));

    /// <summary>An endpoint for a host written as the docker CLI takes it (<c>unix:///path</c>, <c>tcp://host[:port]</c>);
    /// a TCP host without a port gets the CLI's default, 2376 with TLS and 2375 without.</summary>
    /// <exception cref="TestkitException">The host is not an absolute URI.</exception>
    public static EngineEndpoint FromHost(string host, EngineTls? tls = null, string source = ExplicitSource)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        if (!Uri.TryCreate(host.Trim(), UriKind.Absolute, out var uri))
        {
            throw new TestkitException(
                $"The engine host '{host}' from {source} is not an address such as unix:///var/run/docker.sock or tcp://127.0.0.1:2376. Fix or unset it.");
        }

        var overNetwork = uri.Scheme is "tcp" or "http" or "https";
        if (overNetwork && uri.IsDefaultPort && uri.Scheme == "tcp")
        {
            uri = new UriBuilder(uri) { Port = tls is null ? PlainTcpPort : TlsTcpPort }.Uri;
        }

        // Like the docker CLI, TLS settings only mean something to a network endpoint; a socket ignores them.
        return new EngineEndpoint(uri, source) { Tls = overNetwork ? tls : null };
    }

    /// <inheritdoc />
    public override string ToString() => $"{Uri} ({Source}{(Tls is null ? "" : ", " + Tls)})";

    /// <summary><see cref="Discover(string?)"/> over a given environment and CLI config folder, so that it can be tested.</summary>
    internal static IReadOnlyList<EngineEndpoint> Discover(string? explicitHost, Func<string, string?> environment, string configDirectory)
    {
        // An explicit choice is the only one: falling back would hide a mistake. The CLI's TLS variables apply to it
        // as they do to 'docker -H'.
        if (!string.IsNullOrWhiteSpace(explicitHost))
        {
            return [FromHost(explicitHost, TlsFromEnvironment(environment, configDirectory), ExplicitSource)];
        }

        if (environment("DOCKER_HOST") is { } dockerHost && !string.IsNullOrWhiteSpace(dockerHost))
        {
            return [FromHost(dockerHost, TlsFromEnvironment(environment, configDirectory), "DOCKER_HOST")];
        }

        // A context is a choice too: the CLI uses it alone, and so does Testkit.
        if (FromDockerContext(configDirectory, environment("DOCKER_CONTEXT")) is { } context)
        {
            return [context];
        }

        var candidates = new List<EngineEndpoint> { new(new Uri("unix:///var/run/docker.sock"), "the default socket") };
        if (environment("XDG_RUNTIME_DIR") is { Length: > 0 } runtimeDir)
        {
            candidates.Add(new EngineEndpoint(new Uri($"unix://{runtimeDir}/docker.sock"), "the rootless Docker socket"));
            candidates.Add(new EngineEndpoint(new Uri($"unix://{runtimeDir}/podman/podman.sock"), "the rootless Podman socket"));
        }

        candidates.Add(new EngineEndpoint(new Uri("unix:///run/podman/podman.sock"), "the Podman socket"));
        return candidates;
    }

    /// <summary>The TLS settings the docker CLI derives from its variables: DOCKER_TLS_VERIFY (any value) verifies
    /// against ca.pem; DOCKER_CERT_PATH alone or DOCKER_TLS encrypts without verifying; the certificate folder is
    /// DOCKER_CERT_PATH, else the CLI's config folder. Null when none is set.</summary>
    internal static EngineTls? TlsFromEnvironment(Func<string, string?> environment, string configDirectory)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var verify = environment("DOCKER_TLS_VERIFY") is { Length: > 0 };
        var certificates = environment("DOCKER_CERT_PATH") is { Length: > 0 } certPath ? certPath : null;
        var tls = environment("DOCKER_TLS") is { Length: > 0 };
        if (!verify && !tls && certificates is null)
        {
            return null;
        }

        return EngineTls.FromCertificateDirectory(certificates ?? configDirectory, verify);
    }

    /// <summary>The endpoint of a docker context: <paramref name="contextName"/> when given (DOCKER_CONTEXT), else the
    /// <c>currentContext</c> of <c>config.json</c> in <paramref name="configDirectory"/>; null for none or <c>default</c>.
    /// Its host comes from <c>contexts/meta/&lt;sha256 of name&gt;/meta.json</c>, its TLS files from
    /// <c>contexts/tls/&lt;sha256 of name&gt;/docker/</c>.</summary>
    /// <exception cref="TestkitException">The named context does not exist or has no docker endpoint.</exception>
    internal static EngineEndpoint? FromDockerContext(string configDirectory, string? contextName = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configDirectory);
        var configFile = Path.Combine(configDirectory, "config.json");
        string chosenBy;
        if (!string.IsNullOrWhiteSpace(contextName))
        {
            chosenBy = "DOCKER_CONTEXT";
        }
        else
        {
            using var config = DockerCliConfig.ReadJson(configFile);
            contextName = config?.RootElement.StringProperty("currentContext");
            chosenBy = $"currentContext in {configFile}";
        }

        if (string.IsNullOrWhiteSpace(contextName) || contextName == "default")
        {
            // 'default' is the CLI's name for "DOCKER_HOST or the default socket": the sockets below cover it.
            return null;
        }

        var directoryName = DockerCliConfig.ContextDirectoryName(contextName);
        var metaFile = Path.Combine(configDirectory, "contexts", "meta", directoryName, "meta.json");
        using var meta = DockerCliConfig.ReadJson(metaFile) ?? throw new TestkitException(
            $"The docker context '{contextName}' ({chosenBy}) does not exist: there is no {metaFile}. "
            + "Choose an existing one ('docker context ls', 'docker context use NAME') or create it ('docker context create').");
        var docker = meta.RootElement.Property("Endpoints")?.Property("docker");
        var host = docker?.StringProperty("Host") ?? throw new TestkitException(
            $"The docker context '{contextName}' ({chosenBy}) has no docker endpoint in {metaFile}. "
            + $"Recreate it with 'docker context create {contextName} --docker host=…'.");
        var skipVerify = docker?.Property("SkipTLSVerify") is { ValueKind: JsonValueKind.True };

        var tlsDirectory = Path.Combine(configDirectory, "contexts", "tls", directoryName, "docker");
        var hasTlsFiles = Directory.Exists(tlsDirectory)
            && new[] { EngineTls.CaFileName, EngineTls.CertificateFileName, EngineTls.KeyFileName }.Any(f => File.Exists(Path.Combine(tlsDirectory, f)));

        // As in the CLI: TLS files turn TLS on; SkipTLSVerify alone means TLS without checking the engine.
        var tls = hasTlsFiles ? EngineTls.FromCertificateDirectory(tlsDirectory, verify: !skipVerify)
            : skipVerify ? new EngineTls(null, null, null, Verify: false)
            : null;
        return FromHost(host, tls, $"docker context '{contextName}'");
    }
}
