using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Testkit.Tests.Networks;

/// <summary>A logger that keeps every event, so tests can count what Testkit did (e.g. created once).</summary>
internal sealed class EventRecorder : ILogger
{
    private readonly ConcurrentQueue<(int Id, LogLevel Level, string Message)> events = new();

    public IReadOnlyList<(int Id, LogLevel Level, string Message)> Events => [.. events];

    public int Count(int eventId) => events.Count(e => e.Id == eventId);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        events.Enqueue((eventId.Id, logLevel, formatter(state, exception)));
}
