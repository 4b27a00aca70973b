#!/usr/bin/env bash
# Runs once while the image is built: ZooKeeper, a broker (through testkit.KafkaLauncher) and the command-line tools
# do what tests do (start, a topic, a produce, a consumer group, a clean stop) while each JVM records the classes it
# loads; then one class-data-sharing archive is dumped per JVM into DIR. A JVM started with
# -XX:SharedArchiveFile=DIR/<name>.jsa maps those classes already parsed and verified instead of reading them from the
# jars: about 40 % less CPU to start. Static archives, because JDK 17's dynamic ones (-XX:ArchiveClassesAtExit) skip
# classes older than Java 6, and ZooKeeper 3.4.6 and log4j 1.2 are.
# Usage: cds-train.sh DIR
set -euo pipefail
out=$1
work=$(mktemp -d)
mkdir -p "$out" "$work/zookeeper" "$work/kafka"
jvm=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto)

fail() {
  echo "CDS training failed: $*" >&2
  for log in "$work"/*.log; do echo "--- $log" >&2; tail -n 30 "$log" >&2; done
  exit 1
}
await() {
  local what=$1 deadline=$((SECONDS + 90)); shift
  until "$@"; do [ "$SECONDS" -lt "$deadline" ] || fail "$what within 90 s"; sleep 0.1; done
}
tool() {
  local name=$1; shift
  java "${jvm[@]}" -XX:DumpLoadedClassList="$work/tools-$name.classlist" $KAFKA_LOG4J_OPTS "$@" >"$work/tool-$name.log" 2>&1
}

printf 'clientPort=2181\ndataDir=%s\n' "$work/zookeeper" >"$work/zookeeper.properties"
cat >"$work/server.properties" <<PROPERTIES
broker.id=1
zookeeper.connect=127.0.0.1:2181
listeners=PLAINTEXT://127.0.0.1:9092
log.dirs=$work/kafka
offsets.topic.num.partitions=1
offsets.topic.replication.factor=1
log.cleaner.dedupe.buffer.size=2097152
PROPERTIES
echo group.id=warm-up >"$work/consumer.properties"

java "${jvm[@]}" -XX:DumpLoadedClassList="$work/zookeeper.classlist" $KAFKA_LOG4J_OPTS \
  org.apache.zookeeper.server.quorum.QuorumPeerMain "$work/zookeeper.properties" >"$work/zookeeper.log" 2>&1 &
zookeeper=$!
# Started at once, as in the image: the launcher holds the broker back until ZooKeeper serves.
java "${jvm[@]}" -XX:DumpLoadedClassList="$work/kafka.classlist" $KAFKA_LOG4J_OPTS \
  testkit.KafkaLauncher 127.0.0.1:2181 90 kafka.Kafka "$work/server.properties" >"$work/kafka.log" 2>&1 &
broker=$!
await "the broker did not start" grep -q 'started (kafka.server.KafkaServer)' "$work/kafka.log"

tool topics kafka.admin.TopicCommand --zookeeper 127.0.0.1:2181 --create --topic warm-up --partitions 2 --replication-factor 1 \
  || fail "kafka-topics failed"
echo warm-up | tool producer kafka.tools.ConsoleProducer --broker-list 127.0.0.1:9092 --topic warm-up --sync \
  --request-required-acks 1 --message-send-max-retries 50 --retry-backoff-ms 100 || fail "the console producer failed"
tool consumer kafka.tools.ConsoleConsumer --new-consumer --bootstrap-server 127.0.0.1:9092 --topic warm-up \
  --from-beginning --max-messages 1 --timeout-ms 60000 --consumer.config "$work/consumer.properties" || fail "the console consumer failed"
grep -q 'Processed a total of 1 messages' "$work/tool-consumer.log" || fail "the console consumer got no message"

kill -TERM "$broker"; wait "$broker" || true
kill -TERM "$zookeeper"; wait "$zookeeper" || true

# The tools share one archive: one JVM at a time runs them, and they load mostly the same classes.
awk '!seen[$0]++' "$work"/tools-*.classlist >"$work/tools.classlist"
for name in zookeeper kafka tools; do
  java -Xshare:dump -XX:SharedClassListFile="$work/$name.classlist" -XX:SharedArchiveFile="$out/$name.jsa" \
    >"$work/dump-$name.log" 2>&1 || fail "dumping the $name archive failed"
  # -Xshare:on refuses to start when the archive does not match this runtime and class path: prove it does.
  java -Xshare:on -XX:SharedArchiveFile="$out/$name.jsa" -version >/dev/null 2>&1 || fail "the $name archive does not map"
  echo "$name: $(wc -l <"$work/$name.classlist") classes, $(( $(stat -c %s "$out/$name.jsa") / 1048576 )) MB"
done
rm -rf "$work"
