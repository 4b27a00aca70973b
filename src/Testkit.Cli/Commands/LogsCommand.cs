using System.ComponentModel;
using System.Globalization;
using Docker.DotNet.Models;
using Spectre.Console.Cli;
using Testkit.Cli.Dev;
using Testkit.Containers;

namespace Testkit.Cli.Commands;

/// <summary><c>testkit logs NAME [-f] [--tail N]</c>: what a dev service's container wrote, standard error to standard error.</summary>
[Description("Show a dev service's logs (-f follows them until Ctrl-C).")]
internal sealed class LogsCommand : AsyncCommand<LogsCommand.Settings>
{
    /// <summary>The command line of <c>logs</c>.</summary>
    internal sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<NAME>")]
        [Description("The dev service's name.")]
        public string Name { get; set; } = "";

        [CommandOption("-f|--follow")]
        [Description("Keep printing new lines until Ctrl-C.")]
        public bool Follow { get; set; }

        [CommandOption("-n|--tail <LINES>")]
        [Description("Only the last LINES lines.")]
        public int? Tail { get; set; }

        [CommandOption("-s|--service <PART>")]
        [Description("Which container: zookeeper for kafka, the service for a compose stack (default: the main one).")]
        public string? Service { get; set; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Tail is < 0)
        {
            throw CliException.Usage("--tail takes a number of lines, 0 or more.");
        }

        var engine = await DevEngine.ConnectAsync(leakProtection: false, cancellationToken).ConfigureAwait(false);
        var container = (await DevCatalog.FindAsync(engine, DevNames.Validate(settings.Name), cancellationToken).ConfigureAwait(false)).Pick(settings.Service);
        using var stream = await engine.Client.Containers.GetContainerLogsAsync(container.Id, new ContainerLogsParameters
        {
            ShowStdout = true,
            ShowStderr = true,
            Follow = settings.Follow,
            Tail = settings.Tail?.ToString(CultureInfo.InvariantCulture) ?? "all",
        }, cancellationToken).ConfigureAwait(false);
        try
        {
            await foreach (var line in MultiplexedLogReader.ReadLinesAsync(stream, cancellationToken).ConfigureAwait(false))
            {
                (line.IsError ? Console.Error : Console.Out).WriteLine(line.Text);
            }
        }
        catch (OperationCanceledException) when (settings.Follow && cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C is how following ends: not an error.
        }

        return ExitCodes.Ok;
    }
}
