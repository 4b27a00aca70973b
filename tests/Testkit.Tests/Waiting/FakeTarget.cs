using System.Runtime.CompilerServices;
using Testkit.Containers;
using Testkit.Waiting;

namespace Testkit.Tests.Waiting;

/// <summary>A wait target without an engine: exec and state answers come from delegates, calls are recorded.</summary>
internal sealed class FakeTarget : IWaitTarget
{
    public Func<IReadOnlyList<string>, ExecResult> Exec { get; init; } = _ => new ExecResult(0, "", "");

    public Func<int, ContainerState> State { get; init; } = _ => Running(health: null);

    public List<IReadOnlyList<string>> ExecCalls { get; } = [];

    public int StateCalls { get; private set; }

    public string Id => "0123456789abcdef0123";

    public string Host => "127.0.0.1";

    public int GetMappedPort(int containerPort) =>
        throw new ArgumentException($"Port {containerPort}/tcp is not published. Publish it with WithPortBinding({containerPort}).", nameof(containerPort));

    public async IAsyncEnumerable<LogLine> FollowLogsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(System.Threading.Timeout.Infinite, cancellationToken);
        yield break;
    }

    public Task<ExecResult> ExecAsync(IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        lock (ExecCalls)
        {
            ExecCalls.Add(command);
        }

        return Task.FromResult(Exec(command));
    }

    public Task<ContainerState> GetStateAsync(CancellationToken cancellationToken) => Task.FromResult(State(++StateCalls));

    public static ContainerState Running(string? health) => new("running", true, false, 0, false, health, null);
}
