namespace Testkit.Containers;

/// <summary>Every attempt of a start with <see cref="ContainerBuilder.WithStartupAttempts"/> above one failed: the message
/// lists each attempt's reason in order, <see cref="Attempts"/> holds their errors, and <see cref="Exception.InnerException"/>
/// is the last one (a <see cref="ContainerExitedException"/> or a <see cref="Waiting.WaitTimeoutException"/>).
/// A start of one attempt reports its error as it is, without this wrapper.</summary>
public sealed class ContainerStartException : TestkitException
{
    internal ContainerStartException(string container, IReadOnlyList<Exception> attempts)
        : base($"Container {container} failed all {attempts.Count} startup attempts (WithStartupAttempts({attempts.Count})), each on a new container: "
            + string.Join("; ", attempts.Select((e, i) => $"attempt {i + 1}: {e.Message}")), attempts[^1])
    {
        Attempts = attempts;
    }

    /// <summary>Each attempt's error, the first attempt's first.</summary>
    public IReadOnlyList<Exception> Attempts { get; }
}
