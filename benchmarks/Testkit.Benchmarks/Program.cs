using System.Runtime.InteropServices;
using System.Text;
using Testkit.Benchmarks.Harness;
using Testkit.Benchmarks.Micro;
using Testkit.Benchmarks.Scenarios;

// Two modes: the side-by-side run against Testcontainers and the docker CLI (default), and BenchmarkDotNet over the
// SDK's own code paths without containers ("micro").
if (args is ["micro", .. var microArgs])
{
    return MicroBenchmarks.Run(microArgs);
}

if (args is ["--help" or "-h", ..])
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

Scenario[] all = [new PostgresScenario(), new RedisScenario(), new TogetherScenario(), new KafkaScenario(), new PerTestDatabaseScenario()];
var unknown = options.Scenarios?.Except(all.Select(s => s.Key), StringComparer.OrdinalIgnoreCase).ToList() ?? [];
if (unknown.Count > 0)
{
    Console.Error.WriteLine($"Unknown scenario(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", all.Select(s => s.Key))}.");
    return 2;
}

// Ctrl-C or SIGTERM cancels: every row disposes what it made, then the sweep runs. A second signal ends the process at once.
using var cancellation = new CancellationTokenSource();
var signals = 0;
void Cancel(PosixSignalContext context)
{
    if (Interlocked.Increment(ref signals) == 1)
    {
        context.Cancel = true;
        Console.Error.WriteLine("[bench] cancelling: removing what this run created (press Ctrl-C again to quit at once)");
        cancellation.Cancel();
    }
}

using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);

BenchRun.Id = options.RunId;
var progress = Console.Out;
var results = new List<ScenarioResult>();
var cancelled = false;
var failed = false;
try
{
    await CompetitorEnvironment.ConfigureAsync(cancellation.Token);
    var runner = new Runner(options, progress);
    foreach (var scenario in all.Where(s => options.Scenarios?.Contains(s.Key) ?? true))
    {
        var result = await runner.RunAsync(scenario, cancellation.Token);
        results.Add(result);
        progress.WriteLine();
        progress.WriteLine(Report.ToMarkdown(result));
    }
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    cancelled = true;
}
catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
{
    // No docker CLI, or no engine behind it: the floors and the sweep need both. Say so instead of a stack trace.
    Console.Error.WriteLine($"[bench] stopped: {e.Message}. Is the engine up (./eng/setup.sh) and the docker CLI on PATH?");
    failed = true;
}
finally
{
    await BenchRun.SweepAsync(progress);
}

var markdown = new StringBuilder()
    .AppendLine("## Settings").AppendLine()
    .AppendLine($"- {options.Runs} measured runs per row after {options.Warmups} warm-up run(s); rows alternate, the order rotating each round (ABC, BCA, CAB…); {options.Pause.TotalMilliseconds:0} ms pause after each run.")
    .AppendLine($"- Images (official name → what every row runs): {string.Join("; ", LocalImages.All.Select(i => $"`{i.Official}` → `{i.Local}`"))}.")
    .AppendLine($"- {CompetitorEnvironment.Describe()}.")
    .AppendLine($"- Label on every container, network and image made outside Testkit: `{BenchRun.LabelArgument}`.")
    .AppendLine()
    .AppendJoin(Environment.NewLine, results.Select(Report.ToMarkdown))
    .AppendLine(cancelled || failed ? "**Stopped before the end: the tables above are incomplete.**" : "")
    .ToString();
progress.WriteLine("=============================== results ===============================");
progress.WriteLine(markdown);
if (options.OutFile is { } outFile)
{
    await File.WriteAllTextAsync(outFile, markdown, CancellationToken.None);
    progress.WriteLine($"[bench] tables written to {outFile}");
}

return cancelled ? 130 : failed ? 1 : 0;
