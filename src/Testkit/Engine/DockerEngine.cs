using System.Diagnostics;
using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.NativeHttp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Testkit.Engine;

/// <summary>A connection to a container engine, at the API version both sides speak.</summary>
/// <remarks>One is shared by the whole process: connecting once saves a round trip per container.</remarks>
public sealed class DockerEngine : IDisposable
{
    /// <summary>The variable that sets <see cref="AnswerTimeout"/>, as seconds (<c>120</c>) or a duration (<c>90s</c>, <c>2m</c>).</summary>
    public const string TimeoutEnvironmentVariable = "TESTKIT_ENGINE_TIMEOUT";

    /// <summary>An idle engine answers in milliseconds: one that takes longer than this is busy, and the log says it is awaited.</summary>
    private static readonly TimeSpan BusyNotice = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan DefaultAnswerTimeout = TimeSpan.FromSeconds(60);
    private static readonly SemaphoreSlim SharedLock = new(1, 1);
    private static DockerEngine? shared;
    private static TimeSpan? answerTimeout;

    // Tests put an engine behind a proxy (to count or hold its calls) for the containers they start; nothing else sets it.
    private static readonly AsyncLocal<DockerEngine?> FlowEngine = new();

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

    /// <summary>The engine's images: inspect, resolve, list by label, commit, tag, remove.</summary>
    public Images.ImageStore Images => new(this);

    /// <summary>The host name a test connects to for ports published by this engine.</summary>
    public string Host => Endpoint.Uri.Scheme is "tcp" or "http" or "https" ? Endpoint.Uri.Host : "127.0.0.1";

