using System.Text;
using Microsoft.Extensions.Logging;
using Testkit.Images;
using Testkit.Tests.Shared;

namespace Testkit.Tests.Images;

public sealed class AuthConfigsTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("testkit-auth-").FullName;
    private readonly RecordingLogger logger = new();

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [InlineData("postgres:15", AuthConfigs.DockerHubKey)]
    [InlineData("confluentinc/cp-kafka", AuthConfigs.DockerHubKey)]
    [InlineData("registry.example:5000/team/app:1", "registry.example:5000")]
    [InlineData("localhost/app", "localhost")]
    [InlineData("localhost:5000/app", "localhost:5000")]
    [InlineData("mirror.example/library/redis", "mirror.example")]
    public void An_image_maps_to_the_registry_key_of_the_CLI_config(string image, string registry)
    {
        Assert.Equal(registry, AuthConfigs.RegistryOf(image));
    }

    [Fact]
    public void An_auth_entry_is_decoded_into_user_and_password()
    {
        var configs = AuthConfigs.Parse(Json(new { auths = new Dictionary<string, object> { [AuthConfigs.DockerHubKey] = new { auth = Base64("ci-user:p4ss:with:colons") } } }), "test");

        var auth = configs.FromFile(AuthConfigs.DockerHubKey);

        Assert.NotNull(auth);
        Assert.Equal("ci-user", auth.Username);
        Assert.Equal("p4ss:with:colons", auth.Password);
        Assert.Equal(AuthConfigs.DockerHubKey, auth.ServerAddress);
    }

    [Fact]
    public void Username_password_and_identity_token_fields_are_read_and_keys_match_by_host()
    {
        var configs = AuthConfigs.Parse(Json(new
        {
            auths = new Dictionary<string, object>
            {
                ["https://registry.example:5000/v2/"] = new { username = "bot", password = "secret" },
                ["tokens.example"] = new { identitytoken = "refresh-token" },
                ["empty.example"] = new { },
            },
        }), "test");

        var basic = configs.FromFile("registry.example:5000");
        var token = configs.FromFile("tokens.example");

        Assert.Equal(("bot", "secret"), (basic?.Username, basic?.Password));
        Assert.Equal("refresh-token", token?.IdentityToken);
        Assert.Null(configs.FromFile("empty.example"));
        Assert.Null(configs.FromFile("other.example"));
    }

    [Fact]
    public void A_malformed_auth_entry_names_the_registry_and_the_fix_but_not_the_value()
    {
        var error = Assert.Throws<TestkitException>(() => AuthConfigs.Parse("""{ "auths": { "registry.example": { "auth": "bm8tY29sb24=" } } }""", "config.json"));

        Assert.Contains("registry.example", error.Message, StringComparison.Ordinal);
        Assert.Contains("docker login", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("bm8tY29sb24=", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_config_file_in_the_given_folder_is_read_and_a_missing_one_means_anonymous()
    {
        Assert.Null(await AuthConfigs.Load(directory).GetAsync("registry.example/app", directory, logger, default));

        File.WriteAllText(Path.Combine(directory, "config.json"), Json(new { auths = new Dictionary<string, object> { ["registry.example"] = new { auth = Base64("u:p") } } }));
        var auth = await AuthConfigs.Load(directory).GetAsync("registry.example/app:1", searchPath: directory, logger, default);

        Assert.Equal(("u", "p"), (auth?.Username, auth?.Password));
        Assert.DoesNotContain(logger.Messages, l => l.Contains("u:p", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_credential_helper_not_on_PATH_is_skipped_and_the_file_entry_used()
    {
        var configs = AuthConfigs.Parse(Json(new
        {
            credsStore = "testkit-absent",
            auths = new Dictionary<string, object> { ["registry.example"] = new { username = "file-user", password = "file-pass" } },
        }), "test");

        var auth = await configs.GetAsync("registry.example/app", searchPath: directory, logger, default);

        Assert.Equal("file-user", auth?.Username);
        Assert.Contains(logger.Messages, l => l.Contains("docker-credential-testkit-absent", StringComparison.Ordinal) && l.Contains("not on PATH", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_credential_helper_on_PATH_is_asked_with_the_registry_on_stdin()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // the fake helper is a shell script
        }

        // A fake helper that knows one registry, answers with an identity token for another, and nothing for the rest.
        WriteHelper("testkit-fake", $$"""
            #!/bin/sh
            [ "$1" = get ] || exit 2
            read -r server
            case "$server" in
              registry.example) printf '{"ServerURL":"%s","Username":"helper-user","Secret":"helper-pass"}' "$server" ;;
              {{AuthConfigs.DockerHubKey}}) printf '{"ServerURL":"%s","Username":"<token>","Secret":"hub-token"}' "$server" ;;
              *) echo "credentials not found in native keychain"; exit 1 ;;
            esac
            """);
        var configs = AuthConfigs.Parse(Json(new
        {
            credHelpers = new Dictionary<string, string> { ["registry.example"] = "testkit-fake" },
            credsStore = "testkit-fake",
            auths = new Dictionary<string, object> { ["unknown.example"] = new { username = "file-user", password = "file-pass" } },
        }), "test");

        var perRegistry = await configs.GetAsync("registry.example/app", directory, logger, default);
        var hub = await configs.GetAsync("postgres:15", directory, logger, default);
        var fallback = await configs.GetAsync("unknown.example/app", directory, logger, default);

        Assert.Equal(("helper-user", "helper-pass"), (perRegistry?.Username, perRegistry?.Password));
        Assert.Equal("hub-token", hub?.IdentityToken);
        Assert.Null(hub?.Username);
        Assert.Equal("file-user", fallback?.Username);
        Assert.Contains(logger.Messages, l => l.Contains("credentials not found", StringComparison.Ordinal));
        Assert.DoesNotContain(logger.Messages, l => l.Contains("helper-pass", StringComparison.Ordinal) || l.Contains("hub-token", StringComparison.Ordinal)
                                               || l.Contains("file-pass", StringComparison.Ordinal));
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private void WriteHelper(string name, string script)
    {
        var path = Path.Combine(directory, "docker-credential-" + name);
        File.WriteAllText(path, script.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string Json(object value) => System.Text.Json.JsonSerializer.Serialize(value);
}
