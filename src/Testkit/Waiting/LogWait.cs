using System.Text.RegularExpressions;

namespace Testkit.Waiting;

/// <summary>Waits until a log line matches a pattern a number of times, optionally counting only after another line.</summary>
public sealed record LogWait : IWaitStrategy
{
    internal LogWait(Regex pattern) => Pattern = pattern;

    /// <summary>The pattern a line must match.</summary>
    public Regex Pattern { get; }

    /// <summary>How many matching lines to wait for.</summary>
    public int Occurrences { get; init; } = 1;

    /// <summary>When set, only lines after the first line matching this pattern count.</summary>
    public Regex? After { get; init; }

    /// <inheritdoc />
    public TimeSpan? Timeout { get; init; }

    /// <summary>Waits for <paramref name="count"/> matching lines instead of one.</summary>
    public LogWait Times(int count) =>
        count > 0 ? this with { Occurrences = count } : throw new ArgumentOutOfRangeException(nameof(count), count, "Wait for one line or more.");

    /// <summary>Counts matching lines only after a line matching <paramref name="pattern"/>, e.g. once an init phase ended.</summary>
    public LogWait AfterLine(string pattern) => this with { After = new Regex(pattern, RegexOptions.Compiled) };

    /// <summary>Gives this wait its own deadline.</summary>
    public LogWait WithTimeout(TimeSpan timeout) => this with { Timeout = Wait.CheckTimeout(timeout) };

    /// <inheritdoc />
    public async ValueTask WaitAsync(IWaitTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var seen = 0;
        var counting = After is null;
        await foreach (var line in target.FollowLogsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!counting)
            {
                counting = After!.IsMatch(line.Text);
                continue;
            }

            if (Pattern.IsMatch(line.Text) && ++seen >= Occurrences)
            {
                return;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        throw new TestkitException($"The container's log ended before {this}.");
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"log line /{Pattern}/" + (Occurrences > 1 ? $" {Occurrences} times" : "") + (After is null ? "" : $" after /{After}/");
}
