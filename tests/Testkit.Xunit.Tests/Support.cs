using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit.Sdk;

namespace Testkit.Xunit.Tests;

/// <summary>Collects text lines and lets a test await one, instead of sleeping a guessed time.</summary>
public class Lines
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly ConcurrentQueue<string> lines = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> waiters = [];

    public IReadOnlyCollection<string> All => lines;

    public void Add(string line)
    {
        lines.Enqueue(line);
        lock (waiters)
        {
            foreach (var waiter in waiters.Where(w => w.Match(line)))
            {
                waiter.Found.TrySetResult(line);
            }
        }
    }

    public Task<string> WaitForAsync(string contains)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (waiters)
        {
            waiters.Add((l => l.Contains(contains, StringComparison.Ordinal), found));
        }

        // A line that came before the waiter was added counts too.
        foreach (var line in lines.Where(l => l.Contains(contains, StringComparison.Ordinal)))
        {
            found.TrySetResult(line);
        }

        return found.Task.WaitAsync(Deadline);
    }
}

/// <summary>A message sink that keeps the diagnostic messages fixtures send.</summary>
public sealed class RecordingSink : LongLivedMarshalByRefObject, IMessageSink
{
    private readonly Lines lines = new();

    public IReadOnlyCollection<string> All => lines.All;

    public Task<string> WaitForAsync(string contains) => lines.WaitForAsync(contains);

    public bool OnMessage(IMessageSinkMessage message)
    {
        if (message is IDiagnosticMessage diagnostic)
        {
            lines.Add(diagnostic.Message);
        }

        return true;
    }
}

/// <summary>A test output helper that keeps what it is given.</summary>
public sealed class RecordingOutput : Lines, ITestOutputHelper
{
    public void WriteLine(string message) => Add(message);

    public void WriteLine(string format, params object[] args) => Add(string.Format(format, args));
}

/// <summary>Which fixture container each parallel test class saw, to prove they never share one.</summary>
public static class SeenContainers
{
    private static readonly ConcurrentDictionary<string, string> ByClass = new();

    /// <summary>Records <paramref name="id"/> for <paramref name="testClass"/> and returns the ids other classes saw.</summary>
    public static IReadOnlyList<string> Record(string testClass, string id)
    {
        var mine = ByClass.GetOrAdd(testClass, id);
        Assert.Equal(mine, id);
        return [.. ByClass.Where(e => e.Key != testClass).Select(e => e.Value)];
    }
}
