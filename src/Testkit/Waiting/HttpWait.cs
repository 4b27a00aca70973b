using System.Collections.Immutable;
using System.Net;

namespace Testkit.Waiting;

/// <summary>Waits until an HTTP request to a published container port answers with an expected status and,
/// optionally, a body that satisfies a predicate.</summary>
/// <remarks>Redirects are not followed: the status of the requested path itself is what counts.</remarks>
public sealed record HttpWait : IWaitStrategy
{
    // Shared for the process: sockets are a scarce resource and the handler is thread-safe. Each request
    // asks for "Connection: close" so that no pooled connection outlives a container whose host port is reused.
    private static readonly HttpClient Verifying = CreateClient(allowInsecure: false);
    private static readonly HttpClient Insecure = CreateClient(allowInsecure: true);

    internal HttpWait(int port, string path)
    {
        Port = port;
        Path = path;
    }

    /// <summary>The container port the request goes to (through its published host port).</summary>
    public int Port { get; }

    /// <summary>The path and query requested, starting with '/'.</summary>
    public string Path { get; }

    /// <summary>The request method; GET by default.</summary>
    public HttpMethod Method { get; init; } = HttpMethod.Get;

    /// <summary>The accepted status codes; empty means any 2xx.</summary>
    public ImmutableArray<int> StatusCodes { get; init; } = [];

    /// <summary>A predicate the response body must satisfy, or null to ignore the body.</summary>
    public Func<string, bool>? BodyPredicate { get; init; }

    /// <summary>Headers sent with every request.</summary>
    public ImmutableArray<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>True to use HTTPS.</summary>
    public bool UseTls { get; init; }

    /// <summary>True to accept any server certificate (the usual self-signed one of a test container).</summary>
    public bool AllowInsecure { get; init; }

    /// <summary>How long one request may take before it is abandoned and retried; 2 s by default.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <inheritdoc />
    public TimeSpan? Timeout { get; init; }

    /// <summary>Sends <paramref name="method"/> instead of GET.</summary>
    public HttpWait WithMethod(HttpMethod method) => this with { Method = method ?? throw new ArgumentNullException(nameof(method)) };

    /// <summary>Ready only on one of <paramref name="statusCodes"/> instead of any 2xx; replaces codes given before.</summary>
    public HttpWait ForStatusCode(params int[] statusCodes)
    {
        ArgumentNullException.ThrowIfNull(statusCodes);
        if (statusCodes.Length == 0)
        {
            throw new ArgumentException("Give at least one status code, e.g. ForStatusCode(200), or none of this call for any 2xx.", nameof(statusCodes));
        }

        foreach (var code in statusCodes)
        {
            if (code is < 100 or > 599)
            {
                throw new ArgumentOutOfRangeException(nameof(statusCodes), code, "An HTTP status code is between 100 and 599.");
            }
        }

        return this with { StatusCodes = [.. statusCodes] };
    }

    /// <summary>Ready only when the response body satisfies <paramref name="bodyPredicate"/> as well.</summary>
    public HttpWait ForResponse(Func<string, bool> bodyPredicate) =>
        this with { BodyPredicate = bodyPredicate ?? throw new ArgumentNullException(nameof(bodyPredicate)) };

    /// <summary>Sends the header <paramref name="name"/> with every request; its value never appears in logs.</summary>
    public HttpWait WithHeader(string name, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        return this with { Headers = Headers.Add(new(name, value)) };
    }

    /// <summary>Uses HTTPS; <paramref name="allowInsecure"/> accepts any certificate, as test containers' are self-signed.</summary>
    public HttpWait UsingTls(bool allowInsecure = false) => this with { UseTls = true, AllowInsecure = allowInsecure };

    /// <summary>Abandons and retries a request after <paramref name="timeout"/> instead of 2 s.</summary>
    public HttpWait WithRequestTimeout(TimeSpan timeout) =>
        timeout >= TimeSpan.FromMilliseconds(10)
            ? this with { RequestTimeout = timeout }
            : throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "A request timeout must be at least 10 ms, e.g. TimeSpan.FromSeconds(2).");

    /// <summary>Gives this wait its own deadline.</summary>
    public HttpWait WithTimeout(TimeSpan timeout) => this with { Timeout = Wait.CheckTimeout(timeout) };

    /// <inheritdoc />
    public ValueTask WaitAsync(IWaitTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);

        // Resolved before polling so that an unpublished port fails at once with its fix.
        var root = new UriBuilder(UseTls ? Uri.UriSchemeHttps : Uri.UriSchemeHttp, target.Host, target.GetMappedPort(Port)).Uri;
        var uri = new Uri(root, Path);
        return Polling.UntilAsync(
            static (s, ct) => s.wait.AnswersAsync(s.uri, ct), (wait: this, uri), cancellationToken,
            attemptTimeout: RequestTimeout);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"HTTP{(UseTls ? "S" : "")} {Method} {Path} on port {Port} to answer "
        + (StatusCodes.IsEmpty ? "2xx" : string.Join(" or ", StatusCodes))
        + (BodyPredicate is null ? "" : " with a matching body")
        + (Headers.IsEmpty ? "" : $" (headers {string.Join(", ", Headers.Select(h => h.Key))})");

    private async ValueTask<bool> AnswersAsync(Uri uri, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(Method, uri);
        request.Headers.ConnectionClose = true;
        foreach (var (name, value) in Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await (AllowInsecure ? Insecure : Verifying)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!IsExpected(response.StatusCode))
            {
                return false;
            }

            return BodyPredicate is null
                   || BodyPredicate(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (HttpRequestException)
        {
            // Refused, reset, or closed by the userland proxy because nothing listens inside yet.
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private bool IsExpected(HttpStatusCode status) =>
        StatusCodes.IsEmpty ? (int)status is >= 200 and <= 299 : StatusCodes.Contains((int)status);

    private static HttpClient CreateClient(bool allowInsecure)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,

            // A proxy from the environment would not reach the engine's published ports.
            UseProxy = false,
        };
        if (allowInsecure)
        {
            // Only on explicit request (UsingTls(allowInsecure: true)): test containers serve self-signed certificates.
#pragma warning disable CA5359
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
        }

        return new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }
}
