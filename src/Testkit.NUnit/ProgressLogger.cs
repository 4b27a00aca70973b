using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace Testkit.NUnit;

/// <summary>An <see cref="ILogger"/> that writes Information and above to <see cref="TestContext.Progress"/>, which NUnit shows at once.</summary>
internal sealed class ProgressLogger(string category) : ILogger
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
            TestContext.Progress.WriteLine($"[Testkit {category}] {level}{formatter(state, exception)}{error}");
        }
    }
}
