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
    [InlineData("localhost:5000/a/b:tag", "localhost:5000/a/b", "tag", null, "localhost:5000/a/b:tag")]
    [InlineData("docker.io/library/redis:7", "redis", "7", null, "redis:7")]
    [InlineData("[::1]:5000/app:1", "[::1]:5000/app", "1", null, "[::1]:5000/app:1")]
    [InlineData("my-org/my_app__x.y:7.2-alpine_1", "my-org/my_app__x.y", "7.2-alpine_1", null, "my-org/my_app__x.y:7.2-alpine_1")]
    [InlineData("Registry.Example/app", "Registry.Example/app", null, null, "Registry.Example/app:latest")]
    [InlineData("redis@" + Digest, "redis", null, Digest, "redis@" + Digest)]
    [InlineData("redis:7@" + Digest, "redis", "7", Digest, "redis:7@" + Digest)]
    public void Parses_names_as_the_docker_cli_does(string text, string repository, string? tag, string? digest, string normalized)
    {
        var image = ImageReference.Parse(text);

        Assert.Equal(repository, image.Repository);
        Assert.Equal(tag, image.Tag);
        Assert.Equal(digest, image.Digest);
        Assert.Equal(normalized, image.ToString());
    }

    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("", "empty or contains whitespace")]
    [InlineData("postgres 15", "empty or contains whitespace")]
    [InlineData("Postgres:15", "'Postgres' is not a valid repository name; repository names are lower case: write 'postgres'")]
    [InlineData("redis::7", "':7' is not a valid tag")]
    [InlineData("re$dis:7", "'re$dis' is not a valid repository name")]
    [InlineData("-redis", "'-redis' is not a valid repository name")]
    [InlineData("redis-", "'redis-' is not a valid repository name")]
    [InlineData("redis:t/x", "'redis:t' would be a registry with port 't', which is not a number")]
    [InlineData("/redis", "empty part between '/' characters")]
    [InlineData("redis//x", "empty part between '/' characters")]
    [InlineData("redis:", "nothing follows ':'")]
    [InlineData("redis:-7", "'-7' is not a valid tag")]
    [InlineData("redis@sha256:abc", "'sha256:abc' is not a digest")]
    [InlineData("redis@md5:0123456789abcdef0123456789abcdef", "is not a digest")]
    [InlineData("bad_host.example:5000/app", "'bad_host.example' would be a registry's host name")]
    public void Rejects_invalid_names_saying_what_is_wrong(string text, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => ImageReference.Parse(text));

        Assert.Contains($"Image reference '{text}' is not valid", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tag_may_be_128_characters_and_no_more()
    {
        Assert.Equal(128, ImageReference.Parse("redis:" + new string('a', 128)).Tag!.Length);
        Assert.Throws<ArgumentException>(() => ImageReference.Parse("redis:" + new string('a', 129)));
    }
}
