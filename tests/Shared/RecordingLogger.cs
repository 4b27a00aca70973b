using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Testkit.Tests.Shared;

/// <summary>A logger that keeps every entry, so that a test can count what Testkit did (an event logged once) and read what
/// it wrote, exceptions included (e.g. that no password is in it). Linked into the test projects that use it.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly ConcurrentQueue<LogEntry> entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. entries];

    public IEnumerable<string> Messages => entries.Select(e => e.Message);

    public int Count(int eventId) => entries.Count(e => e.EventId == eventId);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        entries.Enqueue(new LogEntry(logLevel, eventId.Id, formatter(state, exception) + (exception is null ? "" : Environment.NewLine + exception)));
}

/// <summary>One entry of a <see cref="RecordingLogger"/>.</summary>
internal sealed record LogEntry(LogLevel Level, int EventId, string Message);
