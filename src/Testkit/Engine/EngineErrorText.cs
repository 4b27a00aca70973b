using System.Text.Json;
using Docker.DotNet;

namespace Testkit.Engine;

/// <summary>Turns an engine error into the sentence the engine meant, for Testkit's own messages.</summary>
internal static class EngineErrorText
{
    /// <summary>True when a removal failed because the resource is gone or already being removed: what the caller wanted.</summary>
    public static bool IsGone(DockerApiException error) =>
        error.StatusCode == System.Net.HttpStatusCode.NotFound || Of(error).Contains("already in progress", StringComparison.Ordinal);

    /// <summary>The engine's <c>message</c> field, or the raw body when it is not the usual JSON.</summary>
    public static string Of(DockerApiException error)
    {
        var body = error.ResponseBody?.Trim();
        if (string.IsNullOrEmpty(body))
        {
            return $"HTTP {(int)error.StatusCode} {error.StatusCode}";
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("message", out var message)
                && message.GetString() is { Length: > 0 } text)
            {
                return text;
            }
        }
        catch (JsonException)
        {
            // Proxies and old engines answer in plain text; that text is the best reason there is.
        }

        return body;
    }
}
