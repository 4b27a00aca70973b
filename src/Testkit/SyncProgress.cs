namespace Testkit;

/// <summary>Reports progress on the caller's thread. Progress&lt;T&gt; posts to the thread pool, so its last
/// reports may arrive after the engine call returned and be missed.</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
