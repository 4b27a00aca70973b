using System.ComponentModel;
using Spectre.Console.Cli;
using Testkit.Cleanup;
using Testkit.Cli.Dev;
using Testkit.Cli.Output;
using Testkit.Containers.Reuse;

namespace Testkit.Cli.Commands;

/// <summary><c>testkit prune</c>: removes what dead test sessions on this host left behind, and reused containers idle
/// for too long. Dev services are never touched (they are labelled to be kept).</summary>
[Description("Remove what dead test sessions left behind and idle reused containers (dev services are never touched).")]
internal sealed class PruneCommand(Terminal terminal) : AsyncCommand<PruneCommand.Settings>
{
    /// <summary>The command line of <c>prune</c>.</summary>
    internal sealed class Settings : JsonSettings
    {
        [CommandOption("--idle <DURATION>")]
        [Description("Remove reused containers unused for this long, e.g. 30m, 2h, 0s for all (default: TESTKIT_REUSE_IDLE, else 1h).")]
        public string? Idle { get; set; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        TimeSpan idle;
        try
        {
            idle = settings.Idle is null ? ContainerReuse.IdleTimeout : Testkit.Formats.Durations.Parse(settings.Idle);
        }
        catch (FormatException e)
        {
            throw CliException.Usage($"--idle: {e.Message}.");
        }

        // Without leak protection: its background sweep would race this one and leave nothing to report.
        var engine = await DevEngine.ConnectAsync(leakProtection: false, cancellationToken).ConfigureAwait(false);
        var (sweep, reused) = await terminal.WithStatusAsync("Looking for what dead test sessions left behind…", async show =>
        {
            var swept = await DeadSessionSweep.RunAsync(engine, cancellationToken).ConfigureAwait(false);
            show("and for idle reused containers…");
            return (swept, await ContainerReuse.PruneAsync(idle, cancellationToken).ConfigureAwait(false));
        }).ConfigureAwait(false);

        if (settings.Json)
        {
            Terminal.WriteJson(new
            {
                sweep.DeadSessions,
                sweep.Removed,
                Failures = sweep.Failures.Select(f => new { f.Resource, f.Reason }),
                ReusedContainersRemoved = reused,
                ReusedIdleSeconds = idle.TotalSeconds,
            });
        }
        else
        {
            terminal.Done(sweep.Removed == 0 && sweep.DeadSessions == 0
                ? "No test session on this host left anything behind."
                : $"Removed {Plural(sweep.Removed, "resource")} left by {Plural(sweep.DeadSessions, "dead test session")}.");
            terminal.Done(reused.Count == 0
                ? $"No reused container has been idle for {idle}."
                : $"Removed {Plural(reused.Count, "reused container")} idle for {idle} or more: {string.Join(", ", reused)}.");
            foreach (var (resource, reason) in sweep.Failures)
            {
                terminal.Warn($"{resource} could not be removed: {reason}");
            }
        }

        return sweep.Failures.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static string Plural(int count, string noun) => $"{count} {noun}{(count == 1 ? "" : "s")}";
}
