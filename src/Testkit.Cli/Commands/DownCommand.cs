using System.ComponentModel;
using Spectre.Console.Cli;
using Testkit.Cli.Dev;
using Testkit.Cli.Dev.Modules;
using Testkit.Cli.Output;

namespace Testkit.Cli.Commands;

/// <summary><c>testkit down NAME [--volumes]</c>: stops and removes a dev service's containers and network; its data
/// stays unless <c>--volumes</c>.</summary>
[Description("Stop and remove a dev service (its data is kept unless --volumes).")]
internal sealed class DownCommand(Terminal terminal) : AsyncCommand<DownCommand.Settings>
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(30);

    /// <summary>The command line of <c>down</c>.</summary>
    internal sealed class Settings : JsonSettings
    {
        [CommandArgument(0, "<NAME>")]
        [Description("The dev service's name.")]
        public string Name { get; set; } = "";

        [CommandOption("-v|--volumes")]
        [Description("Also delete its data (volumes) and its record (password, port, version).")]
        public bool Volumes { get; set; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var engine = await DevEngine.ConnectAsync(leakProtection: false, cancellationToken).ConfigureAwait(false);
        var service = await DevCatalog.FindAsync(engine, DevNames.Validate(settings.Name), cancellationToken).ConfigureAwait(false);
        await terminal.WithStatusAsync($"Stopping {service.Module} '{service.Name}'…", async show =>
        {
            // A graceful stop, part by part in the module's order: the data is written out, and Kafka's broker leaves
            // ZooKeeper before ZooKeeper goes (a later 'up' would otherwise wait for the old session to expire).
            var order = (DevModule.Find(service.Module)?.Roles ?? []).ToList();
            foreach (var group in service.Containers.GroupBy(c => order.IndexOf(c.Role) is var i and >= 0 ? i : order.Count).OrderBy(g => g.Key))
            {
                show(string.Join(", ", group.Select(c => c.Name)));
                await Task.WhenAll(group.Where(c => c.Running).Select(c => DevEngine.StopAsync(engine, c.Id, StopGrace, cancellationToken))).ConfigureAwait(false);
            }

            await Task.WhenAll(service.Containers.Select(c => DevEngine.RemoveContainerAsync(engine, c.Id, cancellationToken))).ConfigureAwait(false);
            await DevEngine.RemoveNetworksAsync(engine, service.Name, cancellationToken).ConfigureAwait(false);

            if (settings.Volumes)
            {
                foreach (var volume in service.Volumes)
                {
                    show(volume);
                    await DevEngine.RemoveVolumeAsync(engine, volume, cancellationToken).ConfigureAwait(false);
                }

                DevRecords.Delete(service.Name);
            }

            return true;
        }).ConfigureAwait(false);

        var kept = settings.Volumes ? [] : service.Volumes;
        if (settings.Json)
        {
            Terminal.WriteJson(new
            {
                service.Name,
                service.Module,
                RemovedContainers = service.Containers.Select(c => c.Name),
                RemovedNetworks = service.Networks,
                RemovedVolumes = settings.Volumes ? service.Volumes : [],
                RemovedImages = Array.Empty<string>(),
                KeptVolumes = kept,
            });
            return ExitCodes.Ok;
        }

        var containers = service.Containers.Count == 0 ? "it had no containers left" : $"removed {string.Join(", ", service.Containers.Select(c => c.Name))}";
        terminal.Done($"{service.Module} '{service.Name}' is down: {containers}"
            + (settings.Volumes ? service.Volumes.Count == 0 ? "." : $", and its data ({string.Join(", ", service.Volumes)})." : "."));
        if (kept.Count > 0)
        {
            terminal.Note($"Its data is kept in {string.Join(", ", kept)}: 'testkit up' with the same name starts it again, 'testkit down {service.Name} --volumes' deletes it.");
        }

        return ExitCodes.Ok;
    }
}
