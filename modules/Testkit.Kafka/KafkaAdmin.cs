using System.Globalization;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Testkit.Containers;

namespace Testkit.Kafka;

/// <summary>What the module asks of the broker: metadata polled with a deadline, new topics, its version.</summary>
internal static partial class KafkaAdmin
{
    /// <summary>Where consumer groups keep their offsets; the broker creates it when a group or a metadata request first needs it.</summary>
    public const string OffsetsTopic = "__consumer_offsets";

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(2);
    // A metadata request on the local broker costs about a millisecond: asking often finds the leader as soon as it exists.
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(10);

    // cp-kafka and the offline stand-in have the kafka-topics script; an image with only the classes (CLASSPATH set) gets the class.
    private const string TopicCommand = """
        if command -v kafka-topics >/dev/null 2>&1; then exec kafka-topics "$@"; fi
        exec java -XX:TieredStopAtLevel=1 $KAFKA_LOG4J_OPTS kafka.admin.TopicCommand "$@"
        """;

    /// <summary>Returns once the broker answers a metadata request, lists itself and leads the consumer offsets topic.</summary>
    /// <remarks>Asking for the offsets topic makes the broker create it, as the first consumer group would. Created here,
    /// while the broker starts, the first group finds its coordinator at once; created by the group's own lookup, the
    /// lookup fails and librdkafka asks again only about a second later. A broker that does not create the topic on a
    /// metadata request (it answers "unknown topic") is ready without it.</remarks>
    public static async Task WaitUntilServingGroupsAsync(AdminClientConfig config, CancellationToken cancellationToken)
    {
        var admin = CreateAdminClient(config);
        try
        {
            // The topic gets its leader within a few hundred milliseconds, and every one of them counts.
            while (true)
            {
                if (await GetAsync(admin, OffsetsTopic, cancellationToken).ConfigureAwait(false) is { Brokers.Count: > 0 } metadata
                    && !IsBeingCreated(metadata.Topics.Find(t => t.Topic == OffsetsTopic)))
                {
                    return;
                }

                await Task.Delay(Pause, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            DisposeInBackground(admin);
        }
    }

    /// <summary>Creates a topic through the CreateTopics request (Kafka 0.10.1 and later).</summary>
    public static async Task CreateTopicAsync(AdminClientConfig config, string name, int partitions)
    {
        var admin = CreateAdminClient(config);
        try
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = name, NumPartitions = partitions, ReplicationFactor = 1 }]).ConfigureAwait(false);
        }
        catch (CreateTopicsException e)
        {
            throw TopicRefused(name, e.Results[0].Error.Reason, e);
        }
        finally
        {
            DisposeInBackground(admin);
        }
    }

    /// <summary>Creates a topic through ZooKeeper with the broker's own tool, as brokers before 0.10.1 need.</summary>
    public static async Task CreateTopicThroughZooKeeperAsync(Container broker, string zookeeper, string name, int partitions, CancellationToken cancellationToken)
    {
        var result = await broker.ExecAsync(["sh", "-c", TopicCommand, "sh", "--zookeeper", zookeeper, "--create", "--topic", name,
            "--partitions", partitions.ToString(CultureInfo.InvariantCulture), "--replication-factor", "1"], cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0 || result.Stdout.Contains("Error while executing", StringComparison.Ordinal))
        {
            throw TopicRefused(name, $"{result.Stdout.Trim()} {result.Stderr.Trim()} (exit code {result.ExitCode})", null);
        }
    }

    /// <summary>Returns once <paramref name="name"/> has <paramref name="partitions"/> partitions, each with a leader.</summary>
    public static async Task WaitForLeadersAsync(AdminClientConfig config, string name, int partitions, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var admin = CreateAdminClient(config);
        TopicMetadata? topic = null;
        try
        {
            while (true)
            {
                topic = (await GetAsync(admin, name, deadline.Token).ConfigureAwait(false))?.Topics.Find(t => t.Topic == name);
                if (topic is { Error.IsError: false } && topic.Partitions.Count == partitions && topic.Partitions.TrueForAll(p => p.Leader >= 0))
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(20), deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var seen = topic is null ? "no metadata" : $"{topic.Partitions.Count(p => p.Leader >= 0)} of {topic.Partitions.Count} partitions with a leader, error '{topic.Error.Reason}'";
            throw new TestkitException($"Topic '{name}' did not get {partitions} partitions with leaders within {timeout.TotalSeconds:0} s ({seen}). "
                + "The broker's log (GetLogsAsync) says why its controller could not elect them.");
        }
        finally
        {
            DisposeInBackground(admin);
        }
    }

    /// <summary>The version a broker's log names ("Kafka version : 0.9.0.1", "Kafka version: 7.6.1-ccs"), or null.</summary>
    public static string? FindVersion(string log) => VersionLine().Match(log) is { Success: true } line ? line.Groups[1].Value : null;

    /// <summary>The leading digits and dots of a version such as <c>7.6.1-ccs</c>.</summary>
    public static bool TryParseVersion(string? text, out Version version) =>
        Version.TryParse(text is null ? null : LeadingVersion().Match(text).Value, out version!);

    // "Leader not available" is the answer while the topic is created; partitions without a leader are still being elected.
    private static bool IsBeingCreated(TopicMetadata? topic) =>
        topic is not null && (topic.Error.Code == ErrorCode.LeaderNotAvailable || (!topic.Error.IsError && !topic.Partitions.TrueForAll(p => p.Leader >= 0)));

    private static TestkitException TopicRefused(string name, string reason, Exception? inner) => new(
        $"The broker did not create topic '{name}': {reason}. Give a name that does not exist yet, made of letters, digits, '.', '_' and '-'.", inner);

    // Quiet: librdkafka's warnings about the settings old brokers need are expected here.
    private static IAdminClient CreateAdminClient(AdminClientConfig config) => new AdminClientBuilder(config).SetLogHandler(static (_, _) => { }).Build();

    // librdkafka's destroy joins its threads (about 150 ms here); nobody needs to wait for that.
    private static void DisposeInBackground(IAdminClient admin) => _ = Task.Run(admin.Dispose);

    private static async Task<Metadata?> GetAsync(IAdminClient admin, string? topic, CancellationToken cancellationToken)
    {
        try
        {
            // librdkafka blocks the calling thread until the answer or the timeout.
            return await Task.Run(() => topic is null ? admin.GetMetadata(RequestTimeout) : admin.GetMetadata(topic, RequestTimeout), cancellationToken).ConfigureAwait(false);
        }
        catch (KafkaException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"Kafka version\s*:\s*(\d+(?:\.\d+){1,3})")]
    private static partial Regex VersionLine();

    [GeneratedRegex(@"^\d+(\.\d+){1,3}")]
    private static partial Regex LeadingVersion();
}
