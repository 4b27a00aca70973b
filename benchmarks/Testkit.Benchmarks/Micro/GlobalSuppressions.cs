using System.Diagnostics.CodeAnalysis;

// BenchmarkDotNet runs benchmarks as instance methods of a public, unsealed class.
[assembly: SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "BenchmarkDotNet needs instance methods.",
    Scope = "namespaceanddescendants", Target = "~N:Testkit.Benchmarks.Micro")]
