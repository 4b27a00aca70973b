using System.Diagnostics;
using Testkit.Cleanup;
using Testkit.Engine;

namespace Testkit.Tests.LeakCleanup;

/// <summary>The leak-protection tests run one after another: a sweep started by one (a probe's start-up) would remove
/// what another one expects to stay.</summary>
/// <remarks>The namespace is not Testkit.Tests.Cleanup: such a namespace would hide Testkit.Cleanup from code in the
/// other Testkit.Tests namespaces that writes <c>Cleanup.ResourceLabels</c>.</remarks>
[CollectionDefinition(Name)]
public sealed class LeakProbeGroup : ICollectionFixture<LeakProbeFixture>
{
    public const string Name = "leak protection";
}

/// <summary>Finds tests/Testkit.LeakProbe as <c>dotnet build Testkit.sln</c> built it (building it when missing or when
/// its Testkit.dll is not the one under test), and lets this process's own start-up sweep finish first.</summary>
public sealed class LeakProbeFixture : IAsyncLifetime
{
    private static readonly string[] Compared = ["Testkit.dll", "Testkit.Watchdog.dll"];

    public string ProbeDll { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await DockerEngine.GetSharedAsync();
        await LeakProtection.Sweep;

        var testOutput = AppContext.BaseDirectory;
        var configuration = new DirectoryInfo(testOutput).Parent!.Name;
        var root = new DirectoryInfo(testOutput);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Testkit.sln")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new InvalidOperationException($"No Testkit.sln above {testOutput}: run the tests from the repository's build output.");
        }

        var project = Path.Combine(root.FullName, "tests", "Testkit.LeakProbe", "Testkit.LeakProbe.csproj");
        var output = Path.Combine(root.FullName, "tests", "Testkit.LeakProbe", "bin", configuration, "net10.0");
        ProbeDll = Path.Combine(output, "Testkit.LeakProbe.dll");
        if (!File.Exists(ProbeDll) || Compared.Any(file => !SameBytes(Path.Combine(output, file), Path.Combine(testOutput, file))))
        {
            await BuildAsync(project, configuration);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A host name for one probe, when probes can have their own (else null: this host's name). Under its own
    /// name a probe's resources are judged by no other test process's sweep, so only the probe and its watchdog act on
    /// them: what a test measures or expects to stay is not disturbed by the other test runs on this machine.</summary>
    public static string? NewHostName() => LeakProbeProcess.CanRenameHost ? "testkit-probe-" + Guid.NewGuid().ToString("N")[..12] : null;

    private static bool SameBytes(string a, string b) =>
        File.Exists(a) && File.Exists(b) && File.ReadAllBytes(a).AsSpan().SequenceEqual(File.ReadAllBytes(b));

    private static async Task BuildAsync(string project, string configuration)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "build", project, "-c", configuration, "-nologo", "-v", "q" })
        {
            start.ArgumentList.Add(argument);
        }

        using var build = Process.Start(start)!;
        var output = build.StandardOutput.ReadToEndAsync();
        var errors = build.StandardError.ReadToEndAsync();
        await build.WaitForExitAsync();
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException($"Building the leak probe failed ({build.ExitCode}); build Testkit.sln first. {await output}{await errors}");
        }
    }
}
