using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Testkit.Benchmarks.Micro;

/// <summary>BenchmarkDotNet over the SDK's own code paths that need no engine: builders, image names, compose files,
/// <c>.dockerignore</c> matching. Time and allocations per call.</summary>
internal static class MicroBenchmarks
{
    /// <summary>Runs every benchmark of this assembly, or what the BenchmarkDotNet arguments select (e.g. <c>--filter *Compose*</c>).</summary>
    public static int Run(string[] args)
    {
        // ShortRun in-process: no separate project to generate and build per benchmark, so the whole set takes a minute or
        // two on 2 cores. Enough to see allocations and a regression of several times; not for fine-grained comparisons.
        var config = DefaultConfig.Instance
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .AddDiagnoser(MemoryDiagnoser.Default);
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(MicroBenchmarks).Assembly).Run(args.Length == 0 ? ["--filter", "*"] : args, config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
