using Testkit.Engine;

namespace Testkit.Tests.Engine;

public class ApiVersionsTests
{
    [Theory]
    [InlineData("1.41", null, "1.41")]   // Docker 20.10: the engine is older than us
    [InlineData("1.51", null, "1.47")]   // a newer engine: ours
    [InlineData("1.51", "1.43", "1.43")] // DOCKER_API_VERSION asks for less
    [InlineData("1.41", "1.44", "1.41")] // ...but never more than the engine speaks
    public void Takes_the_lower_of_engine_and_client(string engine, string? requested, string expected)
    {
        var negotiated = ApiVersions.Negotiate(Version.Parse(engine), requested is null ? null : Version.Parse(requested));

        Assert.Equal(Version.Parse(expected), negotiated);
    }
}
