using System.ComponentModel;
using Spectre.Console.Cli;
using Testkit.Cli.Dev;

namespace Testkit.Cli.Commands;

/// <summary><c>testkit exec NAME -- CMD…</c>: runs a command in a dev service's container and exits with its exit code.</summary>
[Description("Run a command inside a dev service's container: testkit exec NAME -- CMD [[ARGS…]]. Exits with the command's exit code.")]
internal sealed class ExecCommand : AsyncCommand<ExecCommand.Settings>
{
    /// <summary>The command line of <c>exec</c>.</summary>
    internal sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<NAME>")]
        [Description("The dev service's name.")]
        public string Name { get; set; } = "";

        [CommandOption("-s|--service <PART>")]
        [Description("Which container: zookeeper for kafka, the service for a compose stack (default: the main one).")]
        public string? Service { get; set; }

        [CommandOption("-i|--interactive")]
        [Description("Pass this command's standard input to the command (e.g. testkit exec db -i -- psql < dump.sql).")]
        public bool Interactive { get; set; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        var command = context.Remaining.Raw.ToList();
        if (command.Count == 0)
        {
            throw CliException.Usage($"Give the command after '--': testkit exec {settings.Name} -- CMD [ARGS…].");
        }

        var engine = await DevEngine.ConnectAsync(leakProtection: false, cancellationToken).ConfigureAwait(false);
        var container = (await DevCatalog.FindAsync(engine, DevNames.Validate(settings.Name), cancellationToken).ConfigureAwait(false)).Pick(settings.Service);
        if (!container.Running)
        {
            throw CliException.Conflict($"{container.Name} is not running ({container.State}): 'testkit down {settings.Name}' then 'testkit up' starts it again.");
        }

        return await DevExec.RunAsync(engine, container.Id, command, settings.Interactive, tty: false, cancellationToken).ConfigureAwait(false);
    }
}
