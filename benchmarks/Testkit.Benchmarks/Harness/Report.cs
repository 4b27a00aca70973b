using System.Text;

namespace Testkit.Benchmarks.Harness;

/// <summary>Markdown: one table per metric with median, min and max, and the ratio of medians to Testcontainers and
/// to the floor (rows of the same case), then the goals of issue 9 checked on it.</summary>
internal static class Report
{
    public static string ToMarkdown(ScenarioResult result)
    {
        var text = new StringBuilder();
        text.AppendLine($"## {result.Scenario.Title}").AppendLine();
        if (result.FailedToRun is { } reason)
        {
            text.AppendLine($"Not measured: {reason}.").AppendLine();
        }

        foreach (var metric in result.Metrics)
        {
            AppendTable(text, metric);
        }

        AppendPhases(text, result.Phases);

        foreach (var note in result.Scenario.Notes)
        {
            text.AppendLine($"- {note}");
        }

        if (result.Scenario.Notes.Count > 0)
        {
            text.AppendLine();
        }

        return text.ToString();
    }

    private static void AppendTable(StringBuilder text, MetricResult metric)
    {
        var hasTestcontainers = metric.Rows.Any(r => r.Row.Tool == Tool.Testcontainers);
        var floor = metric.Rows.Select(r => r.Row.Tool).FirstOrDefault(Row.IsFloor, Tool.Testkit);
        var hasFloor = floor != Tool.Testkit;
        text.AppendLine($"### {metric.Metric.Title}").AppendLine();
        text.Append("| | median | min | max |");
        text.Append(hasTestcontainers ? " × Testcontainers |" : "").Append(hasFloor ? " × floor |" : "").AppendLine(" runs |");
        text.Append("|---|---:|---:|---:|").Append(hasTestcontainers ? "---:|" : "").Append(hasFloor ? "---:|" : "").AppendLine("---:|");
        foreach (var row in metric.Rows)
        {
            text.Append($"| {row.Row.Name} | {Duration(row.Median)} | {Duration(row.Min)} | {Duration(row.Max)} |");
            if (hasTestcontainers)
            {
                text.Append($" {RatioTo(metric, row, Tool.Testcontainers)} |");
            }

            if (hasFloor)
            {
                text.Append($" {RatioTo(metric, row, floor)} |");
            }

            text.AppendLine(row.Failures == 0 ? $" {row.Samples.Count} |" : $" {row.Samples.Count} ({row.Failures} failed) |");
        }

        text.AppendLine();
        foreach (var goal in metric.Metric.Goals)
        {
            var check = goal.Check(metric);
            text.AppendLine(check is null
                ? $"- Goal: {goal.Text}: not measured (a row it needs has no successful run)."
                : $"- Goal: {goal.Text}: measured {check.Measured}, **{(check.Met ? "met" : "not met")}**.");
        }

        if (metric.Metric.Goals.Length > 0)
        {
            text.AppendLine();
        }
    }

    // Where a run's time went: a column per phase, in the order the runs entered them. Only where a probe has phases of its
    // own (Kafka's produce, then consume): otherwise the phases are the start lap's end and the dispose, as in the tables.
    private static void AppendPhases(StringBuilder text, IReadOnlyList<PhaseResult> rows)
    {
        var phases = rows.SelectMany(r => r.Phases.Select(p => p.Phase)).Distinct(StringComparer.Ordinal).ToList();
        if (phases.Count <= 2)
        {
            return;
        }

        text.AppendLine("Where the time went: median time from the start of a run at which each phase began.").AppendLine();
        text.Append("| |").AppendJoin("", phases.Select(p => $" {p} |")).AppendLine();
        text.Append("|---|").AppendJoin("", phases.Select(_ => "---:|")).AppendLine();
        foreach (var row in rows)
        {
            text.Append($"| {row.Row.Name} |");
            foreach (var phase in phases)
            {
                var at = row.Phases.FirstOrDefault(p => p.Phase == phase);
                text.Append(at.Phase is null ? " — |" : $" {Format.Duration(at.MedianAt)} |");
            }

            text.AppendLine();
        }

        text.AppendLine();
    }

    // To the baseline's row of the same case, else to its row without a case (a variant such as "snapshot starts off").
    private static string RatioTo(MetricResult metric, RowResult row, Tool baseline) =>
        row.Row.Tool != baseline && row.Median is { } median && (metric.Find(baseline, row.Row.Case) ?? metric.Find(baseline, ""))?.Median is { } other
            ? Format.Ratio(median / other)
            : "";

    private static string Duration(TimeSpan? value) => value is { } v ? Format.Duration(v) : "—";
}
