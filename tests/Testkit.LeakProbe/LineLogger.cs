using Microsoft.Extensions.Logging;

namespace Testkit.LeakProbe;

/// <summary>Writes each event at once as one line "log &lt;event id&gt; &lt;level&gt; &lt;message&gt;", so that the test reads
/// what Testkit did in order, without a logging framework's background queue.</summary>
internal sealed class LineLogger : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Console.WriteLine($"log {eventId.Id} {logLevel} {formatter(state, exception).ReplaceLineEndings(" ")}");
}
