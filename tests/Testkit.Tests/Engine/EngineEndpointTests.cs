using System.Text.Json;
using Testkit.Engine;

namespace Testkit.Tests.Engine;

public sealed class EngineEndpointTests : IDisposable
{
    private readonly string configDirectory = Directory.CreateTempSubdirectory("testkit-docker-config-").FullName;

    public void Dispose() => Directory.Delete(configDirectory, recursive: true);

    [Fact]
    public void Without_settings_the_sockets_are_tried_in_order()
    {
        var endpoints = Discover(new() { ["XDG_RUNTIME_DIR"] = "/run/user/1000" });

        Assert.Equal(
            ["unix:///var/run/docker.sock", "unix:///run/user/1000/docker.sock", "unix:///run/user/1000/podman/podman.sock", "unix:///run/podman/podman.sock"],
            endpoints.Select(e => e.Uri.ToString()));
        Assert.All(endpoints, e => Assert.Null(e.Tls));
    }

    [Fact]
    public void DOCKER_HOST_with_TLS_verify_uses_the_three_files_of_DOCKER_CERT_PATH()
    {
        var certificates = CertificateDirectory("ca.pem", "cert.pem", "key.pem");

        var endpoint = Assert.Single(Discover(new()
        {
            ["DOCKER_HOST"] = "tcp://127.0.0.1:2376",
            ["DOCKER_TLS_VERIFY"] = "1",
            ["DOCKER_CERT_PATH"] = certificates,
        }));

        Assert.Equal("DOCKER_HOST", endpoint.Source);
        Assert.Equal(new Uri("tcp://127.0.0.1:2376"), endpoint.Uri);
        Assert.Equal(
            new EngineTls(Path.Combine(certificates, "ca.pem"), Path.Combine(certificates, "cert.pem"), Path.Combine(certificates, "key.pem"), Verify: true),
            endpoint.Tls);
    }

    [Theory]
    [InlineData(null, "/certs", null, false)]   // DOCKER_CERT_PATH alone: TLS without verification, as the docker client does
    [InlineData(null, null, "1", false)]        // DOCKER_TLS: the same, with the CLI's folder
    [InlineData("1", null, null, true)]         // DOCKER_TLS_VERIFY: verified, with the CLI's folder
    public void TLS_variables_turn_TLS_on_as_the_docker_CLI_does(string? verify, string? certPath, string? tls, bool verified)
    {
        var environment = new Dictionary<string, string?> { ["DOCKER_TLS_VERIFY"] = verify, ["DOCKER_CERT_PATH"] = certPath, ["DOCKER_TLS"] = tls };

        var settings = EngineEndpoint.TlsFromEnvironment(name => environment.GetValueOrDefault(name), configDirectory);

        Assert.NotNull(settings);
        Assert.Equal(verified, settings.Verify);
    }

    [Fact]
    public void Without_TLS_variables_a_TCP_host_is_plain_HTTP_on_the_CLI_default_port()
    {
        var endpoint = Assert.Single(Discover(new() { ["DOCKER_HOST"] = "tcp://127.0.0.1" }));

        Assert.Null(endpoint.Tls);
        Assert.Equal(2375, endpoint.Uri.Port);
        Assert.Equal(2376, EngineEndpoint.FromHost("tcp://127.0.0.1", new EngineTls(null, null, null, Verify: false)).Uri.Port);
    }

    [Fact]
    public void A_socket_ignores_TLS_variables()
    {
        var endpoint = Assert.Single(Discover(new() { ["DOCKER_HOST"] = "unix:///var/run/docker.sock", ["DOCKER_TLS_VERIFY"] = "1" }));

        Assert.Null(endpoint.Tls);
    }

