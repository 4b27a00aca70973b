using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Testkit.Engine;

/// <summary>Where the docker CLI keeps its settings, and how to read its JSON the way the CLI (Go) does.</summary>
internal static class DockerCliConfig
{
    /// <summary>The CLI's settings folder: <c>$DOCKER_CONFIG</c>, else <c>~/.docker</c>.</summary>
    public static string Directory(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return environment("DOCKER_CONFIG") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
    }

    /// <summary>The folder name the CLI gives a context's files: the lower-case hex SHA-256 of its name.</summary>
    public static string ContextDirectoryName(string contextName) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(contextName)));

    /// <summary>Parses a JSON file of the CLI, or returns null when it does not exist.</summary>
    /// <exception cref="TestkitException">The file exists but is not JSON.</exception>
    public static JsonDocument? ReadJson(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new TestkitException($"{path} is not valid JSON ({e.Message}). Fix or remove that file; the docker CLI cannot read it either.", e);
        }
    }

    /// <summary>A property by name, ignoring case as Go's JSON decoder does (files written by hand vary).</summary>
    public static JsonElement? Property(this JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (element.TryGetProperty(name, out var exact))
        {
            return exact;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    /// <summary>A string property, or null when it is missing, empty or not a string.</summary>
    public static string? StringProperty(this JsonElement element, string name) =>
        element.Property(name) is { ValueKind: JsonValueKind.String } value && value.GetString() is { Length: > 0 } text ? text : null;
}
