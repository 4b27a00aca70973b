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

/// <summary>Asks the engine through the docker CLI, since Testkit's engine client is internal.</summary>
public static class DockerCli
{
    public static async Task<bool> ExistsAsync(string id) =>
        (await RunAsync("ps", "-aq", "--no-trunc", "--filter", $"id={id}")).Length > 0;

    public static async Task<bool> IsRunningAsync(string id) =>
        (await RunAsync("ps", "-q", "--no-trunc", "--filter", $"id={id}", "--filter", "status=running")).Length > 0;

    private static async Task<string> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? (await output).Trim()
            : throw new InvalidOperationException($"docker {string.Join(' ', arguments)} failed: {await error}");
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
