using System.ComponentModel;
using System.Diagnostics;
using Spectre.Console.Cli;
using Testkit.Cli.Dev;
using Testkit.Cli.Output;
using Testkit.Engine;

namespace Testkit.Cli.Commands;

/// <summary><c>testkit psql NAME</c>: an interactive psql inside a postgres dev service, as its superuser, through the
/// container's Unix socket (no password needed). Through <c>docker exec -it</c> when the docker CLI is on PATH, else
/// through the Engine API's exec with a TTY, the terminal in raw mode meanwhile.</summary>
[Description("Open an interactive psql inside a postgres dev service (extra psql arguments after '--').")]
internal sealed class PsqlCommand(Terminal terminal) : AsyncCommand<PsqlCommand.Settings>
{
    /// <summary>The command line of <c>psql</c>.</summary>
    internal sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<NAME>")]
        [Description("The postgres dev service's name.")]
        public string Name { get; set; } = "";

        [CommandOption("--no-docker-cli")]
        [Description("Use the Engine API's exec even when the docker CLI is on PATH.")]
        public bool NoDockerCli { get; set; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        var engine = await DevEngine.ConnectAsync(leakProtection: false, cancellationToken).ConfigureAwait(false);
        var service = await DevCatalog.FindAsync(engine, DevNames.Validate(settings.Name), cancellationToken).ConfigureAwait(false);
        if (service.Module != "postgres")
        {
            throw CliException.Usage($"'{service.Name}' is a {service.Module} dev service; psql needs a postgres one (for others: testkit exec {service.Name} -- CMD).");
        }

        var container = service.Pick(null);
        if (!container.Running)
        {
            throw CliException.Conflict($"{container.Name} is not running ({container.State}): 'testkit down {service.Name}' then 'testkit up postgres --name {service.Name}'.");
        }

        var environment = (await engine.Client.Containers.InspectContainerAsync(container.Id, cancellationToken).ConfigureAwait(false)).Config?.Env ?? [];
        string Variable(string name, string fallback) => environment.FirstOrDefault(e => e.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..] ?? fallback;
        var user = Variable("POSTGRES_USER", "postgres");
        List<string> command = ["psql", "--username", user, "--dbname", Variable("POSTGRES_DB", user), .. context.Remaining.Raw];
        var tty = !Console.IsInputRedirected && !Console.IsOutputRedirected;
        if (!settings.NoDockerCli && FindOnPath("docker") is { } docker)
        {
            return await ThroughDockerCliAsync(docker, engine, container.Name, command, tty).ConfigureAwait(false);
        }

        terminal.Note(settings.NoDockerCli ? "Through the Engine API (--no-docker-cli)." : "The docker CLI is not on PATH: through the Engine API.");

        // Ctrl-C belongs to psql (it cancels the running query), not to this command.
        return await DevExec.RunAsync(engine, container.Id, command, input: true, tty, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary><c>docker exec -it</c>: the CLI does the terminal's raw mode, resizing and signals as users know them.</summary>
    private static async Task<int> ThroughDockerCliAsync(string docker, DockerEngine engine, string container, IReadOnlyList<string> command, bool tty)
    {
        var start = new ProcessStartInfo(docker) { UseShellExecute = false };

        // The engine this command found, not whatever the CLI would pick (a TLS endpoint keeps the CLI's own settings).
        if (engine.Endpoint.Tls is null && engine.Endpoint.Uri.Scheme is "unix" or "tcp")
        {
            start.ArgumentList.Add("--host");
            start.ArgumentList.Add(engine.Endpoint.Uri.ToString());
        }

        foreach (var argument in (IEnumerable<string>)["exec", tty ? "-it" : "-i", container, .. command])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new CliException($"Could not start {docker}.");

        // Ctrl-C belongs to psql (it cancels the running query): wait for it without this command's cancellation.
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        return process.ExitCode;
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
}
