using Microsoft.Extensions.Logging;

namespace Testkit;

/// <summary>Every diagnostic Testkit writes, as source-generated logger messages.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Connected to engine {EngineVersion} at {Endpoint}, API {ApiVersion}")]
    public static partial void Connected(this ILogger logger, string engineVersion, string endpoint, Version apiVersion);

    [LoggerMessage(2, LogLevel.Information, "Using image {Image} for {Requested} (substitution from {Source})")]
    public static partial void ImageSubstituted(this ILogger logger, string image, string requested, string source);

    [LoggerMessage(3, LogLevel.Information, "Pulling image {Image}")]
    public static partial void Pulling(this ILogger logger, string image);

    [LoggerMessage(4, LogLevel.Information, "Container {Id} ({Image}) started; ports {Ports}")]
    public static partial void ContainerStarted(this ILogger logger, string id, string? image, string ports);

    [LoggerMessage(5, LogLevel.Information, "Container {Id}: waiting for {Awaited}")]
    public static partial void Waiting(this ILogger logger, string id, object awaited);

    [LoggerMessage(6, LogLevel.Information, "Container {Id} ({Image}) ready in {Milliseconds} ms")]
    public static partial void ContainerReady(this ILogger logger, string id, string? image, long milliseconds);

    [LoggerMessage(7, LogLevel.Information, "Container {Id} removed in {Milliseconds} ms")]
    public static partial void ContainerRemoved(this ILogger logger, string id, long milliseconds);
}
