using System.ComponentModel;
using System.Globalization;
using Spectre.Console.Cli;
using Testkit.Cli.Dev;
using Testkit.Cli.Dev.Modules;
using Testkit.Cli.Output;

namespace Testkit.Cli.Commands;

/// <summary><c>testkit up postgres|redis|kafka</c> and <c>testkit up -f docker-compose.yaml</c>.</summary>
[Description("Start a dev service (postgres, redis, kafka) or a compose stack that stays up after the command exits.")]
internal sealed class UpCommand(Terminal terminal) : AsyncCommand<UpCommand.Settings>
{
    /// <summary>The command line of <c>up</c>.</summary>
    internal sealed class Settings : JsonSettings
    {
        [CommandArgument(0, "[MODULE]")]
        [Description("postgres, redis or kafka (or none with -f).")]
        public string? Module { get; set; }

        [CommandOption("-f|--file <FILE>")]
        [Description("A compose file to run as a dev stack; repeat for override files.")]
        public string[] Files { get; set; } = [];

        [CommandOption("-n|--name <NAME>")]
        [Description("The service's name (default: the module's name, or the compose project's).")]
        public string? Name { get; set; }

        [CommandOption("-p|--port <PORT>")]
        [Description("The host port on 127.0.0.1 (default: the one on record from the last up, else the module's standard port: 5432, 6379, 9092).")]
        public int? Port { get; set; }

        [CommandOption("--version <TAG>")]
        [Description("The image tag, e.g. 15 for postgres:15 (default: the one on record from the last up, else 15, 7, 7.6.1).")]
        public string? Version { get; set; }

        [CommandOption("--password <PASSWORD>")]
        [Description("The password (default: generated once and kept in ~/.testkit/dev/NAME.json).")]
        public string? Password { get; set; }

        [CommandOption("--profile <PROFILE>")]
        [Description("A compose profile to enable; repeat for several.")]
        public string[] Profiles { get; set; } = [];

        [CommandOption("--timeout <SECONDS>")]
        [Description("How long each container may take to become ready (default: 300).")]
        public int TimeoutSeconds { get; set; } = 300;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.TimeoutSeconds <= 0)
        {
            throw CliException.Usage("--timeout must be a positive number of seconds, e.g. --timeout 300.");
        }

        var timeout = TimeSpan.FromSeconds(settings.TimeoutSeconds);
        if (settings.Files.Length > 0)
        {
            return await ComposeAsync(settings, timeout, cancellationToken).ConfigureAwait(false);
        }

        var module = settings.Module is null
            ? throw CliException.Usage($"Name what to start: 'testkit up {string.Join("|", DevModule.All.Select(m => m.Name))}', or 'testkit up -f docker-compose.yaml'.")
            : DevModule.Find(settings.Module)
              ?? throw CliException.Usage($"Unknown module '{settings.Module}': choose {string.Join(", ", DevModule.All.Select(m => m.Name))}, or run a compose file with -f.");
        if (settings.Profiles.Length > 0)
        {
            throw CliException.Usage("--profile applies to compose files: add -f docker-compose.yaml, or leave it out.");
        }

        if (!module.UsesPassword && settings.Password is not null)
        {
            throw CliException.Usage($"{module.Name} dev services have no password: leave out --password.");
        }

        if (settings.Password is { Length: 0 })
        {
            throw CliException.Usage("--password cannot be empty: leave it out for a generated one.");
        }

        var name = DevNames.Validate(settings.Name ?? module.Name);
        if (settings.Port is < 1 or > 65535)
        {
            throw CliException.Usage($"--port {settings.Port} is not a port: use 1 to 65535.");
        }

        if (settings.Version is { } version && (version.Length == 0 || version.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))))
        {
            throw CliException.Usage($"--version '{version}' is not an image tag: use letters, digits, '.', '-' and '_', e.g. --version {module.DefaultVersion}.");
        }

        var engine = await DevEngine.ConnectAsync(leakProtection: true, cancellationToken).ConfigureAwait(false);
        var result = await DevServiceUp.RunAsync(engine, module, name, settings.Port, settings.Version, settings.Password, timeout, terminal, cancellationToken).ConfigureAwait(false);
        if (settings.Json)
        {
            Terminal.WriteJson(result);
            return ExitCodes.Ok;
        }

        var where = $"{result.Image} on {result.Host}:{result.Port}, data in {string.Join(", ", result.Volumes)}";
        terminal.Done(result.AlreadyRunning
            ? $"{module.Name} '{name}' is already running: {where}"
            : $"{module.Name} '{name}' is up in {result.StartSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s: {where}{(result.NewData ? " (new)" : " (kept from before)")}");
        terminal.Result("Connection string:", result.ConnectionString);
        if (result.Url is not null)
        {
            terminal.Result("URL:              ", result.Url);
        }

        if (result.Details.TryGetValue("brokerVersion", out var brokerVersion) && brokerVersion.StartsWith("0.", StringComparison.Ordinal))
        {
            terminal.Note($"Kafka {brokerVersion}: librdkafka clients need api.version.request=false and broker.version.fallback={brokerVersion}.");
        }

        terminal.Note(module.Name == "postgres"
            ? $"Next: 'testkit psql {name}' for a prompt; 'testkit down {name}' stops it and keeps the data ('--volumes' deletes it)."
            : $"Next: 'testkit logs {name}'; 'testkit down {name}' stops it and keeps the data ('--volumes' deletes it).");
        return ExitCodes.Ok;
    }

    private async Task<int> ComposeAsync(Settings settings, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (settings.Module is not null || settings.Port is not null || settings.Version is not null || settings.Password is not null)
        {
            throw CliException.Usage("With -f the compose file says what runs: leave out the module, --port, --version and --password.");
        }

        if (settings.Name is not null)
        {
            DevNames.Validate(settings.Name);
        }

        var engine = await DevEngine.ConnectAsync(leakProtection: true, cancellationToken).ConfigureAwait(false);
        var result = await ComposeDevStack.UpAsync(engine, settings.Files, settings.Name, settings.Profiles, timeout, terminal, cancellationToken).ConfigureAwait(false);
        if (settings.Json)
        {
            Terminal.WriteJson(result);
            return ExitCodes.Ok;
        }

        terminal.Done($"Compose stack '{result.Name}' is up in {result.StartSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s ({result.Services.Count} containers).");
        terminal.Table(
            ["SERVICE", "CONTAINER", "STATE", "PORTS"],
            [.. result.Services.Select(s => (IReadOnlyList<string>)[s.Service, s.Container, s.State, s.Ports.Count == 0 ? "-" : string.Join(", ", s.Ports)])]);
        terminal.Note($"Next: 'testkit logs {result.Name} --service SERVICE'; 'testkit down {result.Name}' stops it and keeps the data ('--volumes' deletes it).");
        return ExitCodes.Ok;
    }
}
