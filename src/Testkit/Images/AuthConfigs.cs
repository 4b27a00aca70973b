using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Testkit.Engine;

namespace Testkit.Images;

/// <summary>The registry credentials of the docker CLI's <c>config.json</c>: <c>auths</c> entries, then the programs
/// named by <c>credHelpers</c> (per registry) and <c>credsStore</c> (all registries), as <c>docker pull</c> uses them.</summary>
/// <remarks>Secrets only ever go into the <see cref="AuthConfig"/> handed to the engine: nothing here logs or prints them.</remarks>
internal sealed class AuthConfigs
{
    /// <summary>The key under which the CLI files Docker Hub's credentials (a config-file format, not an address to call).</summary>
    public const string DockerHubKey = "https://index.docker.io/v1/";

    private const string HelperPrefix = "docker-credential-";
    private const string IdentityTokenUser = "<token>";
    private static readonly TimeSpan HelperTimeout = TimeSpan.FromSeconds(15);

    private readonly Dictionary<string, Credentials> auths;
    private readonly Dictionary<string, string> helpers;
    private readonly string? credsStore;

    private AuthConfigs(string source, Dictionary<string, Credentials> auths, Dictionary<string, string> helpers, string? credsStore)
    {
        Source = source;
        this.auths = auths;
        this.helpers = helpers;
        this.credsStore = credsStore;
    }

    /// <summary>The file the settings came from, for logs and errors.</summary>
    public string Source { get; }

