using System.ComponentModel;
using Spectre.Console.Cli;
using Testkit.Cli.Dev;
using Testkit.Cli.Output;

namespace Testkit.Cli.Commands;

/// <summary><c>testkit ls</c>: the dev services on the engine, with status, ports, image and uptime.</summary>
[Description("List dev services: status, ports, image, uptime (and those that are down with their data kept).")]
internal sealed class LsCommand(Terminal terminal) : AsyncCommand<JsonSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, JsonSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var engine = await DevEngine.ConnectAsync(leakProtection: false, cancellationToken).ConfigureAwait(false);
        var services = await DevCatalog.ListAsync(engine, name: null, cancellationToken).ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow;
        if (settings.Json)
        {
            Terminal.WriteJson(new
            {
                Services = services.Select(s => new
                {
                    s.Name,
                    s.Module,
                    s.Status,
                    s.Volumes,
                    s.Networks,
                    Containers = s.Containers.Select(c => new
                    {
                        c.Name,
                        c.Role,
                        c.State,
                        c.Health,
                        c.Image,
                        c.EngineImage,
                        c.Ports,
                        c.StartedAt,
                        UptimeSeconds = c.StartedAt is { } started ? Math.Round((now - started).TotalSeconds) : (double?)null,
                    }),
                }),
            });
            return ExitCodes.Ok;
        }

        if (services.Count == 0)
        {
            terminal.Note("No dev services. Start one with 'testkit up postgres' (or redis, kafka, or -f docker-compose.yaml).");
            return ExitCodes.Ok;
        }

        var rows = new List<IReadOnlyList<string>>();
        foreach (var service in services)
        {
            if (service.Containers.Count == 0)
            {
                rows.Add([service.Name, service.Module, "down (data kept)", "-", "-", "-"]);
                continue;
            }

            foreach (var container in service.Containers)
            {
                var state = container.Health is { } health ? $"{container.State} ({health})" : container.State;
                rows.Add([
                    container.Role == DevLabels.MainRole ? service.Name : $"{service.Name}/{container.Role}",
                    service.Module,
                    state,
                    container.Ports.Count == 0 ? "-" : string.Join(", ", container.Ports.Select(p => $"{p.HostIp}:{p.HostPort}->{p.ContainerPort}")),
                    container.Image,
                    container.StartedAt is { } started ? Uptime(now - started) : "-",
                ]);
            }
        }

        terminal.Table(["NAME", "MODULE", "STATUS", "PORTS", "IMAGE", "UPTIME"], rows,
            (column, cell) => column != 2 ? null : cell.StartsWith("running", StringComparison.Ordinal) ? "green" : cell.StartsWith("down", StringComparison.Ordinal) ? "grey" : "yellow");
        return ExitCodes.Ok;
    }

    private static string Uptime(TimeSpan up) => up switch
    {
        { TotalDays: >= 1 } => $"{(int)up.TotalDays}d {up.Hours}h",
        { TotalHours: >= 1 } => $"{(int)up.TotalHours}h {up.Minutes}m",
        { TotalMinutes: >= 1 } => $"{(int)up.TotalMinutes}m {up.Seconds}s",
        _ => $"{Math.Max(0, (int)up.TotalSeconds)}s",
    };
}
