using System.Net;
using System.Text.Json;

namespace Testkit.Watchdog;

/// <summary>Removes every container (forced, with its anonymous volumes), network, volume and image that carries a
/// session's label, except those labelled to be kept.</summary>
internal static class SessionReaper
{
    /// <summary>The SDK's <c>ResourceLabels.Session</c>.</summary>
    public const string SessionLabel = "org.testkit.session";

    /// <summary>The SDK's <c>ResourceLabels.Keep</c>: such resources are meant to outlive the session.</summary>
    public const string KeepLabel = Cleanup.KeepRule.Label;

    private static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(5);

    /// <summary>Removes the session's resources, retrying while the engine does not answer, until <paramref name="cancellationToken"/>
    /// ends it; returns what was done, for the log.</summary>
    public static async Task<string> RemoveSessionAsync(EngineHttp engine, string session, Action<string> log, CancellationToken cancellationToken)
    {
        var filter = Uri.EscapeDataString($"{{\"label\":[\"{JsonEncodedText.Encode($"{SessionLabel}={session}")}\"]}}");
        var pause = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var report = new Report();

                // Containers first: networks and volumes cannot go while a container uses them.
                await RemoveAllAsync(engine, $"/containers/json?all=1&filters={filter}", "container", "Id",
                    id => $"/containers/{id}?force=1&v=1", report, cancellationToken).ConfigureAwait(false);
                await Task.WhenAll(
                    RemoveAllAsync(engine, $"/networks?filters={filter}", "network", "Id", id => $"/networks/{id}", report, cancellationToken),
                    RemoveAllAsync(engine, $"/volumes?filters={filter}", "volume", "Name", name => $"/volumes/{name}", report, cancellationToken)).ConfigureAwait(false);
                await RemoveAllAsync(engine, $"/images/json?filters={filter}", "image", "Id",
                    id => $"/images/{id}?force=1", report, cancellationToken).ConfigureAwait(false);
                if (report.Failures.IsEmpty || attempt >= 3)
                {
                    return report.ToString();
                }

                log($"pass {attempt} left {report.Failures.Count} resource(s) ({string.Join("; ", report.Failures)}); trying again");
            }
            catch (Exception e) when (e is HttpRequestException or IOException or JsonException
                                          || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                log($"the engine did not answer ({e.GetBaseException().Message}); trying again in {pause.TotalMilliseconds:0} ms");
            }

            await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, MaxPause.Ticks));
        }
    }

    private static async Task RemoveAllAsync(
        EngineHttp engine, string listPath, string kind, string idProperty, Func<string, string> deletePath, Report report, CancellationToken cancellationToken)
    {
        using var list = await engine.GetJsonAsync(listPath, cancellationToken).ConfigureAwait(false);

        // The volume list is an object holding the array; the others are the array itself.
        var items = list.RootElement.ValueKind == JsonValueKind.Object && list.RootElement.TryGetProperty("Volumes", out var volumes)
            ? volumes
            : list.RootElement;
        if (items.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var removals = new List<Task>();
        foreach (var item in items.EnumerateArray())
        {
            if (item.TryGetProperty("Labels", out var labels) && labels.ValueKind == JsonValueKind.Object
                && labels.TryGetProperty(KeepLabel, out var keep) && keep.ValueKind == JsonValueKind.String
                && Cleanup.KeepRule.IsKept(keep.GetString(), Cleanup.KeepRule.IsTagged(RepoTags(item))))
            {
                report.Kept(kind);
                continue;
            }

            if (item.TryGetProperty(idProperty, out var idValue) && idValue.GetString() is { Length: > 0 } id)
            {
                removals.Add(RemoveAsync(engine, kind, id, deletePath(Uri.EscapeDataString(id)), report, cancellationToken));
            }
        }

        await Task.WhenAll(removals).ConfigureAwait(false);
    }

    /// <summary>An image's tags as the engine lists them; none for other resources.</summary>
    private static IEnumerable<string> RepoTags(JsonElement item) =>
        item.TryGetProperty("RepoTags", out var tags) && tags.ValueKind == JsonValueKind.Array
            ? tags.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!)
            : [];

    private static async Task RemoveAsync(EngineHttp engine, string kind, string id, string path, Report report, CancellationToken cancellationToken)
    {
        var (status, message) = await engine.DeleteAsync(path, cancellationToken).ConfigureAwait(false);
        if ((int)status is >= 200 and < 300 || status == HttpStatusCode.NotFound
            || message.Contains("already in progress", StringComparison.Ordinal))
        {
            // Gone, or being removed by someone else (the test's own dispose, an auto-remove container).
            report.Removed(kind);
        }
        else
        {
            report.Failed($"{kind} {id[..Math.Min(12, id.Length)]}: {(int)status} {message}");
        }
    }

    /// <summary>Counts per kind, thread-safe: removals run in parallel.</summary>
    private sealed class Report
    {
        private readonly Dictionary<string, int> removed = [];
        private readonly Dictionary<string, int> kept = [];
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> failures = new();

        public System.Collections.Concurrent.ConcurrentQueue<string> Failures => failures;

        public void Removed(string kind) => Count(removed, kind);

        public void Kept(string kind) => Count(kept, kind);

        public void Failed(string failure) => failures.Enqueue(failure);

        public override string ToString()
        {
            lock (removed)
            {
                var text = "removed " + Describe(removed);
                text += kept.Count == 0 ? "" : $"; kept ({KeepLabel}) {Describe(kept)}";
                return failures.IsEmpty ? text : text + $"; could not remove: {string.Join("; ", failures)}";
            }
        }

        private static string Describe(Dictionary<string, int> counts) =>
            counts.Count == 0 ? "nothing" : string.Join(", ", counts.Select(c => $"{c.Value} {c.Key}{(c.Value == 1 ? "" : "s")}"));

        private void Count(Dictionary<string, int> counts, string kind)
        {
            lock (removed)
            {
                counts[kind] = counts.GetValueOrDefault(kind) + 1;
            }
        }
    }
}
