using Microsoft.Extensions.Logging;
using Testkit.Waiting;

namespace Testkit.Containers;

/// <summary>Ready-made consumers for <see cref="ContainerBuilder.WithOutputConsumer"/>.</summary>
public static class OutputConsumers
{
    /// <summary>Forwards each line to <paramref name="logger"/>: standard output as Information, standard error as Warning.</summary>
    public static Action<LogLine> ToLogger(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return line => logger.ContainerOutput(line.IsError ? LogLevel.Warning : LogLevel.Information, line.Text);
    }
}
