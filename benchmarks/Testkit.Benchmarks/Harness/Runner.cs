using System.Diagnostics;

namespace Testkit.Benchmarks.Harness;

/// <summary>Runs the rows of a scenario in rounds, one run of each row per round (ABC, BCA, CAB…): every row sees
/// the same stretch of a noisy machine, and no row always follows the same neighbour. Warm-up rounds come first
/// and are not counted: they pay for JIT, first engine connections and the page cache.</summary>
internal sealed class Runner(BenchOptions options, TextWriter progress)
{
    public async Task<ScenarioResult> RunAsync(Scenario scenario, CancellationToken cancellationToken)
    {
        progress.WriteLine($"[bench] {scenario.Title}: set-up");
        try
        {
            IReadOnlyList<Row> rows;
            try
            {
                rows = [.. (await scenario.SetUpAsync(cancellationToken)).Where(r => options.Tools?.Contains(r.Tool) ?? true)];
            }
            catch (ScenarioSkippedException e)
            {
                progress.WriteLine($"[bench] {scenario.Title}: skipped: {e.Message}");
                return new ScenarioResult(scenario, [], e.Message);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                progress.WriteLine($"[bench] {scenario.Title}: set-up failed: {e.Message}");
                return new ScenarioResult(scenario, [], $"set-up failed: {e.Message}");
            }

            if (rows.Count == 0)
            {
                return new ScenarioResult(scenario, [], "no rows to run");
            }

            var samples = rows.ToDictionary(r => r, _ => new List<Laps>());
            var failures = rows.ToDictionary(r => r, _ => 0);
            var runs = scenario.RunsPerRow ?? options.Runs;
            var rounds = options.Warmups + runs;
            for (var round = 0; round < rounds; round++)
            {
                var warmup = round < options.Warmups;
                foreach (var row in Rotate(rows, round))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var label = warmup ? $"warm-up {round + 1}/{options.Warmups}" : $"run {round - options.Warmups + 1}/{runs}";
                    var laps = await RunOnceAsync(row, label, cancellationToken);
                    if (!warmup)
                    {
                        if (laps is null)
                        {
                            failures[row]++;
                        }
                        else
                        {
                            samples[row].Add(laps);
                        }
                    }

                    // Lets the engine finish what the previous removal started in the background (unmounts, proxies).
                    await Task.Delay(options.Pause, cancellationToken);
                }
            }

            var metrics = scenario.Metrics.Select(metric => new MetricResult(metric, [.. rows.Select(row => new RowResult(
                row,
                [.. samples[row].Where(l => l.All.ContainsKey(metric.Lap)).Select(l => l.All[metric.Lap])],
                failures[row]))])).ToList();
            return new ScenarioResult(scenario, metrics) { Phases = [.. rows.Where(r => samples[r].Count > 0).Select(r => PhaseResult.Of(r, samples[r]))] };
        }
        finally
        {
            await scenario.DisposeAsync();
        }
    }

    private async Task<Laps?> RunOnceAsync(Row row, string label, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.RunTimeout);
        var laps = new Laps();
        var clock = Stopwatch.StartNew();
        try
        {
            await row.RunOnceAsync(laps, timeout.Token);
            progress.WriteLine($"[bench]   {label,-13} {row.Name,-44} {string.Join(", ", laps.All.Select(l => $"{l.Key} {Format.Duration(l.Value)}"))}"
                + (laps.PhaseTimes.Length == 0 ? "" : $"  [{laps.PhaseTimes}]"));
            return laps;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var reason = timeout.IsCancellationRequested
                ? $"timed out after {options.RunTimeout.TotalSeconds:0} s in phase '{laps.Phase}'"
                : $"{e.GetType().Name} in phase '{laps.Phase}': {e.Message}";
            progress.WriteLine($"[bench]   {label,-13} {row.Name,-44} FAILED after {Format.Duration(clock.Elapsed)}: {reason}");
            return null;
        }
    }

    private static IEnumerable<Row> Rotate(IReadOnlyList<Row> rows, int round) =>
        Enumerable.Range(0, rows.Count).Select(i => rows[(i + round) % rows.Count]);
}
