using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Testkit.Cleanup;
using Testkit.Engine;
using Testkit.Images;

namespace Testkit.Tests.Engine;

/// <summary>The real engine behind a mutual-TLS endpoint on loopback, reached the way DOCKER_HOST, DOCKER_TLS_VERIFY
/// and DOCKER_CERT_PATH describe it.</summary>
public sealed class TlsEngineTests : IClassFixture<TlsEngineTests.TlsEngineProxy>
{
    private readonly TlsEngineProxy proxy;

    public TlsEngineTests(TlsEngineProxy proxy) => this.proxy = proxy;

    [Fact]
    public async Task A_container_runs_and_logs_through_an_engine_reached_over_mutual_TLS()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        var handshakes = proxy.AcceptedClients;
        using var engine = await DockerEngine.ConnectToAsync(proxy.EndpointFromDockerVariables(), cancellationToken: ct);

        Assert.NotNull(engine.Endpoint.Tls);
        Assert.Equal("127.0.0.1", engine.Host);
        await using var container = await TestContainer.CreateAsync(engine, ["echo", "tls-ok"], ct);

        await engine.Client.Containers.StartContainerAsync(container.Id, new ContainerStartParameters(), ct);
        await engine.Client.Containers.WaitContainerAsync(container.Id, ct);
        using var logs = await engine.Client.Containers.GetContainerLogsAsync(container.Id, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true }, ct);
        var (stdout, stderr) = await logs.ReadOutputToEndAsync(ct);

        Assert.Equal("tls-ok\n", stdout);
        Assert.Equal("", stderr);
        Assert.True(proxy.AcceptedClients > handshakes, "the requests must have gone through the TLS endpoint");
    }

    [Fact]
    public async Task Exec_streams_work_over_TLS()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        using var engine = await DockerEngine.ConnectToAsync(proxy.EndpointFromDockerVariables(), cancellationToken: ct);
        await using var container = await TestContainer.CreateAsync(engine, ["sleep", "infinity"], ct);
        await engine.Client.Containers.StartContainerAsync(container.Id, new ContainerStartParameters(), ct);

        var exec = await engine.Client.Exec.CreateContainerExecAsync(
            container.Id, new ContainerExecCreateParameters { Cmd = ["sh", "-c", "echo exec-ok; echo err >&2"], AttachStdout = true, AttachStderr = true }, ct);
        using var stream = await engine.Client.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters(), ct);
        var (stdout, stderr) = await stream.ReadOutputToEndAsync(ct);

        Assert.Equal(("exec-ok\n", "err\n"), (stdout, stderr));
    }

    [Fact]
    public async Task A_client_without_a_certificate_is_refused_with_the_reason_and_the_fix()
    {
        var rejected = proxy.RejectedClients;
        var endpoint = EngineEndpoint.FromHost(proxy.Host, new EngineTls(proxy.CaPath, null, null, Verify: true));

        var error = await Assert.ThrowsAsync<EngineUnavailableException>(() => DockerEngine.ConnectToAsync(endpoint));

        Assert.Contains(endpoint.Uri.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains("without a client certificate", error.Message, StringComparison.Ordinal);
        Assert.Contains("DOCKER_CERT_PATH", error.Message, StringComparison.Ordinal);
        // The server side counts its refusal right after the alert that the client reacts to: give it a moment.
        for (var i = 0; i < 50 && proxy.RejectedClients == rejected; i++)
        {
            await Task.Delay(100);
        }

        Assert.True(proxy.RejectedClients > rejected, "the endpoint itself must have refused the client");
    }

    [Fact]
    public async Task An_engine_certificate_from_another_CA_is_rejected_when_verifying()
    {
        var endpoint = EngineEndpoint.FromHost(proxy.Host, new EngineTls(proxy.OtherCaPath, proxy.ClientCertificatePath, proxy.ClientKeyPath, Verify: true));

        var error = await Assert.ThrowsAsync<EngineUnavailableException>(() => DockerEngine.ConnectToAsync(endpoint));

        Assert.Contains("does not chain to " + proxy.OtherCaPath, error.Message, StringComparison.Ordinal);
        Assert.Contains("DOCKER_TLS_VERIFY", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_HTTP_to_a_TLS_endpoint_suggests_the_TLS_variables()
    {
        var endpoint = EngineEndpoint.FromHost(proxy.Host);

        var error = await Assert.ThrowsAsync<EngineUnavailableException>(() => DockerEngine.ConnectToAsync(endpoint));

        Assert.Contains("DOCKER_TLS_VERIFY=1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_verification_any_engine_certificate_is_accepted()
    {
        var endpoint = EngineEndpoint.FromHost(proxy.Host, new EngineTls(proxy.OtherCaPath, proxy.ClientCertificatePath, proxy.ClientKeyPath, Verify: false));

        using var engine = await DockerEngine.ConnectToAsync(endpoint);

        Assert.True(engine.ApiVersion >= ApiVersions.Oldest);
    }

    /// <summary>A container made directly through a given engine, removed even when the test fails.</summary>
    private sealed class TestContainer : IAsyncDisposable
    {
        private readonly DockerEngine engine;

        private TestContainer(DockerEngine engine, string id) => (this.engine, Id) = (engine, id);

        public string Id { get; }

        public static async Task<TestContainer> CreateAsync(DockerEngine engine, IList<string> command, CancellationToken ct)
        {
            // Through the TLS connection too: substitution maps debian:bookworm to the offline image.
            var image = await ImageResolver.ResolveAsync(engine, "debian:bookworm", PullPolicy.Missing, NullLogger.Instance, ct);
            var created = await engine.Client.Containers.CreateContainerAsync(
                new CreateContainerParameters { Image = image, Cmd = command, Labels = ResourceLabels.ForThisSession.ToDictionary() }, ct);
            return new TestContainer(engine, created.ID);
        }

        public async ValueTask DisposeAsync()
        {
            var remove = new ContainerRemoveParameters { Force = true, RemoveVolumes = true };
            try
            {
                await engine.Client.Containers.RemoveContainerAsync(Id, remove);
            }
            catch (Exception)
            {
                // The TLS path may be what failed: remove it through the plain connection instead.
                var shared = await DockerEngine.GetSharedAsync();
                await shared.Client.Containers.RemoveContainerAsync(Id, remove);
            }
        }
    }

    /// <summary>Certificates made with the openssl command line, and a TLS-terminating forwarder on 127.0.0.1 that
    /// requires a client certificate signed by the CA and pipes each connection to the engine's socket.</summary>
    public sealed class TlsEngineProxy : IAsyncLifetime, IDisposable
    {
        private const string EngineSocket = "/var/run/docker.sock";
        private readonly string directory = Directory.CreateTempSubdirectory("testkit-tls-").FullName;
        private readonly CancellationTokenSource stopping = new();
        private TcpListener? listener;
        private X509Certificate2? serverCertificate;
        private X509Certificate2Collection? trustedCa;
        private Task? acceptLoop;
        private int acceptedClients;
        private int rejectedClients;

        public string Host { get; private set; } = "";

        public string CaPath => Path.Combine(directory, "ca.pem");

        public string ClientCertificatePath => Path.Combine(directory, "cert.pem");

        public string ClientKeyPath => Path.Combine(directory, "key.pem");

        public string OtherCaPath => Path.Combine(directory, "other", "ca.pem");

        public int AcceptedClients => Volatile.Read(ref acceptedClients);

        public int RejectedClients => Volatile.Read(ref rejectedClients);

        /// <summary>The endpoint the docker CLI's variables describe, parsed by the same code as the real variables
        /// (which are process-wide, so the tests do not set them).</summary>
        public EngineEndpoint EndpointFromDockerVariables()
        {
            var variables = new Dictionary<string, string> { ["DOCKER_HOST"] = Host, ["DOCKER_TLS_VERIFY"] = "1", ["DOCKER_CERT_PATH"] = directory };
            return Assert.Single(EngineEndpoint.Discover(null, name => variables.GetValueOrDefault(name), directory));
        }

        public async Task InitializeAsync()
        {
            await MakeCertificatesAsync();
            serverCertificate = X509Certificate2.CreateFromPemFile(Path.Combine(directory, "server-cert.pem"), Path.Combine(directory, "server-key.pem"));
            trustedCa = [];
            trustedCa.ImportFromPemFile(CaPath);
            listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            Host = $"tcp://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
            acceptLoop = Task.Run(AcceptAsync);
        }

        public async Task DisposeAsync()
        {
            await stopping.CancelAsync();
            listener?.Stop();
            if (acceptLoop is not null)
            {
                await acceptLoop;
            }

            Directory.Delete(directory, recursive: true);
        }

        public void Dispose()
        {
            listener?.Dispose();
            serverCertificate?.Dispose();
            stopping.Dispose();
        }

        private async Task MakeCertificatesAsync()
        {
            Directory.CreateDirectory(Path.Combine(directory, "other"));
            File.WriteAllText(Path.Combine(directory, "server.ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
            File.WriteAllText(Path.Combine(directory, "client.ext"), "extendedKeyUsage=clientAuth\n");
            string[] caExtensions = ["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"];
            await OpenSslAsync(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=Testkit test CA",
                "-keyout", "ca-key.pem", "-out", "ca.pem", .. caExtensions]);
            await OpenSslAsync(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=Another CA",
                "-keyout", "other/ca-key.pem", "-out", "other/ca.pem", .. caExtensions]);
            foreach (var (name, subject, extensions) in new[] { ("server", "/CN=127.0.0.1", "server.ext"), ("client", "/CN=testkit-client", "client.ext") })
            {
                await OpenSslAsync(["req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", $"{name}-key.pem", "-out", $"{name}.csr"]);
                await OpenSslAsync(["x509", "-req", "-in", $"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
                    "-days", "1", "-extfile", extensions, "-out", $"{name}-cert.pem"]);
            }

            // The docker CLI's names for the client's files.
            File.Move(Path.Combine(directory, "client-cert.pem"), ClientCertificatePath);
            File.Move(Path.Combine(directory, "client-key.pem"), ClientKeyPath);
        }

        private async Task OpenSslAsync(string[] arguments)
        {
            var start = new ProcessStartInfo("openssl") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("openssl could not be started; install it ('apt-get install openssl').");
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"openssl {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output}{await errors}");
            }
        }

        private async Task AcceptAsync()
        {
            var connections = new List<Task>();
            while (!stopping.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await listener!.AcceptTcpClientAsync(stopping.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    break;
                }

                connections.Add(ServeAsync(client));
            }

            await Task.WhenAll(connections);
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            {
                await using var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
                try
                {
                    await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                    {
                        ServerCertificate = serverCertificate,
                        ClientCertificateRequired = true,
                        RemoteCertificateValidationCallback = (_, certificate, _, _) => IsSignedByCa(certificate),
                    }, stopping.Token);
                }
                catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException or OperationCanceledException)
                {
                    Interlocked.Increment(ref rejectedClients);
                    return;
                }

                Interlocked.Increment(ref acceptedClients);
                using var engine = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await engine.ConnectAsync(new UnixDomainSocketEndPoint(EngineSocket), stopping.Token);
                await using var engineStream = new NetworkStream(engine, ownsSocket: false);
                var toEngine = PipeAsync(tls, engineStream, () =>
                {
                    engine.Shutdown(SocketShutdown.Send);
                    return Task.CompletedTask;
                });
                var toClient = PipeAsync(engineStream, tls, tls.ShutdownAsync);
                await Task.WhenAll(toEngine, toClient);
            }
        }

        private async Task PipeAsync(Stream from, Stream to, Func<Task> endOfInput)
        {
            try
            {
                await from.CopyToAsync(to, stopping.Token);
                await endOfInput();
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                // One side went away: the connection is over.
            }
        }

        private bool IsSignedByCa(X509Certificate? certificate)
        {
            if (certificate is not X509Certificate2 presented)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(trustedCa!);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(presented);
        }
    }
}
