using Docker.DotNet.Models;

namespace Testkit.Containers;

// Commands run inside the running container.
public partial class Container
{
    /// <summary>Runs a command inside the running container and returns its exit code and output.</summary>
    public Task<ExecResult> ExecAsync(IReadOnlyList<string> command, CancellationToken cancellationToken = default) =>
        ExecAsync(command, null, cancellationToken);

    /// <summary>Runs a command inside the running container with its own environment, user or working
    /// directory; <see cref="ExecOptions.OnOutput"/> receives lines as they are written.</summary>
    public async Task<ExecResult> ExecAsync(IReadOnlyList<string> command, ExecOptions? options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Count == 0)
        {
            throw new ArgumentException("A command needs at least a program name.", nameof(command));
        }

        var exec = await Engine.Client.Exec.CreateContainerExecAsync(Id, new ContainerExecCreateParameters
        {
            Cmd = [.. command],
            AttachStdout = true,
            AttachStderr = true,
            Env = options is null ? null! : [.. options.Environment.Select(e => $"{e.Key}={e.Value}")],
            User = options?.User!,
            WorkingDir = options?.WorkingDirectory!,
        }, cancellationToken).ConfigureAwait(false);
        using var stream = await Engine.Client.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters(), cancellationToken).ConfigureAwait(false);
        string stdout, stderr;
        if (options?.OnOutput is { } onOutput)
        {
            var (outText, errText) = (new System.Text.StringBuilder(), new System.Text.StringBuilder());
            await foreach (var line in MultiplexedLogReader.ReadLinesAsync(stream, cancellationToken).ConfigureAwait(false))
            {
                (line.IsError ? errText : outText).Append(line.Text).Append('\n');
                onOutput(line);
            }

            (stdout, stderr) = (outText.ToString(), errText.ToString());
        }
        else
        {
            (stdout, stderr) = await stream.ReadOutputToEndAsync(cancellationToken).ConfigureAwait(false);
        }

        var inspect = await Engine.Client.Exec.InspectContainerExecAsync(exec.ID, cancellationToken).ConfigureAwait(false);
        return new ExecResult(inspect.ExitCode ?? -1, stdout, stderr);
    }
}
