using Testkit.Images;

namespace Testkit.Tests.Images;

public class DockerIgnoreTests
{
    /// <summary>The examples of Docker's documentation (".dockerignore file" in the Dockerfile reference and the build
    /// context guide), then the edge cases of its implementation (moby/patternmatcher, the CLI's ignorefile reader).</summary>
    public static TheoryData<string, string, bool> Cases => new()
    {
        // "*/temp*": names starting with temp in any immediate subdirectory of the root.
        { "*/temp*", "somedir/temporary.txt", true },
        { "*/temp*", "somedir/temp", true },
        { "*/temp*", "somedir/temp/inside.txt", true },
        { "*/temp*", "temporary.txt", false },
        { "*/temp*", "somedir/subdir/temporary.txt", false },

        // "*/*/temp*": two levels below the root.
        { "*/*/temp*", "somedir/subdir/temporary.txt", true },
        { "*/*/temp*", "somedir/temporary.txt", false },

        // "temp?": one character after temp, in the root only.
        { "temp?", "tempa", true },
        { "temp?", "tempb", true },
        { "temp?", "temp", false },
        { "temp?", "tempab", false },
        { "temp?", "somedir/tempa", false },

        // "**/*.go": in every directory, the root included.
        { "**/*.go", "main.go", true },
        { "**/*.go", "cmd/tool/main.go", true },
        { "**/*.go", "main.go.txt", false },

        // "*.md" with the exception "!README.md".
        { "*.md\n!README.md", "CHANGES.md", true },
        { "*.md\n!README.md", "README.md", false },
        { "*.md\n!README.md", "docs/guide.md", false },

        // The exception's place matters: the last matching line wins.
        { "*.md\n!README*.md\nREADME-secret.md", "README-secret.md", true },
        { "*.md\n!README*.md\nREADME-secret.md", "README-public.md", false },
        { "*.md\n!README*.md\nREADME-secret.md", "CHANGES.md", true },
        { "*.md\nREADME-secret.md\n!README*.md", "README-secret.md", false },
        { "*.md\nREADME-secret.md\n!README*.md", "CHANGES.md", true },

        // "/foo/bar" and "foo/bar" both exclude bar in foo, and nothing else.
        { "/foo/bar", "foo/bar", true },
        { "foo/bar", "foo/bar", true },
        { "foo/bar", "foo/bar/deeper.txt", true },
        { "foo/bar", "bar", false },
        { "foo/bar", "other/foo/bar", false },

        // "*" then exceptions: send only what is named.
        { "*\n!src\n!Makefile", "src/app.c", false },
        { "*\n!src\n!Makefile", "Makefile", false },
        { "*\n!src\n!Makefile", "docs/readme.txt", true },

        // Comments start in column 1 only; blank lines and surrounding spaces do not count.
        { "# secret.txt", "# secret.txt", false },
        { "# secret.txt", "secret.txt", false },
        { " # secret.txt", "# secret.txt", true },
        { "\n   \n  secret.txt  \n", "secret.txt", true },
        { "\uFEFFsecret.txt", "secret.txt", true },

        // Patterns are cleaned with Go's path.Clean and taken relative to the root.
        { "./foo/", "foo/x", true },
        { "foo/../bar", "bar", true },
        { "foo//bar/.", "foo/bar", true },
        { "/", "anything", false },

        // Exceptions reach into excluded directories; "**" forms.
        { "logs\n!logs/keep.log", "logs/keep.log", false },
        { "logs\n!logs/keep.log", "logs/other.log", true },
        { "logs/**", "logs/a/b.log", true },
        { "logs/**", "logs", false },
        { "**/node_modules", "node_modules", true },
        { "**/node_modules", "web/node_modules/x.js", true },
        { "**/node_modules", "my_node_modules", false },
        { "src/**/*.test.js", "src/a.test.js", true },
        { "src/**/*.test.js", "src/deep/er/a.test.js", true },
        { "src/**/*.test.js", "lib/a.test.js", false },

        // Go's filepath.Match syntax: classes, ranges, escapes; regex characters are literal.
        { "file[0-9].txt", "file5.txt", true },
        { "file[0-9].txt", "fileA.txt", false },
        { "file[^0-9].txt", "fileA.txt", true },
        { "\\*.txt", "*.txt", true },
        { "\\*.txt", "a.txt", false },
        { "a+b(c).txt", "a+b(c).txt", true },
        { "a.txt", "abtxt", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_as_Docker_documents(string dockerignore, string path, bool excluded) =>
        Assert.Equal(excluded, DockerIgnore.Parse(dockerignore, "test").IsExcluded(path));

    [Fact]
    public void Patterns_are_read_as_the_CLI_reads_them()
    {
        var ignore = DockerIgnore.Parse("# comment\n  ./a/b/  \n!  /c\n\r\n*.tmp\r\n", "test");

        Assert.Equal(["a/b", "!c", "*.tmp"], ignore.Patterns);
        Assert.True(ignore.HasExceptions);
    }

    [Theory]
    [InlineData("[a-")]
    [InlineData("[]")]
    [InlineData("file[")]
    [InlineData("trailing\\")]
    [InlineData("!")]
    public void A_malformed_pattern_names_the_line_and_the_fix(string pattern)
    {
        var error = Assert.Throws<TestkitException>(() => DockerIgnore.Parse("ok.txt\n" + pattern, "/ctx/.dockerignore"));

        Assert.Contains("/ctx/.dockerignore (line 2)", error.Message, StringComparison.Ordinal);
        Assert.Contains("filepath.Match", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_excluded_directory_is_walked_only_when_an_exception_names_a_path_under_it()
    {
        // As Docker: the exception's literal text decides, so "!**/keep.txt" does not reach into an excluded directory.
        var named = DockerIgnore.Parse("logs\n!logs/keep.log", "test");
        var anywhere = DockerIgnore.Parse("logs\n!**/keep.log", "test");

        Assert.True(named.MayReinclude("logs"));
        Assert.False(named.MayReinclude("other"));
        Assert.False(anywhere.MayReinclude("logs"));
    }

    [Fact]
    public void The_walk_sends_re_included_files_of_excluded_directories_and_always_the_build_files()
    {
        var root = Directory.CreateTempSubdirectory("testkit-ignore-").FullName;
        try
        {
            foreach (var file in new[] { "Dockerfile", "keep.txt", "secret.txt", "logs/a.log", "logs/keep.log", "logs/deep/b.log", "docs/x.md" })
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, file))!);
                File.WriteAllText(Path.Combine(root, file), file);
            }

            var ignore = DockerIgnore.Parse("secret.txt\nlogs\n!logs/keep.log\ndocs\nDockerfile\n.dockerignore", "test")
                .WithExceptions(".dockerignore", "Dockerfile");
            var context = BuildContext.Scan(root, ignore, CancellationToken.None);

            Assert.True(context.Contains("keep.txt"));
            Assert.True(context.Contains("Dockerfile"));
            Assert.True(context.Contains("logs/keep.log"));
            Assert.False(context.Contains("logs"));
            Assert.False(context.Contains("logs/a.log"));
            Assert.False(context.Contains("logs/deep/b.log"));
            Assert.False(context.Contains("secret.txt"));
            Assert.False(context.Contains("docs"));
            Assert.False(context.Contains("docs/x.md"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task The_same_files_give_the_same_hash_and_the_same_tar()
    {
        var root = Directory.CreateTempSubdirectory("testkit-hash-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "b"));
            await File.WriteAllTextAsync(Path.Combine(root, "b", "z.txt"), "z");
            await File.WriteAllTextAsync(Path.Combine(root, "a.txt"), "a");

            var (firstHash, firstTar) = await HashAndTarAsync(root);
            File.SetLastWriteTimeUtc(Path.Combine(root, "a.txt"), DateTime.UtcNow.AddDays(-3));
            var (secondHash, secondTar) = await HashAndTarAsync(root);
            await File.WriteAllTextAsync(Path.Combine(root, "a.txt"), "A");
            var (changedHash, _) = await HashAndTarAsync(root);

            Assert.Equal(firstHash, secondHash);
            Assert.Equal(firstTar, secondTar);
            Assert.NotEqual(firstHash, changedHash);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<(string Hash, byte[] Tar)> HashAndTarAsync(string root)
    {
        var context = BuildContext.Scan(root, DockerIgnore.Empty, CancellationToken.None);
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        await context.HashAsync(hash, CancellationToken.None);
        await using var tar = await context.WriteTarAsync(CancellationToken.None);
        using var copy = new MemoryStream();
        await tar.CopyToAsync(copy);
        return (Convert.ToHexString(hash.GetHashAndReset()), copy.ToArray());
    }
}
