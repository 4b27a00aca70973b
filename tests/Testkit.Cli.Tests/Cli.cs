using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Testkit.Cli.Tests;

/// <summary>What one run of the command printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Standard output parsed as JSON (for --json runs).</summary>
    public JsonElement Json
    {
        get
        {
            try
            {
                return JsonDocument.Parse(Stdout).RootElement.Clone();
            }
            catch (JsonException e)
            {
                // The exit code and stderr say why a --json run printed no JSON.
                throw new InvalidOperationException($"Not JSON ({e.Message}): {this}", e);
            }
        }
    }

    /// <summary>The lines written to standard error.</summary>
    public IReadOnlyList<string> ErrorLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs the built <c>testkit</c> command (<c>dotnet Testkit.Cli.dll</c>) as a separate process, as a user would.</summary>
public static class Cli
{
    // Generous: the machine is shared; a run that takes this long has hung.
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(6);

    /// <summary>The built Testkit.Cli.dll, found next to this test assembly's build (same configuration and framework).</summary>
    public static string DllPath { get; } = FindDll();

    /// <summary>The <c>TESTKIT_HOME</c> every run of the command gets unless a test gives its own: this test process's,
    /// so that the tests never read or write the user's dev records, and start as on a fresh machine (no <c>dev</c> folder).</summary>
    public static string Home { get; } = NewHome();

    public static async Task<CliResult> RunAsync(params string[] arguments) => await RunAsync(null, arguments);

    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(DllPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["TESTKIT_HOME"] = Home;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"testkit {string.Join(' ', arguments)} did not end within {Deadline}.");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The dev service <paramref name="name"/> as <c>testkit ls --json</c> lists it; fails the test when ls fails.</summary>
    public static async Task<System.Text.Json.JsonElement> ListedServiceAsync(string name)
    {
        var listed = await RunAsync("ls", "--json");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        return listed.Json.GetProperty("services").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);
    }

    /// <summary>A name no parallel run uses.</summary>
    public static string UniqueName() => "tk-cli-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>A port nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>An empty Testkit home with only the image substitutions of the one this test process was given (its
    /// <c>TESTKIT_HOME</c>, else <c>~/.testkit</c>), so that images resolve as they do for the tests; removed when the process exits.</summary>
    public static string NewHome()
    {
        var outer = Environment.GetEnvironmentVariable("TESTKIT_HOME") is { Length: > 0 } given
            ? given
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".testkit");
        var home = Directory.CreateTempSubdirectory("tk-cli-home-").FullName;
        var substitutions = Path.Combine(outer, "images.conf");
        if (File.Exists(substitutions))
        {
            File.Copy(substitutions, Path.Combine(home, "images.conf"));
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(home, recursive: true);
        return home;
    }

    private static string FindDll()
    {
        // tests/Testkit.Cli.Tests/bin/<Configuration>/<framework>/ → src/Testkit.Cli/bin/<Configuration>/<framework>/Testkit.Cli.dll
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (here.Name, here.Parent!.Name);
        for (var directory = here; directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "src", "Testkit.Cli", "bin", configuration, framework, "Testkit.Cli.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"Testkit.Cli.dll was not built for {configuration}/{framework}: build Testkit.sln first.");
    }
}
