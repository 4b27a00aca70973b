namespace Testkit.Compose.Tests;

[Trait("Category", "Unit")]
public sealed class ComposeProfilesTests : IDisposable
{
    private readonly ComposeDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Profiles_enable_services()
    {
        var project = _dir.Load("""
            services:
              db: { image: postgres }
              admin: { image: pgadmin, profiles: [debug], depends_on: [db] }
              loadgen: { image: k6, profiles: [perf] }
            """);

        Assert.Equal(["db"], project.WithProfiles().Services.Keys);
        Assert.Equal(["admin", "db"], project.WithProfiles("debug").Services.Keys.Order());
        Assert.Equal([["db"], ["admin"]], project.WithProfiles("debug").StartOrder());
        Assert.Equal(3, project.WithProfiles("*").Services.Count);
    }

    [Fact]
    public void A_service_needs_an_image_or_a_build()
    {
        var error = Assert.Single(_dir.LoadFails("""
            services:
              s:
                environment: { A: "1" }
            """).Errors);
        Assert.Equal("services.s", error.Key);
        Assert.Equal(2, error.Source.Line);
    }
}
