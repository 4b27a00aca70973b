using System.Text.RegularExpressions;
using Testkit.Waiting;

namespace Testkit.Kafka;

/// <summary>Follows the broker's log to its "started" line and notes the Kafka version it logs on the way, which the
/// client settings depend on, so that nothing reads the whole log again afterwards.</summary>
internal sealed partial class BrokerStartedWait : IWaitStrategy
{
    public TimeSpan? Timeout => null;

    public async ValueTask WaitAsync(IWaitTarget target, CancellationToken cancellationToken)
    {
        var kafka = (KafkaContainer)target;
        await foreach (var line in target.FollowLogsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (KafkaAdmin.FindVersion(line.Text) is { } version)
            {
                kafka.NoteBrokerVersion(version);
            }

            if (Started().IsMatch(line.Text))
            {
                return;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        throw new TestkitException($"The container's log ended before {this}.");
    }

    public override string ToString() => $"log line /{Started()}/";

    [GeneratedRegex(@"\[KafkaServer id=\d+\] started")]
    private static partial Regex Started();
}
