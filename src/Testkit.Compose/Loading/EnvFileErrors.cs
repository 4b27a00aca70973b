using Testkit.Formats;

namespace Testkit.Compose;

/// <summary>An env file's unnamed lines as compose diagnostics, each at the env file's own line: the compose file's line
/// would not say which one is wrong.</summary>
internal static class EnvFileErrors
{
    public static IEnumerable<ComposeDiagnostic> At(EnvFileFormatException error, string key) =>
        error.Lines.Select(line => new ComposeDiagnostic(new ComposeSource(error.File, line), key,
            "a line of the env file has no variable name before '=': write NAME=value"));
}
