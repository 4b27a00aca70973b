using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Testkit.Benchmarks.Harness;

/// <summary>The docker CLI, for the floor rows (what a plain script does) and for the clean-up sweep.</summary>
internal static class DockerCli
{
    /// <summary>Runs <c>docker args…</c> and returns its trimmed standard output.</summary>
    /// <exception cref="InvalidOperationException">docker exited non-zero; the message carries its standard error.</exception>
    public static async Task<string> RunAsync(IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("The docker CLI did not start: is it on PATH?");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"docker {string.Join(' ', start.ArgumentList)} exited {process.ExitCode}: {(await stderr).Trim()}");
        }

        return (await stdout).Trim();
    }

    public static Task<string> RunAsync(CancellationToken cancellationToken, params string[] args) => RunAsync(args, cancellationToken);

    /// <summary><c>docker rm -f -v</c> of a container, if one was made; not cancelled, as clean-up must run to the end.</summary>
    public static async Task RemoveContainerAsync(string? container)
    {
        if (container is not null)
        {
            await RunAsync(CancellationToken.None, "rm", "-f", "-v", container);
        }
    }

    /// <summary>The host port published for <paramref name="containerPort"/>, as <c>docker port</c> prints it.</summary>
    public static async Task<int> GetPublishedPortAsync(string container, int containerPort, CancellationToken cancellationToken)
    {
        var mapping = await RunAsync(cancellationToken, "port", container, $"{containerPort}/tcp");
        var first = mapping.Split('\n')[0].Trim();
        return int.Parse(first[(first.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A port free on 127.0.0.1 right now, for a script that must know the port before <c>docker run</c> (Kafka's advertised address).</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
