using System.Diagnostics;

namespace Testkit.Benchmarks.Harness;

/// <summary>The named durations one run of a row measured (e.g. "start" and "dispose"), and when it entered each
/// phase, which the progress line shows to tell where the time went.</summary>
internal sealed class Laps
{
    private readonly Dictionary<string, TimeSpan> laps = new(StringComparer.Ordinal);
    private readonly List<(string Phase, TimeSpan At)> phases = [];
    private readonly Stopwatch sinceCreated = Stopwatch.StartNew();

    public IReadOnlyDictionary<string, TimeSpan> All => laps;

    /// <summary>What the run was doing last, for the failure line (e.g. "first answer" when a probe never returned).</summary>
    public string Phase
    {
        get => phases.Count == 0 ? "starting" : phases[^1].Phase;
        set => phases.Add((value, sinceCreated.Elapsed));
    }

    /// <summary>The phases in the order they began, with the time each began, from the creation of this object.</summary>
    public IReadOnlyList<(string Phase, TimeSpan At)> Phases => phases;

    /// <summary>The phases with the time each began, from the creation of this object.</summary>
    public string PhaseTimes => string.Join(", ", phases.Select(p => $"{p.Phase} @{Format.Duration(p.At)}"));

    public void Record(string metric, TimeSpan elapsed) => laps[metric] = elapsed;
}
