using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace Testkit.NUnit.Tests;

/// <summary>A writer that keeps its lines and lets a test await one, instead of sleeping a guessed time.</summary>
public sealed class RecordingWriter : TextWriter
{
    private readonly ConcurrentQueue<string> lines = new();
    private readonly List<(string Text, TaskCompletionSource<string> Found)> waiters = [];

    public override Encoding Encoding => Encoding.UTF8;

    public IReadOnlyCollection<string> Lines => lines;

    public override void WriteLine(string? value)
    {
        lines.Enqueue(value ?? "");
        lock (waiters)
        {
            foreach (var waiter in waiters.Where(w => (value ?? "").Contains(w.Text, StringComparison.Ordinal)))
            {
                waiter.Found.TrySetResult(value!);
            }
        }
    }

    public Task<string> WaitForAsync(string text)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (waiters)
        {
            waiters.Add((text, found));
        }

        foreach (var line in lines.Where(l => l.Contains(text, StringComparison.Ordinal)))
        {
            found.TrySetResult(line);
        }

        return found.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}

/// <summary>Which container each parallel fixture saw, to prove they never share one.</summary>
public static class SeenContainers
{
    private static readonly ConcurrentDictionary<string, string> ByFixture = new();

    /// <summary>Records <paramref name="id"/> for <paramref name="fixture"/> and returns the ids other fixtures saw.</summary>
    public static IReadOnlyList<string> Record(string fixture, string id)
    {
        Assert.That(ByFixture.GetOrAdd(fixture, id), Is.EqualTo(id));
        return [.. ByFixture.Where(e => e.Key != fixture).Select(e => e.Value)];
    }
}
