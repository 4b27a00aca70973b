namespace Testkit.Watchdog;

/// <summary>What the watchdog was started with: whose resources to remove, and how to reach the engine that holds them.</summary>
/// <param name="Session">The value of the <c>org.testkit.session</c> label to remove.</param>
/// <param name="Engine">The engine's address as the SDK connected to it: <c>unix://</c>, <c>npipe://</c>, <c>tcp://</c>, <c>http(s)://</c>.</param>
/// <param name="ApiVersion">The API version the SDK negotiated (e.g. 1.41), or null to let the engine choose.</param>
/// <param name="Tls">Whether to speak TLS to a TCP engine.</param>
/// <param name="Verify">Whether the engine's certificate must chain to <paramref name="CaPath"/> (or the system's roots).</param>
/// <param name="CaPath">PEM file of the CA that signed the engine's certificate.</param>
/// <param name="CertificatePath">PEM file of the client certificate.</param>
/// <param name="KeyPath">PEM file of the client certificate's key.</param>
/// <param name="LogPath">A file to append the watchdog's log to, or null.</param>
/// <param name="ParentPid">The test process's id, for the log only.</param>
internal sealed record WatchdogOptions(
    string Session, Uri Engine, string? ApiVersion, bool Tls, bool Verify, string? CaPath, string? CertificatePath, string? KeyPath, string? LogPath, int? ParentPid)
{
    /// <summary>How the SDK starts it; printed with every argument error.</summary>
    public const string Usage = "dotnet exec Testkit.Watchdog.dll --session <id> --engine <uri> [--api <version>] [--parent <pid>] "
        + "[--tls] [--tls-verify] [--tls-ca <ca.pem>] [--tls-cert <cert.pem>] [--tls-key <key.pem>] [--log <file>]";

    /// <summary>Reads the command line.</summary>
    /// <exception cref="ArgumentException">An option is unknown, lacks its value, or a required one is missing.</exception>
    public static WatchdogOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--tls" or "--tls-verify":
                    flags.Add(args[i]);
                    break;
                case "--session" or "--engine" or "--api" or "--parent" or "--tls-ca" or "--tls-cert" or "--tls-key" or "--log":
                    if (i + 1 >= args.Count)
                    {
                        throw new ArgumentException($"{args[i]} needs a value. Usage: {Usage}");
                    }

                    values[args[i]] = args[++i];
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'. Usage: {Usage}");
            }
        }

        var session = values.GetValueOrDefault("--session");
        if (string.IsNullOrWhiteSpace(session))
        {
            throw new ArgumentException($"--session is required: without it the watchdog would not know what to remove. Usage: {Usage}");
        }

        if (!values.TryGetValue("--engine", out var engineText) || !Uri.TryCreate(engineText, UriKind.Absolute, out var engine))
        {
            throw new ArgumentException($"--engine must be an absolute address such as unix:///var/run/docker.sock. Usage: {Usage}");
        }

        int? parent = values.TryGetValue("--parent", out var pidText) && int.TryParse(pidText, out var pid) ? pid : null;
        var verify = flags.Contains("--tls-verify");
        return new WatchdogOptions(
            session, engine, values.GetValueOrDefault("--api"), verify || flags.Contains("--tls"), verify,
            values.GetValueOrDefault("--tls-ca"), values.GetValueOrDefault("--tls-cert"), values.GetValueOrDefault("--tls-key"),
            values.GetValueOrDefault("--log"), parent);
    }
}
