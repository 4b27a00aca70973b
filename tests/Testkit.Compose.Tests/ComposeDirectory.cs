namespace Testkit.Compose.Tests;

/// <summary>A temporary directory holding compose files, removed after the test.</summary>
internal sealed class ComposeDirectory : IDisposable
{
    public ComposeDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "testkit-compose-" + Guid.NewGuid().ToString("N"));

    public string Write(string name, string content)
    {
        var file = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllText(file, content.Replace("\r\n", "\n"));
        return file;
    }

    public ComposeProject Load(string yaml, IReadOnlyDictionary<string, string>? env = null) =>
        ComposeLoader.Load(Write("docker-compose.yaml", yaml), new ComposeLoadOptions { Environment = env ?? new Dictionary<string, string>() });

    public ComposeException LoadFails(string yaml, IReadOnlyDictionary<string, string>? env = null) =>
        Assert.Throws<ComposeException>(() => Load(yaml, env));

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
