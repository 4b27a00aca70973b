using Microsoft.Extensions.Logging;

namespace Testkit;

/// <summary>An <see cref="ILogger"/> that turns Information and above into single lines for a writer such as a test
/// framework's output, for adapters that have no logging framework to plug into.</summary>
/// <param name="write">Receives each line, e.g. <c>TestContext.Progress.WriteLine</c>.</param>
/// <param name="category">Shown in each line as <c>[Testkit category]</c>.</param>
public sealed class LineLogger(Action<string> write, string category) : ILogger
{
    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    /// <inheritdoc />
    public bool IsEnabled(LogLevel logLevel) => logLevel is >= LogLevel.Information and < LogLevel.None;

    /// <inheritdoc />
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (IsEnabled(logLevel))
        {
            var level = logLevel >= LogLevel.Warning ? $"{logLevel}: " : "";
            var error = exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})";
            write($"[Testkit {category}] {level}{formatter(state, exception)}{error}");
        }
    }
}
