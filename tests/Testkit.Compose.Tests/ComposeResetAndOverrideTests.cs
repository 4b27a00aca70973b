namespace Testkit.Compose.Tests;

[Trait("Category", "Unit")]
public sealed class ComposeResetAndOverrideTests : IDisposable
{
    private readonly ComposeDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Reset_clears_and_override_replaces_instead_of_merging()
    {
        var baseFile = _dir.Write("compose.yaml", """
            services:
              app:
                image: myapp
                ports: ["8080:80"]
                environment:
                  FOO: BAR
                labels:
                  a: "1"
            """);
        var overrideFile = _dir.Write("compose.override.yaml", """
            services:
              app:
                ports: !override
                  - "8443:443"
                environment: !reset {}
                labels: !reset null
            """);

        var app = ComposeLoader.Load([baseFile, overrideFile], new ComposeLoadOptions { Environment = new Dictionary<string, string>() }).Services["app"];

        Assert.Equal([new ComposePort(443, "8443", null, "tcp")], app.Ports);
        Assert.Empty(app.Environment);
        Assert.Empty(app.Labels);
        Assert.Equal("myapp", app.Image);
    }
}
