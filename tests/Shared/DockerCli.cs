using System.Diagnostics;

namespace Testkit.Tests.Shared;

/// <summary>Runs the docker CLI, a tool independent of the SDK under test, to ask an engine what exists or to act on it.
/// Linked into the test projects that need it.</summary>
internal static class DockerCli
{
    /// <summary>Runs <c>docker ARGUMENTS</c> and returns its standard output.</summary>
    /// <exception cref="InvalidOperationException">It exited with another code than 0 (its standard error inside).</exception>
    public static async Task<string> RunAsync(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? await stdout
            : throw new InvalidOperationException($"docker {string.Join(' ', start.ArgumentList)} failed: {await stderr}");
    }
}
