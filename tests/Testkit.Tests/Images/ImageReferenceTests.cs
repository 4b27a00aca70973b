using Testkit.Images;

namespace Testkit.Tests.Images;

public class ImageReferenceTests
{
    [Theory]
    [InlineData("postgres", "postgres", null, null, "postgres:latest")]
    [InlineData("postgres:15", "postgres", "15", null, "postgres:15")]
    [InlineData("docker.io/library/postgres:15", "postgres", "15", null, "postgres:15")]
    [InlineData("confluentinc/cp-kafka:7.6.1", "confluentinc/cp-kafka", "7.6.1", null, "confluentinc/cp-kafka:7.6.1")]
    [InlineData("localhost:5000/team/app", "localhost:5000/team/app", null, null, "localhost:5000/team/app:latest")]
    [InlineData("redis@sha256:abc", "redis", null, "sha256:abc", "redis@sha256:abc")]
    public void Parses_names_as_the_docker_cli_does(string text, string repository, string? tag, string? digest, string normalized)
    {
        var image = ImageReference.Parse(text);

        Assert.Equal(repository, image.Repository);
        Assert.Equal(tag, image.Tag);
        Assert.Equal(digest, image.Digest);
        Assert.Equal(normalized, image.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("Postgres:15")]
    [InlineData("postgres 15")]
    public void Rejects_invalid_names(string text) => Assert.ThrowsAny<ArgumentException>(() => ImageReference.Parse(text));
}
