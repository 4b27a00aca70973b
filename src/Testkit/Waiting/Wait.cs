using System.Text.RegularExpressions;
using Testkit.Containers;

namespace Testkit.Waiting;

/// <summary>The wait strategies: small immutable values that say what "ready" means.</summary>
public static class Wait
{
    /// <summary>Ready once a log line matches <paramref name="pattern"/> (a regular expression).</summary>
    public static LogWait ForLogMessage(string pattern) => new(new Regex(pattern, RegexOptions.Compiled));

    /// <summary>Ready once <paramref name="containerPort"/> accepts connections from the host and listens inside the container.</summary>
    public static ListeningPortWait ForListeningPort(int containerPort) => new(CheckPort(containerPort));

    /// <summary>Ready once an HTTP request to <paramref name="path"/> on <paramref name="containerPort"/> answers 2xx.</summary>
    public static HttpWait ForHttp(int containerPort, string path = "/")
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!path.StartsWith('/') || path.StartsWith("//", StringComparison.Ordinal))
        {
            throw new ArgumentException($"The HTTP path must start with a single '/', e.g. \"/health\"; got \"{path}\".", nameof(path));
        }

        return new(CheckPort(containerPort), path);
    }

    /// <summary>Ready once the container's health check reports healthy; fails at once if it has none.</summary>
    public static HealthyWait ForHealthy() => new();

    /// <summary>Ready once <paramref name="command"/>, run inside the container without a shell, exits with 0.</summary>
    public static ExecWait ForExec(params string[] command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Length == 0 || string.IsNullOrWhiteSpace(command[0]))
        {
            throw new ArgumentException("Give the program to run and its arguments, e.g. Wait.ForExec(\"pg_isready\", \"-q\").", nameof(command));
        }

        return new([.. command]);
    }

    /// <summary>Ready once <paramref name="path"/> exists inside the container.</summary>
    public static FileWait ForFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new(path);
    }

    /// <summary>Ready once <paramref name="condition"/> returns true; <paramref name="description"/> says what it checks.</summary>
    public static ConditionWait Until(string description, Func<IWaitTarget, CancellationToken, ValueTask<bool>> condition)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        ArgumentNullException.ThrowIfNull(condition);
        return new ConditionWait(description, condition);
    }

    /// <summary>Ready once a TCP connection to <paramref name="containerPort"/> that sends <paramref name="request"/> gets a
    /// reply containing <paramref name="expectedReply"/>: a text protocol's own readiness (<c>"PING\r\n"</c> → <c>"+PONG"</c>).
    /// <paramref name="request"/> is made per check from the started container (to read its password, say) and never
    /// appears in the description.</summary>
    public static ConditionWait ForTcpReply(int containerPort, Func<IWaitTarget, string> request, string expectedReply)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(expectedReply);
        var port = CheckPort(containerPort);
        return new ConditionWait($"a reply with '{expectedReply}' on port {port}",
            (target, cancellationToken) => TcpReply.ContainsAsync(target, port, request(target), expectedReply, cancellationToken));
    }

    /// <summary>Ready once every strategy is, checked in order.</summary>
    public static AllWait ForAll(params IWaitStrategy[] strategies) => new([.. CheckStrategies(strategies)]);

    /// <summary>Ready once any strategy is; they run at the same time and the others are cancelled.</summary>
    public static AnyWait ForAny(params IWaitStrategy[] strategies) => new([.. CheckStrategies(strategies)]);

    internal static TimeSpan CheckTimeout(TimeSpan timeout) =>
        timeout > TimeSpan.Zero
            ? timeout
            : throw new ArgumentOutOfRangeException(nameof(timeout), timeout,
                "A wait's timeout must be positive, e.g. TimeSpan.FromSeconds(10); leave it unset to use the container's startup timeout.");

    internal static string ShortId(IWaitTarget target) => Engine.ShortIds.Of(target.Id);

    internal static string FirstLine(ExecResult result)
    {
        var output = (result.Stderr.Trim().Length > 0 ? result.Stderr : result.Stdout).Trim();
        var end = output.IndexOf('\n', StringComparison.Ordinal);
        return output.Length == 0 ? "no output" : end < 0 ? output : output[..end].TrimEnd();
    }

    private static int CheckPort(int containerPort) =>
        containerPort is > 0 and <= 65535
            ? containerPort
            : throw new ArgumentOutOfRangeException(nameof(containerPort), containerPort, "A container port is between 1 and 65535.");

    private static IWaitStrategy[] CheckStrategies(IWaitStrategy[] strategies)
    {
        ArgumentNullException.ThrowIfNull(strategies);
        if (strategies.Length == 0 || Array.IndexOf(strategies, null) >= 0)
        {
            throw new ArgumentException("Give one wait strategy or more, none of them null.", nameof(strategies));
        }

        return strategies;
    }
}
