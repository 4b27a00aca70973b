using Testkit.Containers;

namespace Testkit.Waiting;

/// <summary>What a wait strategy may look at: the narrow view of a started container.</summary>
public interface IWaitTarget
{
    /// <summary>The container's id.</summary>
    string Id { get; }

    /// <summary>The host name to connect to for published ports.</summary>
    string Host { get; }

    /// <summary>The host port published for <paramref name="containerPort"/>.</summary>
    int GetMappedPort(int containerPort);

    /// <summary>The container's log lines from its start, following new ones until cancelled or the container stops.</summary>
    IAsyncEnumerable<LogLine> FollowLogsAsync(CancellationToken cancellationToken);

    /// <summary>Runs a command inside the container and returns its exit code and output.</summary>
    Task<ExecResult> ExecAsync(IReadOnlyList<string> command, CancellationToken cancellationToken);

    /// <summary>The container's current state, health included.</summary>
    Task<ContainerState> GetStateAsync(CancellationToken cancellationToken);
}
