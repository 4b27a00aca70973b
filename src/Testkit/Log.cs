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

    [LoggerMessage(20, LogLevel.Warning, "Container {Id} of the failed start stays until the engine answers again ({Reason}): the watchdog or the next run's sweep removes it then")]
    public static partial void RemovalDeferred(this ILogger logger, string id, string reason);

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

    [LoggerMessage(106, LogLevel.Warning, "The engine at {Endpoint} accepts connections but has not answered within {Seconds} s; waiting (it is busy), "
        + "up to {TimeoutSeconds} s in all ({Variable} sets the bound)")]
    public static partial void EngineBusy(this ILogger logger, string endpoint, double seconds, double timeoutSeconds, string variable);

    [LoggerMessage(107, LogLevel.Information, "The engine at {Endpoint} answered after {Milliseconds} ms")]
    public static partial void EngineAnsweredLate(this ILogger logger, string endpoint, long milliseconds);

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

    [LoggerMessage(15, LogLevel.Information, "Container {Id}: host port {Ports} was taken before it started; trying again with another")]
    public static partial void HostPortTakenRetrying(this ILogger logger, string id, string ports);

    [LoggerMessage(12, LogLevel.Information, "Container {Id} ({Image}) reused ({State}), key {Key}")]
    public static partial void ContainerReused(this ILogger logger, string id, string? image, string state, string key);

    [LoggerMessage(13, LogLevel.Information, "Container {Id} kept for reuse, key {Key}")]
    public static partial void ContainerKeptForReuse(this ILogger logger, string id, string key);

    [LoggerMessage(14, LogLevel.Information, "Container {Id} is the {Module} dev service '{Name}' (TESTKIT_DEV_SERVICES): used as it is, never removed")]
    public static partial void AttachedToDevService(this ILogger logger, string id, string module, string name);

    [LoggerMessage(500, LogLevel.Information, "Leak protection for session {Session}: watchdog started in {Milliseconds} ms; sweeping dead sessions of host {Host} in the background")]
    public static partial void LeakProtectionStarted(this ILogger logger, string session, long milliseconds, string host);

    [LoggerMessage(501, LogLevel.Information, "Leak protection: watchdog {Pid} ready {Milliseconds} ms after its start")]
    public static partial void WatchdogReady(this ILogger logger, int pid, long milliseconds);

    [LoggerMessage(502, LogLevel.Warning, "Leak protection: no watchdog, so if this process is killed its resources stay until the next Testkit run on this host sweeps them. {Reason}")]
    public static partial void WatchdogUnavailable(this ILogger logger, string reason);

    [LoggerMessage(503, LogLevel.Information, "Leak protection is off ({Cause}): no watchdog and no sweep of dead sessions; resources of a killed test process stay behind")]
    public static partial void LeakProtectionOff(this ILogger logger, string cause);

    [LoggerMessage(504, LogLevel.Information, "Swept {Removed} resource(s) of {Sessions} dead session(s) on host {Host} in {Milliseconds} ms")]
    public static partial void SweepDone(this ILogger logger, int removed, int sessions, string host, long milliseconds);

    [LoggerMessage(505, LogLevel.Warning, "The sweep of dead sessions could not remove {Resource}: {Reason}. Remove it by hand ('docker rm -f' / 'docker network rm' / 'docker volume rm' / 'docker rmi')")]
    public static partial void SweepRemoveFailed(this ILogger logger, string resource, string reason);

    [LoggerMessage(506, LogLevel.Warning, "The sweep of dead sessions failed: {Reason}. Leftovers of killed test processes stay until a later run sweeps them")]
    public static partial void SweepFailed(this ILogger logger, string reason);

    [LoggerMessage(507, LogLevel.Debug, "Leak protection: {Line}")]
    public static partial void WatchdogOutput(this ILogger logger, string line);

    [LoggerMessage(400, LogLevel.Information, "Building image {Image} from {Context} with {Dockerfile}: {Entries} files and directories, {Bytes} bytes")]
    public static partial void ImageBuilding(this ILogger logger, string image, string context, string dockerfile, int entries, long bytes);

    [LoggerMessage(401, LogLevel.Information, "Build {Image}: {Step}")]
    public static partial void BuildStep(this ILogger logger, string image, string step);

    [LoggerMessage(402, LogLevel.Debug, "Build {Image}: {Line}")]
    public static partial void BuildOutput(this ILogger logger, string image, string line);

    [LoggerMessage(403, LogLevel.Information, "Image {Image} ({Id}) built in {Milliseconds} ms")]
    public static partial void ImageBuilt(this ILogger logger, string image, string id, long milliseconds);

    [LoggerMessage(404, LogLevel.Information, "Image {Image} ({Id}) is up to date (build hash {Hash}): build skipped, checked in {Milliseconds} ms")]
    public static partial void ImageUpToDate(this ILogger logger, string image, string id, string hash, long milliseconds);

    [LoggerMessage(405, LogLevel.Information, "Image {Image} removed in {Milliseconds} ms")]
    public static partial void ImageRemoved(this ILogger logger, string image, long milliseconds);

    [LoggerMessage(406, LogLevel.Information, "Image {Image} stays on the engine (kept)")]
    public static partial void ImageKept(this ILogger logger, string image);

    [LoggerMessage(407, LogLevel.Warning, "Image {Image} is still used by a container, so it stays until a later DisposeAsync after the container is removed ({Reason})")]
    public static partial void ImageInUse(this ILogger logger, string image, string reason);

    [LoggerMessage(408, LogLevel.Information, "Base image {Requested} replaced by {Image} in the Dockerfile (substitution from {Source})")]
    public static partial void BaseImageSubstituted(this ILogger logger, string requested, string image, string source);

    [LoggerMessage(409, LogLevel.Information, "Container {Id} committed as {Image} ({ImageId}) in {Milliseconds} ms")]
    public static partial void ContainerCommitted(this ILogger logger, string id, string image, string imageId, long milliseconds);

    [LoggerMessage(410, LogLevel.Debug, "Intermediate image {Id} of {Image} stays: {Reason}")]
    public static partial void IntermediateImageKept(this ILogger logger, string id, string image, string reason);

    [LoggerMessage(520, LogLevel.Information, "Removed reused container {Name}: idle for {Idle} (more than {Limit})")]
    public static partial void ReusedContainerRemoved(this ILogger logger, string name, TimeSpan idle, TimeSpan limit);
}
