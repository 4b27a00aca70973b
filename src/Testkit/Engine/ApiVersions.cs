namespace Testkit.Engine;

/// <summary>Picks the Engine API version both sides speak.</summary>
internal static class ApiVersions
{
    /// <summary>The newest API version Testkit was written against.</summary>
    public static readonly Version Newest = new(1, 47);

    /// <summary>The oldest API version Testkit needs (Docker Engine 20.10).</summary>
    public static readonly Version Oldest = new(1, 41);

    /// <summary>The lower of the engine's version and ours, as <c>docker</c> itself negotiates;
    /// an optional override (DOCKER_API_VERSION) wins when it is not newer than the engine.</summary>
    public static Version Negotiate(Version engine, Version? requested = null)
    {
        var ours = requested ?? Newest;
        return engine < ours ? engine : ours;
    }

    public static Version Parse(string text) =>
        Version.TryParse(text, out var version) ? version : throw new FormatException($"'{text}' is not an API version such as 1.41.");
}
