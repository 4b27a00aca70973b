#!/usr/bin/env bash
# Issue 9's benchmark in one command: engine and offline images (eng/setup.sh), then Testkit, Testcontainers and the
# docker CLI side by side (benchmarks/Testkit.Benchmarks), written to benchmarks/RESULTS.md with what the machine was.
#   eng/bench.sh                       # every scenario, 7 runs per row after 1 warm-up
#   eng/bench.sh --runs 3 --scenario postgres,redis
#   eng/bench.sh micro                 # BenchmarkDotNet over the SDK's code paths (no containers)
# Arguments go to the benchmark program; `eng/bench.sh --help` lists them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
project=benchmarks/Testkit.Benchmarks
results=benchmarks/RESULTS.md

bash eng/setup.sh

if [ "${1:-}" = micro ] || [ "${1:-}" = --help ] || [ "${1:-}" = -h ]; then
  exec dotnet run -c Release --project "$project" -- "$@"
fi

# DOCKER_API_VERSION and TESTCONTAINERS_RYUK_DISABLED, which Testcontainers needs here, are set by the program itself
# when unset (Harness/CompetitorEnvironment.cs).

run_id="bench-$(date +%Y%m%d%H%M%S)-$$"
tables=$(mktemp)
# If the program is killed before its own clean-up, remove what it labelled (only this run's label: other runs and
# other engineers' containers are left alone).
sweep() {
  local filter="label=org.testkit.bench.run=$run_id" ids
  ids=$(docker ps -aq --filter "$filter"); [ -z "$ids" ] || docker rm -f -v $ids >/dev/null
  ids=$(docker network ls -q --filter "$filter"); [ -z "$ids" ] || docker network rm $ids >/dev/null
  ids=$(docker images -q --filter "$filter" | sort -u); [ -z "$ids" ] || docker rmi -f $ids >/dev/null
  rm -f "$tables"
}
trap sweep EXIT

echo "[bench] building $project (Release)"
dotnet build -c Release "$project" --nologo -v quiet -clp:ErrorsOnly

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
status=0
dotnet run -c Release --no-build --project "$project" -- --run-id "$run_id" --out "$tables" "$@" || status=$?
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=; git diff --quiet HEAD -- 2>/dev/null || dirty=yes
{
  echo "# Benchmark results"
  echo
  echo "Written by \`eng/bench.sh $*\`. Compare ratios within this run only: absolute times depend on the machine and its load."
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| date | $started |"
  echo "| commit | $commit${dirty:+ (with uncommitted changes)} |"
  echo "| cores (nproc) | $(nproc) |"
  echo "| memory | $(free -h | awk '/^Mem:/ { print $2 " total, " $7 " available at start" }') |"
  echo "| kernel | $(uname -sr) |"
  echo "| docker | engine $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})'), CLI $(docker version --format '{{.Client.Version}}') |"
  echo "| .NET SDK | $(dotnet --version) |"
  echo "| load average (1, 5, 15 min) | start $load_start; end $load_end |"
  echo
  cat "$tables"
} > "$results"
echo "[bench] results written to $results"
exit "$status"
