namespace Testkit.Benchmarks.Harness;

/// <summary>What a goal of issue 9 measured to, printed under its table.</summary>
internal sealed record GoalCheck(string Measured, bool Met);

/// <summary>A goal of issue 9 for one table; null from <see cref="Check"/> when a row it needs has no successful run.</summary>
internal abstract record Goal(string Text)
{
    public abstract GoalCheck? Check(MetricResult result);

    private static string Describe(Tool tool, string @case) => @case.Length == 0 ? Row.ToolName(tool) : $"{Row.ToolName(tool)} ({@case})";

    /// <summary>The median of <paramref name="subject"/> is at most <paramref name="atMost"/> times that of <paramref name="baseline"/> (same case).</summary>
    public static Goal Ratio(Tool subject, Tool baseline, double atMost, string @case = "") => new RatioGoal(subject, baseline, atMost, @case);

    /// <summary>The median of <paramref name="subject"/>'s <paramref name="togetherCase"/> is at most <paramref name="atMost"/> times
    /// the slowest median of its other cases (each service alone).</summary>
    public static Goal TogetherVsSlowestAlone(Tool subject, string togetherCase, double atMost) => new TogetherGoal(subject, togetherCase, atMost);

    /// <summary>The median of <paramref name="subject"/> is at most <paramref name="atMost"/>.</summary>
    public static Goal MedianAtMost(Tool subject, TimeSpan atMost, string @case = "") => new AbsoluteGoal(subject, atMost, @case);

    private sealed record RatioGoal(Tool Subject, Tool Baseline, double AtMost, string Case)
        : Goal($"{Describe(Subject, Case)} ≤ {AtMost:0.##}× {Row.ToolName(Baseline)}")
    {
        public override GoalCheck? Check(MetricResult result) =>
            result.Find(Subject, Case)?.Median is { } subject && result.Find(Baseline, Case)?.Median is { } baseline
                ? new GoalCheck($"{subject / baseline:0.00}×", subject / baseline <= AtMost)
                : null;
    }

    private sealed record TogetherGoal(Tool Subject, string TogetherCase, double AtMost)
        : Goal($"{Row.ToolName(Subject)}, {TogetherCase} ≤ {AtMost:0.##}× the slowest alone")
    {
        public override GoalCheck? Check(MetricResult result)
        {
            var alone = result.Rows.Where(r => r.Row.Tool == Subject && r.Row.Case != TogetherCase).ToList();
            if (result.Find(Subject, TogetherCase)?.Median is not { } together || alone.Count == 0 || alone.Any(r => r.Median is null))
            {
                return null;
            }

            var slowest = alone.MaxBy(r => r.Median!.Value)!;
            var ratio = together / slowest.Median!.Value;
            return new GoalCheck($"{ratio:0.00}× ({slowest.Row.Case}, {Format.Duration(slowest.Median.Value)})", ratio <= AtMost);
        }
    }

    private sealed record AbsoluteGoal(Tool Subject, TimeSpan AtMost, string Case)
        : Goal($"{Describe(Subject, Case)} median ≤ {Format.Duration(AtMost)}")
    {
        public override GoalCheck? Check(MetricResult result) =>
            result.Find(Subject, Case)?.Median is { } median ? new GoalCheck(Format.Duration(median), median <= AtMost) : null;
    }
}
