namespace Testkit.Waiting;

/// <summary>A condition a started container must meet before it counts as ready.
/// Its <c>ToString()</c> says what is awaited, for logs and timeout errors.</summary>
public interface IWaitStrategy
{
    /// <summary>How long this condition may take, or null for the container's whole startup timeout.</summary>
    TimeSpan? Timeout { get; }

    /// <summary>Returns once the condition holds; throws if it never can.</summary>
    ValueTask WaitAsync(IWaitTarget target, CancellationToken cancellationToken);
}