    /// <summary>The credentials for pulling <paramref name="image"/> on this machine (config from $DOCKER_CONFIG or
    /// ~/.docker, helpers from PATH), or null to pull anonymously; an unreadable config is logged and ignored.</summary>
    public static async Task<AuthConfig?> ForImageAsync(string image, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(logger);
        AuthConfigs configs;
        try
        {
            configs = Load(DockerCliConfig.Directory(Environment.GetEnvironmentVariable));
        }
        catch (TestkitException e)
        {
            // A public image still pulls without credentials; the warning says why a private one may not.
            logger.RegistryCredentialsUnreadable(e.Message);
            return null;
        }

        return await configs.GetAsync(image, Environment.GetEnvironmentVariable("PATH"), logger, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The settings of <c>config.json</c> in <paramref name="configDirectory"/>; none when it does not exist.</summary>
    /// <exception cref="TestkitException">The file is not valid JSON or has a malformed entry.</exception>
    public static AuthConfigs Load(string configDirectory)
    {
        var file = Path.Combine(configDirectory, "config.json");
        using var document = DockerCliConfig.ReadJson(file);
        return document is null ? new AuthConfigs(file, [], [], null) : FromJson(document.RootElement, file);
    }

    /// <summary>The settings of a <c>config.json</c> text; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="TestkitException">The text is not valid JSON or has a malformed entry.</exception>
    public static AuthConfigs Parse(string json, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            return FromJson(document.RootElement, source);
        }
        catch (JsonException e)
        {
            throw new TestkitException($"{source} is not valid JSON ({e.Message}). Fix or remove that file; the docker CLI cannot read it either.", e);
        }
    }

    /// <summary>The registry an image comes from, as the CLI's config names it: the first path segment when it has a
    /// dot or a colon or is <c>localhost</c>, else Docker Hub (<see cref="DockerHubKey"/>).</summary>
    public static string RegistryOf(string image)
    {
        var repository = ImageReference.Parse(image).Repository;
        var slash = repository.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            var first = repository[..slash];
            if (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost")
            {
                return first;
            }
        }

        return DockerHubKey;
    }

    /// <summary>The credentials for <paramref name="image"/>: its registry's credential helper, else <c>credsStore</c>,
    /// else its <c>auths</c> entry; helpers are looked up on <paramref name="searchPath"/> (a PATH value).</summary>
    public async Task<AuthConfig?> GetAsync(string image, string? searchPath, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(logger);
        var registry = RegistryOf(image);
        var host = Hostname(registry);
        var helper = helpers.TryGetValue(host, out var perRegistry) ? perRegistry : credsStore;
        if (helper is not null)
        {
            var fromHelper = await FromHelperAsync(helper, registry, searchPath, logger, cancellationToken).ConfigureAwait(false);
            if (fromHelper is not null)
            {
                logger.RegistryCredentialsFound(registry, HelperPrefix + helper);
                return fromHelper;
            }
        }

        if (FromFile(registry) is { } fromFile)
        {
            logger.RegistryCredentialsFound(registry, Source);
            return fromFile;
        }

        logger.RegistryCredentialsNone(registry, Source);
        return null;
    }

    /// <summary>The <c>auths</c> entry of <paramref name="registry"/> (a key as <see cref="RegistryOf"/> returns), or null.</summary>
    public AuthConfig? FromFile(string registry)
    {
        // As the CLI: the exact key first, then any key naming the same host (https://host, host/v2/, ...).
        if (auths.TryGetValue(registry, out var exact))
        {
            return exact.ToAuthConfig(registry);
        }

        var host = Hostname(registry);
        foreach (var (key, credentials) in auths)
        {
            if (string.Equals(Hostname(key), host, StringComparison.OrdinalIgnoreCase))
            {
                return credentials.ToAuthConfig(registry);
            }
        }

        return null;
    }

    /// <summary>Asks <c>docker-credential-&lt;helper&gt; get</c> for <paramref name="registry"/>; null when the program is
    /// not on <paramref name="searchPath"/>, knows no credentials, fails or takes too long.</summary>
    public static async Task<AuthConfig?> FromHelperAsync(string helper, string registry, string? searchPath, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(logger);
        var program = FindProgram(HelperPrefix + helper, searchPath);
        if (program is null)
        {
            logger.CredentialHelperMissing(HelperPrefix + helper, registry);
            return null;
        }

        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("get");
        using var process = Process.Start(start);
        if (process is null)
        {
            logger.CredentialHelperEmpty(HelperPrefix + helper, registry, "it could not be started");
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(HelperTimeout);
        string output;
        try
        {
            // The protocol: the registry on stdin, then EOF; JSON with ServerURL, Username and Secret on stdout.
            await process.StandardInput.WriteAsync(registry.AsMemory(), timeout.Token).ConfigureAwait(false);
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            output = await stdout.ConfigureAwait(false);
            var errors = await stderr.ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                // On failure helpers print a message such as "credentials not found in native keychain", never a secret.
                logger.CredentialHelperEmpty(HelperPrefix + helper, registry, $"exit code {process.ExitCode}: {FirstLine(output + "\n" + errors)}");
                return null;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            logger.CredentialHelperEmpty(HelperPrefix + helper, registry, $"no answer within {HelperTimeout.TotalSeconds:0} s");
            return null;
        }
        catch (IOException e)
        {
            logger.CredentialHelperEmpty(HelperPrefix + helper, registry, e.Message);
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(output);
            var username = document.RootElement.StringProperty("Username");
            var secret = document.RootElement.StringProperty("Secret");
            if (secret is null)
            {
                logger.CredentialHelperEmpty(HelperPrefix + helper, registry, "its answer has no Secret");
                return null;
            }

            return username == IdentityTokenUser
                ? new AuthConfig { ServerAddress = registry, IdentityToken = secret }
                : new AuthConfig { ServerAddress = registry, Username = username, Password = secret };
        }
        catch (JsonException)
        {
            // The text may hold the secret: name the problem, not the content.
            logger.CredentialHelperEmpty(HelperPrefix + helper, registry, "its answer is not JSON");
            return null;
        }
    }

    private static AuthConfigs FromJson(JsonElement root, string source)
    {
        var auths = new Dictionary<string, Credentials>(StringComparer.OrdinalIgnoreCase);
        if (root.Property("auths") is { ValueKind: JsonValueKind.Object } entries)
        {
            foreach (var entry in entries.EnumerateObject())
            {
                if (Credentials.FromEntry(entry.Name, entry.Value, source) is { } credentials)
                {
                    auths[entry.Name] = credentials;
                }
            }
        }

        var helpers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (root.Property("credHelpers") is { ValueKind: JsonValueKind.Object } perRegistry)
        {
            foreach (var entry in perRegistry.EnumerateObject())
            {
                if (entry.Value.ValueKind == JsonValueKind.String && entry.Value.GetString() is { Length: > 0 } helper)
                {
                    helpers[Hostname(entry.Name)] = helper;
                }
            }
        }

        return new AuthConfigs(source, auths, helpers, root.StringProperty("credsStore"));
    }

    /// <summary>A config key reduced to its host, as the CLI compares them: no scheme, no path.</summary>
    private static string Hostname(string key)
    {
        var host = key.Trim();
        foreach (var scheme in new[] { "https://", "http://" })
        {
            if (host.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                host = host[scheme.Length..];
            }
        }

        var slash = host.IndexOf('/', StringComparison.Ordinal);
        return slash >= 0 ? host[..slash] : host;
    }

    private static string? FindProgram(string name, string? searchPath)
    {
        if (string.IsNullOrEmpty(searchPath))
        {
            return null;
        }

        var names = OperatingSystem.IsWindows() ? new[] { name + ".exe", name + ".cmd", name } : new[] { name };
        foreach (var directory in searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var candidate in names)
            {
                var path = Path.Combine(directory, candidate);
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }

        return null;
    }

    private static string FirstLine(string text)
    {
        var line = text.Trim().Split('\n')[0].Trim();
        return line.Length > 200 ? line[..200] + "…" : line;
    }

    /// <summary>One <c>auths</c> entry; deliberately without a <c>ToString</c> that shows its fields.</summary>
    private sealed class Credentials
    {
        private readonly string? username;
        private readonly string? password;
        private readonly string? identityToken;

        private Credentials(string? username, string? password, string? identityToken)
        {
            this.username = username;
            this.password = password;
            this.identityToken = identityToken;
        }

        public static Credentials? FromEntry(string key, JsonElement entry, string source)
        {
            var username = entry.StringProperty("username");
            var password = entry.StringProperty("password");
            if (entry.StringProperty("auth") is { } encoded)
            {
                string decoded;
                try
                {
                    decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
                }
                catch (FormatException e)
                {
                    throw new TestkitException(
                        $"The 'auth' of registry '{key}' in {source} is not base64. Log in again ('docker login') or remove that entry.", e);
                }

                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    throw new TestkitException(
                        $"The 'auth' of registry '{key}' in {source} is not base64 of 'user:password'. Log in again ('docker login') or remove that entry.");
                }

                (username, password) = (decoded[..colon], decoded[(colon + 1)..]);
            }

            var identityToken = entry.StringProperty("identitytoken");
            return username is null && password is null && identityToken is null ? null : new Credentials(username, password, identityToken);
        }

        public AuthConfig ToAuthConfig(string registry) =>
            new() { ServerAddress = registry, Username = username, Password = password, IdentityToken = identityToken };
    }
}
