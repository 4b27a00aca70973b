using System.ComponentModel;
using Docker.DotNet.Models;
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

        var exec = await engine.Client.Exec.CreateContainerExecAsync(container.Id, new ContainerExecCreateParameters
        {
            Cmd = command,
            AttachStdin = settings.Interactive,
            AttachStdout = true,
            AttachStderr = true,
        }, cancellationToken).ConfigureAwait(false);
        using var stream = await engine.Client.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters(), cancellationToken).ConfigureAwait(false);
        if (settings.Interactive)
        {
            // Not awaited: a command that stops reading (or never reads) must not wait for this process's input to end.
            _ = Task.Run(async () =>
            {
                // File descriptor 0 itself: .NET's console stream would edit and echo lines on a terminal.
                await using var input = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(0, ownsHandle: false), FileAccess.Read, 1);
                await stream.CopyFromAsync(input, cancellationToken).ConfigureAwait(false);
                stream.CloseWrite();
            }, cancellationToken);
        }

        await using (var stdout = Console.OpenStandardOutput())
        await using (var stderr = Console.OpenStandardError())
        {
            await stream.CopyOutputToAsync(Stream.Null, stdout, stderr, cancellationToken).ConfigureAwait(false);
        }

        var inspect = await engine.Client.Exec.InspectContainerExecAsync(exec.ID, cancellationToken).ConfigureAwait(false);
        return (int)Math.Clamp(inspect.ExitCode ?? ExitCodes.Failed, 0, 255);
    }
}
