using System.Text.RegularExpressions;

namespace Testkit.Waiting;

/// <summary>The wait strategies: small immutable values that say what "ready" means.</summary>
public static class Wait
{
    /// <summary>Ready once a log line matches <paramref name="pattern"/> (a regular expression).</summary>
    public static LogWait ForLogMessage(string pattern) => new(new Regex(pattern, RegexOptions.Compiled));

    /// <summary>Ready once <paramref name="condition"/> returns true; <paramref name="description"/> says what it checks.</summary>
    public static ConditionWait Until(string description, Func<IWaitTarget, CancellationToken, ValueTask<bool>> condition)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        ArgumentNullException.ThrowIfNull(condition);
        return new ConditionWait(description, condition);
    }

    /// <summary>Ready once every strategy is, checked in order.</summary>
    public static AllWait ForAll(params IWaitStrategy[] strategies) => new([.. strategies]);
}
