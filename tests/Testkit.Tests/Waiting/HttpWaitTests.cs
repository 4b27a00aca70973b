using Testkit.Containers;
using Testkit.Waiting;

namespace Testkit.Tests.Waiting;

public class HttpWaitTests
{
    // Answers 503 to the first three requests, then 200 with "hello from perl" and the request head it got.
    private const string HttpServer =
        "my $s = IO::Socket::INET->new(LocalPort => 8080, Listen => 10, ReuseAddr => 1) or die qq(listen: $!);"
        + "my $n = 0;"
        + "while (my $c = $s->accept) {"
        + "  my $head = q();"
        + "  while (my $l = <$c>) { last if $l =~ /^\\r?\\n$/; $head .= $l; }"
        + "  my $ok = ++$n > 3;"
        + "  my $body = $ok ? qq(hello from perl\\n$head) : q(warming up);"
        + "  my $status = $ok ? q(200 OK) : q(503 Service Unavailable);"
        + "  print $c qq(HTTP/1.1 $status\\r\\nContent-Type: text/plain\\r\\nContent-Length: ) . length($body) . qq(\\r\\nConnection: close\\r\\n\\r\\n$body);"
        + "  close $c;"
        + "}";

    private static readonly ContainerBuilder Server = new ContainerBuilder("debian:bookworm")
        .WithPortBinding(8080)
        .ReplaceCommand("sh", "-c", "sleep 0.5; exec perl -MIO::Socket::INET -e \"$1\"", "sh", HttpServer);

    [Fact]
    public async Task It_waits_through_refusals_and_503s_for_a_2xx_with_the_expected_body()
    {
        await using var container = Server
            .WithWaitStrategy(Wait.ForHttp(8080, "/status?deep=1")
                .WithMethod(HttpMethod.Post)
                .WithHeader("X-Probe", "yes")
                .ForResponse(body => body.StartsWith("hello from perl", StringComparison.Ordinal)
                                     && body.Contains("POST /status?deep=1 HTTP/1.1", StringComparison.Ordinal)
                                     && body.Contains("X-Probe: yes", StringComparison.Ordinal)))
            .Build();

        await container.StartAsync();

        using var client = new HttpClient();
        var body = await client.GetStringAsync(new Uri($"http://{container.Host}:{container.GetMappedPort(8080)}/after"));
        Assert.StartsWith("hello from perl\nGET /after HTTP/1.1", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_status_that_never_comes_times_out_naming_the_request_and_status()
    {
        var container = Server
            .WithWaitStrategy(Wait.ForHttp(8080).ForStatusCode(204).WithTimeout(TimeSpan.FromSeconds(2)))
            .Build();

        var error = await Assert.ThrowsAsync<WaitTimeoutException>(() => container.StartAsync());

        Assert.Contains("HTTP GET / on port 8080 to answer 204", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_that_never_matches_times_out()
    {
        var container = Server
            .WithWaitStrategy(Wait.ForHttp(8080).ForResponse(body => body.Contains("goodbye", StringComparison.Ordinal)).WithTimeout(TimeSpan.FromSeconds(2)))
            .Build();

        var error = await Assert.ThrowsAsync<WaitTimeoutException>(() => container.StartAsync());

        Assert.Contains("to answer 2xx with a matching body", error.Message, StringComparison.Ordinal);
    }
}
