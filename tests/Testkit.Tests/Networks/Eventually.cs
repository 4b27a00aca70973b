namespace Testkit.Tests.Networks;

/// <summary>Retries a probe until it gives the expected answer or a deadline passes; never sleeps a fixed time.</summary>
internal static class Eventually
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    /// <summary>The probe's first answer equal to <paramref name="expected"/>, or its last answer at the deadline.</summary>
    public static async Task<T> ReturnsAsync<T>(Func<CancellationToken, Task<T>> probe, T expected, TimeSpan? within = null)
    {
        using var deadline = new CancellationTokenSource(within ?? Deadline);
        var last = default(T);
        while (!deadline.IsCancellationRequested)
        {
            try
            {
                last = await probe(deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                break;
            }

            if (EqualityComparer<T>.Default.Equals(last, expected))
            {
                break;
            }
        }

        return last!;
    }
}