    [Fact]
    public void A_malformed_DOCKER_HOST_names_the_variable()
    {
        var error = Assert.Throws<TestkitException>(() => Discover(new() { ["DOCKER_HOST"] = "not an address" }));

        Assert.Contains("DOCKER_HOST", error.Message, StringComparison.Ordinal);
        Assert.Contains("tcp://127.0.0.1:2376", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_current_context_of_config_json_resolves_to_its_host_and_TLS_files()
    {
        File.WriteAllText(Path.Combine(configDirectory, "config.json"), """{ "auths": {}, "currentContext": "remote-engine" }""");
        var hash = WriteContext("remote-engine", "tcp://127.0.0.1:12376", skipTlsVerify: false);
        var tlsDirectory = Path.Combine(configDirectory, "contexts", "tls", hash, "docker");
        Directory.CreateDirectory(tlsDirectory);
        foreach (var file in new[] { "ca.pem", "cert.pem", "key.pem" })
        {
            File.WriteAllText(Path.Combine(tlsDirectory, file), "");
        }

        var endpoint = EngineEndpoint.FromDockerContext(configDirectory);

        Assert.NotNull(endpoint);
        Assert.Equal(new Uri("tcp://127.0.0.1:12376"), endpoint.Uri);
        Assert.Equal("docker context 'remote-engine'", endpoint.Source);
        Assert.Equal(new EngineTls(Path.Combine(tlsDirectory, "ca.pem"), Path.Combine(tlsDirectory, "cert.pem"), Path.Combine(tlsDirectory, "key.pem"), Verify: true), endpoint.Tls);
    }

    [Fact]
    public void DOCKER_CONTEXT_wins_over_config_json_and_a_context_without_TLS_files_is_plain()
    {
        File.WriteAllText(Path.Combine(configDirectory, "config.json"), """{ "currentContext": "remote-engine" }""");
        WriteContext("remote-engine", "tcp://127.0.0.1:12376", skipTlsVerify: false);
        WriteContext("rootless", "unix:///run/user/1000/docker.sock", skipTlsVerify: false);

        var endpoint = Assert.Single(Discover(new() { ["DOCKER_CONTEXT"] = "rootless" }));

        Assert.Equal(new Uri("unix:///run/user/1000/docker.sock"), endpoint.Uri);
        Assert.Null(endpoint.Tls);
    }

    [Fact]
    public void DOCKER_HOST_wins_over_a_context_and_the_default_context_means_the_sockets()
    {
        File.WriteAllText(Path.Combine(configDirectory, "config.json"), """{ "currentContext": "remote-engine" }""");
        WriteContext("remote-engine", "tcp://127.0.0.1:12376", skipTlsVerify: false);

        Assert.Equal("DOCKER_HOST", Assert.Single(Discover(new() { ["DOCKER_HOST"] = "unix:///tmp/engine.sock" })).Source);
        Assert.Equal("the default socket", Discover(new() { ["DOCKER_CONTEXT"] = "default" })[0].Source);
    }

    [Fact]
    public void A_context_with_SkipTLSVerify_and_no_files_speaks_TLS_without_verifying()
    {
        WriteContext("insecure", "tcp://127.0.0.1:12376", skipTlsVerify: true);

        var endpoint = EngineEndpoint.FromDockerContext(configDirectory, "insecure");

        Assert.Equal(new EngineTls(null, null, null, Verify: false), endpoint?.Tls);
    }

    [Fact]
    public void A_context_that_does_not_exist_is_an_error_naming_it_and_the_fix()
    {
        var error = Assert.Throws<TestkitException>(() => EngineEndpoint.FromDockerContext(configDirectory, "gone"));

        Assert.Contains("'gone'", error.Message, StringComparison.Ordinal);
        Assert.Contains("docker context ls", error.Message, StringComparison.Ordinal);
    }

    private IReadOnlyList<EngineEndpoint> Discover(Dictionary<string, string?> environment) =>
        EngineEndpoint.Discover(null, name => environment.GetValueOrDefault(name), configDirectory);

    private string CertificateDirectory(params string[] files)
    {
        var directory = Directory.CreateDirectory(Path.Combine(configDirectory, "certs")).FullName;
        foreach (var file in files)
        {
            File.WriteAllText(Path.Combine(directory, file), "");
        }

        return directory;
    }

    private string WriteContext(string name, string host, bool skipTlsVerify)
    {
        // The CLI's own layout: the folder is named by the SHA-256 of the context name.
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)));
        var directory = Directory.CreateDirectory(Path.Combine(configDirectory, "contexts", "meta", hash)).FullName;
        var meta = new { Name = name, Metadata = new { }, Endpoints = new { docker = new { Host = host, SkipTLSVerify = skipTlsVerify } } };
        File.WriteAllText(Path.Combine(directory, "meta.json"), JsonSerializer.Serialize(meta));
        return hash;
    }
}
