using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Testkit.Xunit;

/// <summary>An <see cref="ILogger"/> that writes Information and above to an xunit message sink as diagnostic messages.</summary>
internal sealed class MessageSinkLogger(IMessageSink sink, string category) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel is >= LogLevel.Information and < LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (IsEnabled(logLevel))
        {
            var level = logLevel >= LogLevel.Warning ? $"{logLevel}: " : "";
            var error = exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})";
            sink.OnMessage(new DiagnosticMessage($"[Testkit {category}] {level}{formatter(state, exception)}{error}"));
        }
    }
}
