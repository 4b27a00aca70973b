using Microsoft.Extensions.Logging;

namespace Testkit.Cli.Output;

/// <summary>Turns what the SDK logs while a service starts (image substitution, pulls, build steps, what it waits for)
/// into the spinner's text. The SDK never logs environment values, so no password reaches the screen this way.</summary>
internal sealed class StatusLogger(Action<string> show) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (IsEnabled(logLevel) && formatter(state, exception) is { Length: > 0 } message)
        {
            show(message.ReplaceLineEndings(" "));
        }
    }
}
