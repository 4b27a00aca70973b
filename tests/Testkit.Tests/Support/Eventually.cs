namespace Testkit.Tests.Support;

/// <summary>Waits on a condition with a deadline instead of sleeping a guessed time.</summary>
internal static class Eventually
{
    private static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(30);

    /// <summary>The probe's first value that <paramref name="accept"/> takes; fails with <paramref name="what"/> at the deadline.</summary>
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> probe, Func<T, bool> accept, string what, TimeSpan? within = null)
    {
        using var deadline = new CancellationTokenSource(within ?? DefaultDeadline);
        var last = await UntilAsync(_ => probe(), accept, deadline.Token);
        return accept(last) ? last : throw new TimeoutException($"Timed out waiting for {what}; last value: {last}");
    }

    /// <summary>The probe's first answer equal to <paramref name="expected"/>, or its last answer at the deadline.</summary>
    public static async Task<T> ReturnsAsync<T>(Func<CancellationToken, Task<T>> probe, T expected, TimeSpan? within = null)
    {
        using var deadline = new CancellationTokenSource(within ?? DefaultDeadline);
        return await UntilAsync(probe, value => EqualityComparer<T>.Default.Equals(value, expected), deadline.Token);
    }

    private static async Task<T> UntilAsync<T>(Func<CancellationToken, Task<T>> probe, Func<T, bool> accept, CancellationToken deadline)
    {
        var delay = TimeSpan.FromMilliseconds(10);
        var last = default(T)!;
        while (!deadline.IsCancellationRequested)
        {
            try
            {
                last = await probe(deadline);
                if (accept(last))
                {
                    break;
                }

                await Task.Delay(delay, deadline);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                break;
            }

            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 200));
        }

        return last;
    }
}
