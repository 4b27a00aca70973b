using System.Net;
using System.Net.Sockets;
using Testkit.Engine;
using Testkit.Tests.Shared;

namespace Testkit.Tests.Engine;

public class DockerEngineTests
{
    [Fact]
    public async Task Connects_at_a_version_the_engine_speaks()
    {
        var engine = await DockerEngine.GetSharedAsync();
        var version = await engine.Client.System.GetVersionAsync();

        Assert.True(engine.ApiVersion <= Version.Parse(version.APIVersion), $"negotiated {engine.ApiVersion}, engine speaks {version.APIVersion}");
        Assert.True(engine.ApiVersion >= ApiVersions.Oldest);
    }

    [Fact]
    public async Task An_engine_that_does_not_answer_fails_fast_naming_what_was_tried()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<EngineUnavailableException>(() => DockerEngine.ConnectAsync("unix:///tmp/testkit-no-engine-here.sock"));

        Assert.Contains("unix:///tmp/testkit-no-engine-here.sock", error.Message, StringComparison.Ordinal);
        Assert.Contains("no such socket", error.Message, StringComparison.Ordinal);
        Assert.Contains("Start one", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "failing must not hang");
    }

    [Fact]
    public async Task A_TCP_endpoint_where_nothing_listens_is_unavailable_as_connection_refused()
    {
        var host = $"tcp://127.0.0.1:{FreeTcpPort()}";
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<EngineUnavailableException>(() => DockerEngine.ConnectAsync(host));

        Assert.Contains(host, error.Message, StringComparison.Ordinal);
        Assert.Contains("connection refused", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"nothing accepts, so nothing is awaited; took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_socket_file_nothing_listens_on_is_unavailable_at_once_as_connection_refused()
    {
        // A socket bound but not listening refuses connections as the file an engine left when it stopped does (.NET
        // deletes the file of a socket it closes, so this one stays open).
        var path = Path.Combine(Path.GetTempPath(), $"testkit-stale-{Guid.NewGuid():N}"[..24] + ".sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<EngineUnavailableException>(() => DockerEngine.ConnectAsync("unix://" + path));

        Assert.Contains($"connection refused: nothing accepts connections on {path}", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsBusy);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"nothing accepts, so nothing is awaited; took {clock.Elapsed}");
    }

    [Fact]
    public async Task An_engine_that_accepts_but_answers_late_is_waited_for_and_the_wait_is_logged()
    {
        await using var slow = new SlowEngineSocket(answerAfter: TimeSpan.FromSeconds(2.5));
        var logger = new RecordingLogger();

        using var engine = await DockerEngine.ConnectAsync(slow.Host, logger);

        Assert.NotEmpty(engine.EngineVersion);
        var busy = Assert.Single(logger.Entries, e => e.EventId == EngineBusyEvent);
        Assert.Contains(slow.Host, busy.Message, StringComparison.Ordinal);
        Assert.Contains("accepts connections but has not answered", busy.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_engine_that_accepts_but_never_answers_is_waited_for_up_to_the_bound_then_reported_busy()
    {
        await using var silent = new SlowEngineSocket(answerAfter: null);
        var logger = new RecordingLogger();
        var bound = TimeSpan.FromSeconds(3);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<EngineUnavailableException>(
            () => DockerEngine.ConnectToAsync(EngineEndpoint.FromHost(silent.Host), bound, logger, CancellationToken.None));

        Assert.True(clock.Elapsed >= bound, $"a busy engine must be awaited up to the bound; gave up after {clock.Elapsed}");
        Assert.True(clock.Elapsed < bound + TimeSpan.FromSeconds(10), $"the bound must end the wait; took {clock.Elapsed}");
        Assert.True(error.IsBusy);
        Assert.Contains($"{silent.Host} ({EngineEndpoint.ExplicitSource}): accepts connections but did not answer within 3 s (busy or hung engine)",
            error.Message, StringComparison.Ordinal);
        Assert.Contains(DockerEngine.TimeoutEnvironmentVariable, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Start one", error.Message, StringComparison.Ordinal);
        var busy = Assert.Single(logger.Entries, e => e.EventId == EngineBusyEvent);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, busy.Level);
        Assert.Contains("waiting (it is busy)", busy.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_callers_cancellation_ends_the_wait_for_a_busy_engine()
    {
        await using var silent = new SlowEngineSocket(answerAfter: null);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => DockerEngine.ConnectToAsync(EngineEndpoint.FromHost(silent.Host), TimeSpan.FromMinutes(5), logger: null, cancel.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the cancellation must end the wait; took {clock.Elapsed}");
    }

    [Theory]
    [InlineData(null, 60)]
    [InlineData("", 60)]
    [InlineData("120", 120)]
    [InlineData("1.5", 1.5)]
    [InlineData("90s", 90)]
    [InlineData("2m", 120)]
    public void TESTKIT_ENGINE_TIMEOUT_takes_seconds_or_a_duration(string? text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), DockerEngine.ParseAnswerTimeout(text));

    [Theory]
    [InlineData("soon")]
    [InlineData("0")]
    [InlineData("10 parsecs")]
    public void A_malformed_TESTKIT_ENGINE_TIMEOUT_names_the_variable_and_the_fix(string text)
    {
        var error = Assert.Throws<TestkitException>(() => DockerEngine.ParseAnswerTimeout(text));

        Assert.Contains($"TESTKIT_ENGINE_TIMEOUT='{text}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Set it to seconds", error.Message, StringComparison.Ordinal);
    }

    private const int EngineBusyEvent = 106;

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
