namespace Testkit.Benchmarks.Harness;

/// <summary>Thrown by <see cref="Scenario.SetUpAsync"/> when the scenario cannot run here; the reason goes into the report.</summary>
internal sealed class ScenarioSkippedException(string reason) : Exception(reason);

/// <summary>One table of a scenario: which lap it reports, and the goals checked on it.</summary>
internal sealed record Metric(string Lap, string Title, params Goal[] Goals);

/// <summary>A group of rows measured together, alternating, with one table per metric. A scenario is a list of small
/// rows: add or adjust a row without touching the harness.</summary>
internal abstract class Scenario : IAsyncDisposable
{
    private readonly List<string> images = [];

    /// <summary>The name used with <c>--scenario</c>.</summary>
    public abstract string Key { get; }

    public abstract string Title { get; }

    public abstract IReadOnlyList<Metric> Metrics { get; }

    /// <summary>Notes printed under the tables: how the rows differ, what was skipped and why.</summary>
    public virtual IReadOnlyList<string> Notes => [];

    /// <summary>Measured runs per row when the scenario needs its own number (e.g. 50 takes of a database); null: <c>--runs</c>.</summary>
    public virtual int? RunsPerRow => null;

    /// <summary>Prepares what the rows share (e.g. the floor's initialised image) and returns the rows.</summary>
    public abstract Task<IReadOnlyList<Row>> SetUpAsync(CancellationToken cancellationToken);

    /// <summary>Removes what <see cref="SetUpAsync"/> created (the images given to <see cref="RemovedOnDispose"/> too); runs
    /// even when set-up or a row failed.</summary>
    public virtual async ValueTask DisposeAsync()
    {
        foreach (var image in images)
        {
            await DockerCli.RunAsync(CancellationToken.None, "rmi", "-f", image);
        }
    }

    /// <summary>Notes an image the set-up made, for <see cref="DisposeAsync"/> to remove; returns it.</summary>
    protected string RemovedOnDispose(string image)
    {
        images.Add(image);
        return image;
    }
}
