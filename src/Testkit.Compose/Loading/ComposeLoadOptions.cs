namespace Testkit.Compose;

/// <summary>Options for reading compose files.</summary>
public sealed record ComposeLoadOptions
{
    /// <summary>The variables for interpolation; null means the process environment. They win over the .env file.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>The project name; null takes the top-level <c>name</c>, else the first file's directory name.</summary>
    public string? ProjectName { get; init; }
}
