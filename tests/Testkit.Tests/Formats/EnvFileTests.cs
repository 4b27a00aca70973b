using Testkit.Formats;

namespace Testkit.Tests.Formats;

[Trait("Category", "Unit")]
public sealed class EnvFileTests
{
    [Fact]
    public void Lines_are_read_by_the_compose_rules()
    {
        var entries = EnvFile.Parse(
            "# a comment\n\nA=a\nexport B = b \nC=\"quoted # not a comment\"\nD='single'\nE=value # comment\nF=\nBARE\r\nG=x=y\n", "test.env");

        Assert.Equal(
            [
                new EnvFileEntry("A", "a", 3),
                new EnvFileEntry("B", "b", 4),
                new EnvFileEntry("C", "quoted # not a comment", 5),
                new EnvFileEntry("D", "single", 6),
                new EnvFileEntry("E", "value", 7),
                new EnvFileEntry("F", "", 8),
                new EnvFileEntry("BARE", null, 9),
                new EnvFileEntry("G", "x=y", 10),
            ],
            entries);
    }

    [Fact]
    public void Every_line_without_a_name_is_named_with_the_file_and_line()
    {
        var error = Assert.Throws<EnvFileFormatException>(() => EnvFile.Parse("A=a\n=orphan\nB=b\n  = other\n", "app.env"));

        Assert.Equal("app.env", error.File);
        Assert.Equal([2, 4], error.Lines);
        Assert.Contains("(app.env:2, app.env:4)", error.Message, StringComparison.Ordinal);
        Assert.Contains("write NAME=value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_is_read_from_its_path_and_named_by_it_in_errors()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "MODE=fast\n=orphan\n");

            var error = Assert.Throws<EnvFileFormatException>(() => EnvFile.Read(file));

            Assert.Contains($"({file}:2)", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
