using System.Diagnostics;
using Testkit.Containers;
using Testkit.Waiting;

namespace Testkit.Tests.Waiting;

public class HttpsWaitTests
{
    // The offline Kafka image carries socat built with OpenSSL: a one-line HTTPS server.
    private const string ImageWithSocat = "confluentinc/cp-kafka:7.6.1";

    [Fact]
    public async Task An_https_endpoint_with_a_self_signed_certificate_is_awaited_when_insecure_is_allowed_and_refused_otherwise()
    {
        var pem = await SelfSignedPemAsync();
        ContainerBuilder Server() => new ContainerBuilder(ImageWithSocat)
            .WithFile("/certs/server.pem", pem)
            .WithFile("/certs/respond.sh", "#!/bin/sh\nprintf 'HTTP/1.1 200 OK\\r\\nContent-Length: 9\\r\\nConnection: close\\r\\n\\r\\nsecure-ok'\n", mode: (UnixFileMode)0b111_101_101)
            .WithPortBinding(8443)
            .WithEntrypoint("socat")
            .ReplaceCommand("OPENSSL-LISTEN:8443,reuseaddr,fork,cert=/certs/server.pem,verify=0", "EXEC:/certs/respond.sh");

        await using (var insecure = Server().WithWaitStrategy(Wait.ForHttp(8443).UsingTls(allowInsecure: true).ForResponse(body => body == "secure-ok")).Build())
        {
            await insecure.StartAsync();

            using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
            using var client = new HttpClient(handler);
            Assert.Equal("secure-ok", await client.GetStringAsync(new Uri($"https://{insecure.Host}:{insecure.GetMappedPort(8443)}/")));
        }

        var verifying = Server().WithWaitStrategy(Wait.ForHttp(8443).UsingTls().WithTimeout(TimeSpan.FromSeconds(2))).Build();
        var error = await Assert.ThrowsAsync<WaitTimeoutException>(() => verifying.StartAsync());
        Assert.Contains("https", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<string> SelfSignedPemAsync()
    {
        var directory = Directory.CreateTempSubdirectory("testkit-https-").FullName;
        var start = new ProcessStartInfo("openssl") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = directory };
        foreach (var argument in new[] { "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-days", "1", "-subj", "/CN=localhost" })
        {
            start.ArgumentList.Add(argument);
        }

        using var openssl = Process.Start(start)!;
        await openssl.WaitForExitAsync();
        Assert.Equal(0, openssl.ExitCode);
        return await File.ReadAllTextAsync(Path.Combine(directory, "cert.pem")) + await File.ReadAllTextAsync(Path.Combine(directory, "key.pem"));
    }
}
