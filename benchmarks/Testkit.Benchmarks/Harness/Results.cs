namespace Testkit.Benchmarks.Harness;

/// <summary>The successful measurements of one row for one metric, and how many runs failed.</summary>
internal sealed record RowResult(Row Row, IReadOnlyList<TimeSpan> Samples, int Failures)
{
    public TimeSpan? Median => Samples.Count == 0 ? null : MedianOf(Samples);

    public TimeSpan? Min => Samples.Count == 0 ? null : Samples.Min();

    public TimeSpan? Max => Samples.Count == 0 ? null : Samples.Max();

    public static TimeSpan MedianOf(IReadOnlyList<TimeSpan> samples)
    {
        var sorted = samples.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}

/// <summary>One table: every row's results for one metric.</summary>
internal sealed record MetricResult(Metric Metric, IReadOnlyList<RowResult> Rows)
{
    public RowResult? Find(Tool tool, string @case) => Rows.FirstOrDefault(r => r.Row.Tool == tool && r.Row.Case == @case);
}

/// <summary>When a row's runs began each phase (e.g. "first answer", "produce"), as the median over its successful runs.</summary>
internal sealed record PhaseResult(Row Row, IReadOnlyList<(string Phase, TimeSpan MedianAt)> Phases)
{
    public static PhaseResult Of(Row row, IReadOnlyList<Laps> runs) => new(row, [.. runs
        .SelectMany(run => run.Phases)
        .GroupBy(p => p.Phase, StringComparer.Ordinal)
        .Select(g => (g.Key, RowResult.MedianOf([.. g.Select(p => p.At)])))]);
}

/// <summary>Everything one scenario measured, or why it did not run.</summary>
internal sealed record ScenarioResult(Scenario Scenario, IReadOnlyList<MetricResult> Metrics, string? FailedToRun = null)
{
    public IReadOnlyList<PhaseResult> Phases { get; init; } = [];
}
