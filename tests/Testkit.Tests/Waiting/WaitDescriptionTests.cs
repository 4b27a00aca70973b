using Testkit.Waiting;

namespace Testkit.Tests.Waiting;

/// <summary>What logs and timeout errors quote, and the options' validation; no engine needed.</summary>
public class WaitDescriptionTests
{
    [Fact]
    public void Each_strategy_says_what_it_awaits()
    {
        Assert.Equal("port 8080 to listen", Wait.ForListeningPort(8080).ToString());
        Assert.Equal("port 8080 to listen (checked from the host only)", Wait.ForListeningPort(8080).WithoutInsideCheck().ToString());
        Assert.Equal("HTTP GET / on port 80 to answer 2xx", Wait.ForHttp(80).ToString());
        Assert.Equal("the container's health check to report healthy", Wait.ForHealthy().ToString());
        Assert.Equal("command `pg_isready -q` to exit 0", Wait.ForExec("pg_isready", "-q").ToString());
        Assert.Equal("command `sh -c 'test -e /tmp/x'` to exit 0", Wait.ForExec("sh", "-c", "test -e /tmp/x").ToString());
        Assert.Equal("file /tmp/ready to exist", Wait.ForFile("/tmp/ready").ToString());
        Assert.Equal("tables created", Wait.Until("tables created", (_, _) => ValueTask.FromResult(true)).ToString());
    }

    [Fact]
    public void An_http_wait_describes_every_option_but_never_header_values()
    {
        var wait = Wait.ForHttp(8443, "/health?deep=1")
            .WithMethod(HttpMethod.Head)
            .ForStatusCode(200, 204)
            .ForResponse(body => body.Contains("UP"))
            .WithHeader("Authorization", "Bearer s3cret")
            .UsingTls(allowInsecure: true);

        Assert.Equal("HTTPS HEAD /health?deep=1 on port 8443 to answer 200 or 204 with a matching body (headers Authorization)", wait.ToString());
        Assert.DoesNotContain("s3cret", wait.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Composites_describe_their_parts()
    {
        var log = Wait.ForLogMessage("started");
        var port = Wait.ForListeningPort(5432);

        Assert.Equal("log line /started/, then port 5432 to listen", Wait.ForAll(log, port).ToString());
        Assert.Equal("any of (log line /started/; port 5432 to listen)", Wait.ForAny(log, port).ToString());
    }

    [Fact]
    public void Options_return_new_values_and_leave_the_original_alone()
    {
        var original = Wait.ForHttp(80);
        var changed = original.ForStatusCode(204).WithHeader("X-A", "1").WithTimeout(TimeSpan.FromSeconds(3));

        Assert.True(original.StatusCodes.IsEmpty);
        Assert.True(original.Headers.IsEmpty);
        Assert.Null(original.Timeout);
        Assert.Equal([204], changed.StatusCodes.ToArray());
        Assert.Equal(TimeSpan.FromSeconds(3), changed.Timeout);
        Assert.True(Wait.ForListeningPort(1).CheckInside);
        Assert.False(Wait.ForListeningPort(1).WithoutInsideCheck().CheckInside);
    }

    [Fact]
    public void Every_strategy_takes_its_own_timeout()
    {
        var timeout = TimeSpan.FromSeconds(7);
        IWaitStrategy[] strategies =
        [
            Wait.ForLogMessage("x").WithTimeout(timeout),
            Wait.ForListeningPort(80).WithTimeout(timeout),
            Wait.ForHttp(80).WithTimeout(timeout),
            Wait.ForHealthy().WithTimeout(timeout),
            Wait.ForExec("true").WithTimeout(timeout),
            Wait.ForFile("/x").WithTimeout(timeout),
            Wait.Until("x", (_, _) => ValueTask.FromResult(true)).WithTimeout(timeout),
            Wait.ForAll(Wait.ForHealthy()).WithTimeout(timeout),
            Wait.ForAny(Wait.ForHealthy()).WithTimeout(timeout),
        ];

        Assert.All(strategies, s => Assert.Equal(timeout, s.Timeout));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65536)]
    public void A_port_out_of_range_is_refused(int port)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Wait.ForListeningPort(port));
        Assert.Throws<ArgumentOutOfRangeException>(() => Wait.ForHttp(port));
    }

    [Theory]
    [InlineData("health")]
    [InlineData("//other-host/health")]
    [InlineData("")]
    public void An_http_path_must_be_absolute_on_the_same_host(string path)
    {
        var error = Assert.Throws<ArgumentException>(() => Wait.ForHttp(80, path));
        Assert.Contains("must start with a single '/'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Http_options_are_validated()
    {
        var http = Wait.ForHttp(80);

        Assert.Throws<ArgumentException>(() => http.ForStatusCode());
        Assert.Throws<ArgumentOutOfRangeException>(() => http.ForStatusCode(200, 99));
        Assert.Throws<ArgumentOutOfRangeException>(() => http.ForStatusCode(600));
        Assert.Throws<ArgumentNullException>(() => http.ForResponse(null!));
        Assert.Throws<ArgumentNullException>(() => http.WithMethod(null!));
        Assert.Throws<ArgumentException>(() => http.WithHeader(" ", "x"));
        Assert.Throws<ArgumentOutOfRangeException>(() => http.WithRequestTimeout(TimeSpan.FromMilliseconds(1)));
    }

    [Fact]
    public void A_timeout_must_be_positive_and_says_how_to_fix_it()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Wait.ForFile("/x").WithTimeout(TimeSpan.Zero));
        Assert.Contains("must be positive", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Wait.ForHttp(80).WithTimeout(TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Wait.ForLogMessage("x").WithTimeout(TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => Wait.Until("x", (_, _) => ValueTask.FromResult(true)).Every(TimeSpan.Zero));
    }

    [Fact]
    public void Commands_paths_and_composites_are_validated()
    {
        Assert.Throws<ArgumentException>(() => Wait.ForExec());
        Assert.Throws<ArgumentException>(() => Wait.ForExec(""));
        Assert.Throws<ArgumentException>(() => Wait.ForFile(" "));
        Assert.Throws<ArgumentException>(() => Wait.ForAll());
        Assert.Throws<ArgumentException>(() => Wait.ForAny());
        Assert.Throws<ArgumentException>(() => Wait.ForAny(Wait.ForHealthy(), null!));
    }
}
