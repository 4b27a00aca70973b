using System.Net.Sockets;
using System.Runtime.InteropServices;
using Docker.DotNet;
using Spectre.Console.Cli;
using Testkit;
using Testkit.Cli;
using Testkit.Cli.Commands;
using Testkit.Cli.Dev;
using Testkit.Cli.Output;
using Testkit.Engine;
using Testkit.Networks;

// The testkit command: dev services on demand. Every error ends here as one line on standard error and an exit code
// (see ExitCodes); results go to standard output.
using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Cancel instead of dying, so that a start in progress removes what it created.
    e.Cancel = true;
    interrupt.Cancel();
};
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
{
    signal.Cancel = true;
    interrupt.Cancel();
});

// A shell that points test runs at dev services must not make `up` attach to one instead of starting it.
Environment.SetEnvironmentVariable(Testkit.Containers.DevServices.EnvironmentVariable, null);

var terminal = new Terminal();
var app = new CommandApp();
var commands = new Dictionary<string, Type>(StringComparer.Ordinal);
app.Configure(config =>
{
    config.SetApplicationName("testkit");
    config.SetApplicationVersion(typeof(Terminal).Assembly.GetName().Version?.ToString(3) ?? "0");
    config.PropagateExceptions();

    // An unknown option is an error, not something to ignore ('up --prot 5433' started on 5432); after '--' everything
    // still belongs to the command that exec and psql run.
    config.UseStrictParsing();
    config.Settings.Registrar.RegisterInstance(terminal);
    Add<UpCommand>("up")
        .WithExample("up", "postgres")
        .WithExample("up", "postgres", "--name", "orders", "--port", "5433", "--version", "16")
        .WithExample("up", "redis", "--json")
        .WithExample("up", "-f", "docker-compose.yaml");
    Add<LsCommand>("ls").WithExample("ls").WithExample("ls", "--json");
    Add<LogsCommand>("logs").WithExample("logs", "postgres", "-f", "--tail", "50");
    Add<ExecCommand>("exec").WithExample("exec", "postgres", "--", "psql", "-U", "postgres", "-c", "select 1");
    Add<PsqlCommand>("psql").WithExample("psql", "postgres");
    Add<DownCommand>("down").WithExample("down", "postgres").WithExample("down", "postgres", "--volumes");
    Add<PruneCommand>("prune").WithExample("prune").WithExample("prune", "--idle", "0s", "--json");

    // Each command's type is kept by name, so that a parse error can name the command's options.
    ICommandConfigurator Add<TCommand>(string name)
        where TCommand : class, ICommand
    {
        commands[name] = typeof(TCommand);
        return config.AddCommand<TCommand>(name);
    }
});

try
{
    return await app.RunAsync(args, interrupt.Token);
}
catch (CliException e)
{
    terminal.Error(e.Message);
    return e.ExitCode;
}
catch (CommandParseException e) when (CommandLineErrors.Explain(e, args, commands) is { } explained)
{
    terminal.Error(explained);
    return ExitCodes.Usage;
}
catch (CommandAppException e)
{
    terminal.Error($"{e.Message.TrimEnd('.')}. 'testkit --help' lists the commands, 'testkit COMMAND --help' their options.");
    return ExitCodes.Usage;
}
catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
{
    terminal.Error("Interrupted; what this command had started to create was removed.");
    return ExitCodes.Interrupted;
}
catch (EngineUnavailableException e)
{
    terminal.Error(e.Message.ReplaceLineEndings(" "));
    return ExitCodes.EngineUnavailable;
}
catch (Exception e) when (e is HttpRequestException or SocketException || e is IOException && e.InnerException is SocketException)
{
    terminal.Error($"Lost the container engine: {e.GetBaseException().Message}. Check that it still runs ('docker info').");
    return ExitCodes.EngineUnavailable;
}
catch (Exception e) when (DevServiceUp.IsNameConflict(e) || e is TestkitException && e.Message.Contains("is already in use", StringComparison.Ordinal))
{
    // Another process took the name or the port between the checks and the start.
    terminal.Error(FirstLine(e is DockerApiException api ? EngineErrorText.Of(api) : e.Message));
    return ExitCodes.Conflict;
}
catch (TestkitException e)
{
    // A start that failed: the first line says why; the rest (the container's last log lines, secrets masked) helps fix it.
    var lines = e.Message.Split('\n', StringSplitOptions.TrimEntries);
    terminal.Error(lines[0]);
    foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
    {
        terminal.Note("  " + line);
    }

    return ExitCodes.Failed;
}
catch (DockerApiException e)
{
    terminal.Error($"The engine refused: {EngineErrorText.Of(e)}.");
    return ExitCodes.Failed;
}

static string FirstLine(string text) => text.Split('\n')[0].Trim();
