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

    [LoggerMessage(10, LogLevel.Debug, "Pull {Image}: {Layer} {Status}")]
    public static partial void PullProgress(this ILogger logger, string image, string layer, string status);

    [LoggerMessage(11, LogLevel.Warning, "Could not pull {Image} ({Reason}); using the copy the engine already has")]
    public static partial void PullFailedUsingLocal(this ILogger logger, string image, string reason);

    [LoggerMessage(EventId = 8, Message = "{Line}")]
    public static partial void ContainerOutput(this ILogger logger, LogLevel level, string line);

    [LoggerMessage(9, LogLevel.Information, "Container {Id}: {Action} in {Milliseconds} ms")]
    public static partial void ContainerAction(this ILogger logger, string id, string action, long milliseconds);

    [LoggerMessage(300, LogLevel.Information, "Network {Name} ({Id}) created, driver {Driver}, internal {Internal}, in {Milliseconds} ms")]
    public static partial void NetworkCreated(this ILogger logger, string name, string id, string driver, bool @internal, long milliseconds);

    [LoggerMessage(301, LogLevel.Information, "Container {ContainerId} connected to network {Name}, aliases {Aliases}")]
    public static partial void NetworkConnected(this ILogger logger, string containerId, string name, string aliases);

    [LoggerMessage(302, LogLevel.Information, "Container {ContainerId} disconnected from network {Name}")]
    public static partial void NetworkDisconnected(this ILogger logger, string containerId, string name);

    [LoggerMessage(303, LogLevel.Information, "Network {Name}: disconnecting {Count} container(s) still attached ({Containers}) before removing it")]
    public static partial void NetworkDisconnectingLeftovers(this ILogger logger, string name, int count, string containers);

    [LoggerMessage(304, LogLevel.Information, "Network {Name} removed in {Milliseconds} ms")]
    public static partial void NetworkRemoved(this ILogger logger, string name, long milliseconds);

    [LoggerMessage(310, LogLevel.Information, "Volume {Name} created in {Milliseconds} ms")]
    public static partial void VolumeCreated(this ILogger logger, string name, long milliseconds);

    [LoggerMessage(311, LogLevel.Information, "Volume {Name} removed in {Milliseconds} ms")]
    public static partial void VolumeRemoved(this ILogger logger, string name, long milliseconds);

    [LoggerMessage(312, LogLevel.Warning, "Volume {Name} is still mounted, so it stays until a later DisposeAsync after its containers are removed ({Reason})")]
    public static partial void VolumeInUse(this ILogger logger, string name, string reason);

    [LoggerMessage(100, LogLevel.Debug, "No engine at {Endpoint}: {Reason}")]
    public static partial void EngineNotAnswering(this ILogger logger, string endpoint, string reason);

    [LoggerMessage(101, LogLevel.Debug, "Pulling from {Registry} with the credentials of {Source}")]
    public static partial void RegistryCredentialsFound(this ILogger logger, string registry, string source);

    [LoggerMessage(102, LogLevel.Debug, "Pulling from {Registry} without credentials: none configured in {ConfigFile}")]
    public static partial void RegistryCredentialsNone(this ILogger logger, string registry, string configFile);

    [LoggerMessage(103, LogLevel.Debug, "Credential helper {Helper} for {Registry} is not on PATH; skipping it")]
    public static partial void CredentialHelperMissing(this ILogger logger, string helper, string registry);

    [LoggerMessage(104, LogLevel.Debug, "Credential helper {Helper} gave no credentials for {Registry} ({Reason})")]
    public static partial void CredentialHelperEmpty(this ILogger logger, string helper, string registry, string reason);

    [LoggerMessage(105, LogLevel.Warning, "Pulling without registry credentials: {Reason}")]
    public static partial void RegistryCredentialsUnreadable(this ILogger logger, string reason);
}
