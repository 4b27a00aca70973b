using Testkit.Modules;

namespace Testkit.Tests.Modules;

[Trait("Category", "Unit")]
public class ModuleDescriptorTests
{
    [Theory]
    [InlineData("postgres:15", "postgres", "15", "postgres:17")]
    [InlineData("confluentinc/cp-kafka:7.6.1", "confluentinc/cp-kafka", "7.6.1", "confluentinc/cp-kafka:17")]
    [InlineData("quay.io/coreos/etcd:v3.5", "quay.io/coreos/etcd", "v3.5", "quay.io/coreos/etcd:17")]
    [InlineData("localhost:5000/team/db", "localhost:5000/team/db", "latest", "localhost:5000/team/db:17")]
    public void The_default_image_gives_the_repository_the_default_version_and_other_versions(string image, string repository, string version, string seventeen)
    {
        var module = new ModuleDescriptor("db", image, 5432);

        Assert.Equal((repository, version, seventeen), (module.Repository, module.DefaultVersion, module.ImageOf("17")));
    }

    [Fact]
    public void Bad_descriptions_are_refused_with_what_is_wrong()
    {
        Assert.Contains("lower case", Assert.Throws<ArgumentException>(() => new ModuleDescriptor("Postgres", "postgres:15", 5432)).Message, StringComparison.Ordinal);
        Assert.ThrowsAny<ArgumentException>(() => new ModuleDescriptor("db", "UPPER:case", 5432));
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => new ModuleDescriptor("db", "postgres:15", 0));
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => new ModuleDescriptor("db", "postgres:15", 70000));
    }
}
