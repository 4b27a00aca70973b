namespace Testkit.Compose.Tests;

[Trait("Category", "Unit")]
public sealed class ComposeInterpolationTests : IDisposable
{
    private static readonly Dictionary<string, string> Env = new() { ["SET"] = "value", ["EMPTY"] = "" };

    private readonly ComposeDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("${SET}", "value")]
    [InlineData("$SET", "value")]
    [InlineData("pre-$SET-post", "pre-value-post")]
    [InlineData("${UNSET}", "")]
    [InlineData("${UNSET:-fallback}", "fallback")]
    [InlineData("${EMPTY:-fallback}", "fallback")]
    [InlineData("${EMPTY-fallback}", "")]
    [InlineData("${UNSET-fallback}", "fallback")]
    [InlineData("${SET:-fallback}", "value")]
    [InlineData("${UNSET:-${SET}}", "value")]
    [InlineData("${SET:+alt}", "alt")]
    [InlineData("${UNSET:+alt}", "")]
    [InlineData("${EMPTY?error}", "")]
    [InlineData("$$SET costs $$5", "$SET costs $5")]
    public void Interpolates_like_the_specification(string text, string expected) =>
        Assert.Equal(expected, ComposeInterpolation.Interpolate(text, Env));

    [Theory]
    [InlineData("${UNSET:?set UNSET to the database password}", "set UNSET to the database password")]
    [InlineData("${EMPTY:?must not be empty}", "must not be empty")]
    [InlineData("${UNSET?missing}", "missing")]
    public void Required_variables_fail_with_the_message(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => ComposeInterpolation.Interpolate(text, Env));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_required_variable_unset_in_a_file_names_the_key_line_and_message()
    {
        var error = Assert.Single(_dir.LoadFails("""
            services:
              db:
                image: postgres:15
                environment:
                  POSTGRES_PASSWORD: ${DB_PASSWORD:?set DB_PASSWORD in .env}
            """).Errors);
        Assert.Equal("services.db.environment.POSTGRES_PASSWORD", error.Key);
        Assert.Equal(5, error.Source.Line);
        Assert.Contains("required variable DB_PASSWORD is unset: set DB_PASSWORD in .env", error.Message);
    }

    [Fact]
    public void Dot_env_beside_the_first_file_gives_defaults_and_the_given_environment_wins()
    {
        _dir.Write(".env", "TAG=15\nUSER_NAME=from-dotenv\n");
        var project = _dir.Load("""
            services:
              db:
                image: postgres:${TAG}
                environment:
                  USER: ${USER_NAME}
                  BARE:
            """, new Dictionary<string, string> { ["USER_NAME"] = "from-process", ["BARE"] = "b" });

        Assert.Equal("postgres:15", project.Services["db"].Image);
        Assert.Equal("from-process", project.Services["db"].Environment["USER"]);
        Assert.Equal("b", project.Services["db"].Environment["BARE"]);
    }

    [Fact]
    public void A_dot_env_line_without_a_name_is_an_error_at_that_files_line()
    {
        var dotEnv = _dir.Write(".env", "TAG=15\n=orphan\n");

        var error = Assert.Single(_dir.LoadFails("""
            services:
              db:
                image: postgres:${TAG}
            """).Errors);

        Assert.Equal(dotEnv, error.Source.File);
        Assert.Equal(2, error.Source.Line);
        Assert.Contains("no variable name before '='", error.Message);
    }

    [Fact]
    public void A_lone_dollar_is_an_error_that_suggests_the_escape()
    {
        var error = Assert.Throws<FormatException>(() => ComposeInterpolation.Interpolate("cost $5", Env));
        Assert.Contains("$$", error.Message);
    }
}
