using System.Diagnostics;
using Testkit.Benchmarks.Harness;

namespace Testkit.Benchmarks.Services;

/// <summary>A service as one tool runs it: started, answered once by a real client, removed. Disposing removes
/// everything it created, also after a failed or cancelled start.</summary>
internal interface IServiceUnderTest : IAsyncDisposable
{
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>The first answer of the client every tool's row uses (Npgsql <c>SELECT 1</c>, StackExchange.Redis PING, Kafka metadata).</summary>
    Task FirstAnswerAsync(CancellationToken cancellationToken);
}

internal static class ServiceRuns
{
    public const string StartLap = "start";
    public const string DisposeLap = "dispose";

    /// <summary>One run: from creating the service object to the first answer of <paramref name="answer"/> (default: the
    /// service's <see cref="IServiceUnderTest.FirstAnswerAsync"/>) as <see cref="StartLap"/>, then its dispose as <see cref="DisposeLap"/>.</summary>
    public static async Task StartAnswerDisposeAsync<TService>(Func<TService> create, Func<TService, Laps, CancellationToken, Task>? answer, Laps laps, CancellationToken cancellationToken)
        where TService : IServiceUnderTest
    {
        var clock = Stopwatch.StartNew();
        var service = create();
        try
        {
            await service.StartAsync(cancellationToken);
            laps.Phase = "first answer";
            await (answer ?? ((s, _, ct) => s.FirstAnswerAsync(ct)))(service, laps, cancellationToken);
            laps.Record(StartLap, clock.Elapsed);
        }
        finally
        {
            laps.Phase = "dispose";
            clock.Restart();
            await service.DisposeAsync();
            laps.Record(DisposeLap, clock.Elapsed);
        }
    }

    /// <summary>A row that measures <see cref="StartAnswerDisposeAsync"/> of a new service from <paramref name="create"/>.</summary>
    public static Row Row<TService>(Tool tool, Func<TService> create, Func<TService, Laps, CancellationToken, Task>? answer = null, string @case = "")
        where TService : IServiceUnderTest =>
        new(tool, @case, (laps, cancellationToken) => StartAnswerDisposeAsync(create, answer, laps, cancellationToken));
}