    /// <summary>How long a connection waits for an engine that accepts connections to answer its first request: under
    /// load an engine is slow, not gone. <c>TESTKIT_ENGINE_TIMEOUT</c> when set, else 60 s; the caller's cancellation
    /// ends the wait earlier.</summary>
    /// <exception cref="TestkitException">TESTKIT_ENGINE_TIMEOUT is not a positive duration.</exception>
    public static TimeSpan AnswerTimeout
    {
        get => answerTimeout ?? AnswerTimeoutFromEnvironment();
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            answerTimeout = value;
        }
    }

    /// <summary>The process-wide connection, made on first use (see <see cref="ConnectAsync"/>).</summary>
    public static Task<DockerEngine> GetSharedAsync(ILogger? logger = null, CancellationToken cancellationToken = default) =>
        GetSharedAsync(logger, Timeout.InfiniteTimeSpan, cancellationToken);

    /// <summary><see cref="GetSharedAsync(ILogger?, CancellationToken)"/> waiting for a busy engine no longer than
    /// <paramref name="maxWait"/> when that is shorter than <see cref="AnswerTimeout"/> (a container's start timeout).</summary>
    internal static async Task<DockerEngine> GetSharedAsync(ILogger? logger, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        if (FlowEngine.Value is { } ofThisFlow)
        {
            return ofThisFlow;
        }

        if (shared is { } existing)
        {
            return existing;
        }

        await SharedLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var wait = maxWait > TimeSpan.Zero && maxWait < AnswerTimeout ? maxWait : AnswerTimeout;
            return shared ??= Cleanup.LeakProtection.Attach(
                await ConnectFirstAsync(EngineEndpoint.Discover(), wait, logger ?? NullLogger.Instance, cancellationToken).ConfigureAwait(false), logger);
        }
        finally
        {
            SharedLock.Release();
        }
    }

    /// <summary>Makes <see cref="GetSharedAsync(ILogger?, CancellationToken)"/> return <paramref name="engine"/> in the calling
    /// flow (and the tasks it starts) until the result is disposed: for tests that meter or fault one engine connection.</summary>
    internal static IDisposable UseInThisFlow(DockerEngine engine)
    {
        var before = FlowEngine.Value;
        FlowEngine.Value = engine;
        return new FlowRestore(() => FlowEngine.Value = before);
    }

    /// <summary>Connects to the first endpoint that answers (see <see cref="EngineEndpoint.Discover(string?)"/>) and negotiates
    /// the API version: the lower of the engine's and Testkit's, or DOCKER_API_VERSION when set and not newer.</summary>
    /// <exception cref="EngineUnavailableException">Nothing accepts connections at any endpoint, or an engine that accepts them
    /// did not answer within <see cref="AnswerTimeout"/>.</exception>
    /// <exception cref="TestkitException">An engine setting is malformed or names a docker context that does not exist.</exception>
    public static Task<DockerEngine> ConnectAsync(string? explicitHost = null, ILogger? logger = null, CancellationToken cancellationToken = default) =>
        ConnectFirstAsync(EngineEndpoint.Discover(explicitHost), AnswerTimeout, logger ?? NullLogger.Instance, cancellationToken);

    /// <summary>Connects to <paramref name="endpoint"/> alone, with its TLS settings (see <see cref="EngineEndpoint.FromHost"/>),
    /// and negotiates the API version as <see cref="ConnectAsync"/> does.</summary>
    /// <exception cref="EngineUnavailableException">Nothing accepts connections there, the engine did not answer within
    /// <see cref="AnswerTimeout"/>, or it refused the TLS handshake.</exception>
    public static Task<DockerEngine> ConnectToAsync(EngineEndpoint endpoint, ILogger? logger = null, CancellationToken cancellationToken = default) =>
        ConnectToAsync(endpoint, AnswerTimeout, logger, cancellationToken);

    /// <summary><see cref="ConnectToAsync(EngineEndpoint, ILogger?, CancellationToken)"/> with its own bound on the wait for a busy
    /// engine, so that tests of that wait are short without changing the process-wide <see cref="AnswerTimeout"/>.</summary>
    internal static Task<DockerEngine> ConnectToAsync(EngineEndpoint endpoint, TimeSpan answerTimeout, ILogger? logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(answerTimeout, TimeSpan.Zero);
        return ConnectFirstAsync([endpoint], answerTimeout, logger ?? NullLogger.Instance, cancellationToken);
    }

    /// <summary>Tries the candidates in order in two steps each: does anything accept a connection (if not, the next
    /// candidate), then, since an engine is there, waits up to <paramref name="answerTimeout"/> for its version.</summary>
    private static async Task<DockerEngine> ConnectFirstAsync(
        IReadOnlyList<EngineEndpoint> candidates, TimeSpan answerTimeout, ILogger logger, CancellationToken cancellationToken)
    {
        var attempts = new List<EngineAttempt>();
        foreach (var endpoint in candidates)
        {
            if (endpoint.Uri.Scheme is not ("unix" or "npipe" or "tcp" or "http" or "https"))
            {
                attempts.Add(new(endpoint, $"Testkit cannot speak to '{endpoint.Uri.Scheme}' endpoints; "
                    + "forward the engine to a local socket or TCP port (e.g. 'ssh -L') and use that address"));
            }
            else if (await EngineReachability.WhyNothingAcceptsAsync(endpoint, cancellationToken).ConfigureAwait(false) is { } nothingAccepts)
            {
                attempts.Add(new(endpoint, nothingAccepts));
            }
            else
            {
                var (engine, failure) = await AwaitAnswerAsync(endpoint, answerTimeout, logger, cancellationToken).ConfigureAwait(false);
                if (engine is not null)
                {
                    return engine;
                }

                attempts.Add(failure!);
            }

            logger.EngineNotAnswering(endpoint.ToString(), attempts[^1].Reason);
        }

        throw new EngineUnavailableException(attempts);
    }

    /// <summary>The second step, at an endpoint that accepts connections: the engine's version, awaited up to
    /// <paramref name="answerTimeout"/> (with a log line once it is late), else why there is none.</summary>
    private static async Task<(DockerEngine? Engine, EngineAttempt? Failure)> AwaitAnswerAsync(
        EngineEndpoint endpoint, TimeSpan answerTimeout, ILogger logger, CancellationToken cancellationToken)
    {
        EngineTlsMaterial? tls = null;
        var connected = false;
        var clock = Stopwatch.StartNew();
        try
        {
            tls = endpoint.Tls is { } settings ? EngineTlsMaterial.Load(settings) : null;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(answerTimeout);

            // The client's own request timeout (100 s by default) must not end the wait before the bound does.
            using var probe = CreateClient(endpoint, tls, apiVersion: null, answerTimeout);
            var request = probe.System.GetVersionAsync(timeout.Token);
            var notice = BusyNotice < answerTimeout / 2 ? BusyNotice : answerTimeout / 2;
            var late = await Task.WhenAny(request, Task.Delay(notice, timeout.Token)).ConfigureAwait(false) != request;
            if (late)
            {
                logger.EngineBusy(endpoint.ToString(), notice.TotalSeconds, answerTimeout.TotalSeconds, TimeoutEnvironmentVariable);
            }

            var version = await request.ConfigureAwait(false);
            if (late)
            {
                logger.EngineAnsweredLate(endpoint.ToString(), clock.ElapsedMilliseconds);
            }

            var requested = Environment.GetEnvironmentVariable("DOCKER_API_VERSION") is { Length: > 0 } text ? ApiVersions.Parse(text) : null;
            var apiVersion = ApiVersions.Negotiate(ApiVersions.Parse(version.APIVersion), requested);
            var client = CreateClient(endpoint, tls, apiVersion);
            logger.Connected(version.Version, endpoint.ToString(), apiVersion);
            connected = true;
            return (new DockerEngine(client, endpoint, apiVersion, version.Version, tls), null);
        }
        catch (Exception e) when (IsTimeout(e) && !cancellationToken.IsCancellationRequested)
        {
            return (null, new EngineAttempt(endpoint, $"accepts connections but did not answer within {Seconds(answerTimeout)} s "
                + "(busy or hung engine)" + TlsHint(tls), Busy: true));
        }
        catch (TestkitException e)
        {
            // The TLS files could not be read: the message already names the file and the fix.
            return (null, new EngineAttempt(endpoint, e.Message));
        }
        catch (Exception e) when (IsProbeFailure(e))
        {
            return (null, new EngineAttempt(endpoint, Reason(e, endpoint, tls)));
        }
        finally
        {
            if (!connected)
            {
                tls?.Dispose();
            }
        }
    }

    /// <summary>Whether an error is one of the ways a connection fails (and not a defect of Testkit's): the legacy
    /// transport wraps its socket errors in an <see cref="AggregateException"/>, which is why that is unwrapped.</summary>
    private static bool IsProbeFailure(Exception error) => error switch
    {
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsProbeFailure),
        DockerApiException or HttpRequestException or IOException or System.Net.Sockets.SocketException or FormatException
            or System.Text.Json.JsonException or System.Security.Authentication.AuthenticationException => true,
        _ => false,
    };

    /// <summary>A timeout of the transport itself, possibly wrapped (it ends the wait as the bound does).</summary>
    private static bool IsTimeout(Exception error) => error switch
    {
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsTimeout),
        OperationCanceledException or TimeoutException => true,
        _ => false,
    };

    /// <summary>The innermost message, through the aggregates the transport wraps errors in.</summary>
    private static string BaseMessage(Exception error) =>
        error is AggregateException { InnerExceptions: [var first, ..] } ? BaseMessage(first) : error.GetBaseException().Message;

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);

    private static DockerClient CreateClient(EngineEndpoint endpoint, EngineTlsMaterial? tls, Version? apiVersion, TimeSpan? requestTimeout = null)
    {
        var builder = new DockerClientBuilder().WithEndpoint(endpoint.Uri).WithApiVersion(apiVersion);
        if (requestTimeout is { } timeout)
        {
            builder = builder.WithTimeout(timeout);
        }

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
        var message = BaseMessage(error);
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

    private static TimeSpan AnswerTimeoutFromEnvironment() => ParseAnswerTimeout(Environment.GetEnvironmentVariable(TimeoutEnvironmentVariable));

    /// <summary>A TESTKIT_ENGINE_TIMEOUT value as seconds or a duration; the default when empty.</summary>
    /// <exception cref="TestkitException">The value is not a positive duration.</exception>
    internal static TimeSpan ParseAnswerTimeout(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return DefaultAnswerTimeout;
        }

        try
        {
            var timeout = double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
                ? TimeSpan.FromSeconds(seconds)
                : Formats.Durations.Parse(text);
            return timeout > TimeSpan.Zero ? timeout : throw new FormatException("the duration must be more than zero");
        }
        catch (FormatException e)
        {
            throw new TestkitException($"{TimeoutEnvironmentVariable}='{text}' is not a time Testkit can wait for an engine ({e.Message}). "
                + "Set it to seconds (120) or a duration (90s, 2m), or unset it for the default of 60 s.", e);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Client.Dispose();
        tls?.Dispose();
    }

    private sealed class FlowRestore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
