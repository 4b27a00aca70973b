using Docker.DotNet;
using Docker.DotNet.Models;

namespace Testkit.Containers;

// The output handed to the consumers while the container runs, and the tail that errors quote.
public partial class Container
{
    /// <summary>Starts forwarding the output to the consumers as soon as the engine started the container, so that they see
    /// what it prints while it starts (and, if it dies then, all of it: what a user reads when a start fails).</summary>
    private async Task StartForwardingOutputAsync(DateTimeOffset startRequested, CancellationToken cancellationToken)
    {
        if (Settings.OutputConsumers.IsEmpty)
        {
            return;
        }

        if (previousRunEnded is not null && outputForwarding is { IsCompleted: false } previousForwarding)
        {
            // Its log stream ends with the run it followed (the engine closes it on exit); the new run gets a new one.
            await Task.WhenAny(previousForwarding, Task.Delay(TimeSpan.FromSeconds(1), cancellationToken)).ConfigureAwait(false);
        }

        if (outputForwarding is null or { IsCompleted: true })
        {
            // A new container's output from its first line; after a stop and start, from the end of the previous run (forwarded
            // already); a reused container's or a dev service's from this start (their earlier runs are not this test's output;
            // the host's clock stands for the engine's, as for a local engine).
            var since = previousRunEnded ?? (reuseKey is not null || attachedDevService is not null ? startRequested : (DateTimeOffset?)null);
            outputForwarding = ForwardLinesAsync(new LogOptions(Since: since), lifetime.Token);
        }
    }

    private async Task ForwardLinesAsync(LogOptions options, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var line in FollowLogsAsync(options, cancellationToken).ConfigureAwait(false))
            {
                foreach (var consumer in Settings.OutputConsumers)
                {
                    consumer(line);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or DockerApiException or IOException)
        {
            // The container went away or we were disposed: forwarding simply ends.
        }
    }

    /// <summary>Waits (bounded) until the consumers have the last line of a container that exited: the engine ends the log
    /// stream on exit, so that the consumers are complete when the exception about the exit reaches the caller.</summary>
    private async Task DrainOutputAsync()
    {
        if (outputForwarding is { } forwarding)
        {
            await Task.WhenAny(forwarding, Task.Delay(OutputDrainLimit, CancellationToken.None)).ConfigureAwait(false);
        }
    }

    private async Task<IReadOnlyList<string>> TailAsync()
    {
        try
        {
            using var stream = await Engine.Client.Containers.GetContainerLogsAsync(Id, LogParameters(new LogOptions(Tail: ErrorLogLines), follow: false), CancellationToken.None).ConfigureAwait(false);
            var lines = new List<string>();
            await foreach (var line in MultiplexedLogReader.ReadLinesAsync(stream, CancellationToken.None).ConfigureAwait(false))
            {
                lines.Add(line.Text);
            }

            return SecretMasker.MaskAll(lines, Settings.SecretValues);
        }
        catch (DockerApiException)
        {
            return [];
        }
    }
}
