namespace Testkit;

/// <summary>Testkit's directory for settings and state kept between runs: <c>TESTKIT_HOME</c>, else <c>~/.testkit</c>.</summary>
internal static class TestkitHome
{
    public static string Path => Environment.GetEnvironmentVariable("TESTKIT_HOME") is { Length: > 0 } home
        ? home
        : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".testkit");
}
