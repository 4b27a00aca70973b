using System.Text;
using Testkit.Containers;

namespace Testkit.Tests.Containers;

/// <summary>The one secret rule, without an engine.</summary>
public class SecretMaskerTests
{
    [Theory]
    [InlineData("POSTGRES_PASSWORD")]
    [InlineData("DB_PASS")]
    [InlineData("db_pass")]
    [InlineData("AUTH")]
    [InlineData("REDIS_AUTH")]
    [InlineData("MYSQL_PWD")]
    [InlineData("API_TOKEN")]
    [InlineData("API_KEY")]
    [InlineData("apiKey")]
    [InlineData("SSH_PRIVATE_KEY")]
    [InlineData("CLIENT_SECRET")]
    [InlineData("AWS_CREDENTIALS")]
    [InlineData("GPG_PASSPHRASE")]
    [InlineData("Password")]
    public void Secret_looking_names_are_secret(string name) => Assert.True(SecretMasker.IsSecret(name), name);

    [Theory]
    [InlineData("PATH")]
    [InlineData("KEYSPACE")]
    [InlineData("CASSANDRA_KEYSPACE")]
    [InlineData("MONKEY")]
    [InlineData("AUTHOR")]
    [InlineData("COMPASS")]
    [InlineData("PWD")]
    [InlineData("OLDPWD")]
    [InlineData("POSTGRES_HOST_AUTH_METHOD")]
    [InlineData("KAFKA_KEY_SERIALIZER")]
    [InlineData("POSTGRES_USER")]
    [InlineData("Database")]
    public void Ordinary_names_are_not_secret(string name) => Assert.False(SecretMasker.IsSecret(name), name);

    [Fact]
    public void Masking_replaces_every_secret_longest_first_and_leaves_short_values_alone()
    {
        var text = SecretMasker.MaskText("db_pass=hunter2-long auth=hunter2 id=ab", ["hunter2", "hunter2-long", "ab"]);

        Assert.Equal("db_pass=***** auth=***** id=ab", text);
    }

    [Fact]
    public void Secret_values_are_those_of_secret_names_and_those_marked()
    {
        var values = SecretMasker.SecretValues(new Dictionary<string, string> { ["DB_PASS"] = "p4ss", ["MODE"] = "fast" }, ["marked-value"]);

        Assert.Equal(["p4ss", "marked-value"], values);
    }

    private sealed record Options(string Name, string Password, Dictionary<string, string> Settings)
    {
        private bool PrintMembers(StringBuilder builder) => SecretMasker.PrintMembers(this, builder);
    }

    [Fact]
    public void A_record_printed_through_the_helper_masks_secret_properties_and_shows_only_dictionary_keys()
    {
        var text = new Options("app", "s3cret-pw", new() { ["API_TOKEN"] = "tok-value" }).ToString();

        Assert.Equal("Options { Name = app, Password = *****, Settings = [API_TOKEN] }", text);
    }
}
