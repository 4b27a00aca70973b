using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;

namespace Testkit.Benchmarks.Micro;

/// <summary><c>.dockerignore</c> parsing and matching, which runs for every file of a build context.</summary>
/// <remarks><c>DockerIgnore</c> is internal to Testkit and has no public entry point without an engine (it runs inside
/// <c>ImageBuilder.BuildAsync</c>), so it is reached through <see cref="UnsafeAccessorAttribute"/>: a direct call, no
/// reflection cost in the measurement. An <c>InternalsVisibleTo</c> for this assembly would make it a plain call.</remarks>
[MemoryDiagnoser]
public class DockerIgnoreBenchmarks
{
    private const string IgnoreFile = """
        # build output and tools
        **/bin
        **/obj
        .git
        .vs
        *.md
        !README.md
        docs/**/*.png
        logs/
        !logs/keep.log
        node_modules
        **/*.tmp
        secrets/*.key
        """;

    private static readonly string[] Paths = BuildPaths();

    private object ignore = null!;

    [GlobalSetup]
    public void Parse() => ignore = DockerIgnoreAccess.Parse(null, IgnoreFile, ".dockerignore");

    [Benchmark(Description = "DockerIgnore.Parse: 12 patterns")]
    public object ParseFile() => DockerIgnoreAccess.Parse(null, IgnoreFile, ".dockerignore");

    [Benchmark(Description = "DockerIgnore.IsExcluded: 200 paths", OperationsPerInvoke = 200)]
    public int MatchPaths()
    {
        var excluded = 0;
        foreach (var path in Paths)
        {
            excluded += DockerIgnoreAccess.IsExcluded(ignore, path) ? 1 : 0;
        }

        return excluded;
    }

    private static string[] BuildPaths()
    {
        string[] shapes = ["src/App/Program.cs", "src/App/bin/Debug/app.dll", "docs/images/a/b.png", "logs/keep.log", "logs/today.log",
            "README.md", "CHANGES.md", "node_modules/x/index.js", "secrets/prod.key", "tests/data/file.tmp"];
        return [.. Enumerable.Range(0, 200).Select(i => shapes[i % shapes.Length].Replace("App", $"App{i / shapes.Length}", StringComparison.Ordinal))];
    }

    private static class DockerIgnoreAccess
    {
        private const string DockerIgnoreType = "Testkit.Images.DockerIgnore, Testkit";

        [UnsafeAccessor(UnsafeAccessorKind.StaticMethod, Name = "Parse")]
        [return: UnsafeAccessorType(DockerIgnoreType)]
        public static extern object Parse([UnsafeAccessorType(DockerIgnoreType)] object? type, string text, string source);

        [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "IsExcluded")]
        public static extern bool IsExcluded([UnsafeAccessorType(DockerIgnoreType)] object ignore, string path);
    }
}
