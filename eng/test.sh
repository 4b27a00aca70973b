#!/usr/bin/env bash
# README command 2: set-up, build (warnings are errors), the format check, then every test project of Testkit.sln
# against the real engine, then the packages as users get them (eng/package-test.sh).
# Ends with one line 'Tests: N passed, N failed, N skipped'.
#   ./eng/test.sh --unit   only the engine-free tests ([Trait("Category", "Unit")]): no set-up, no engine, seconds.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# Sums the per-assembly summaries of a dotnet test log ("Passed!  - Failed: 0, Passed: 39, Skipped: 0, ...") into
# "passed failed skipped", and lists the failed tests.
count_tests() {
  awk -F'[:,]' '/(Passed|Failed)! +- +Failed:/ { f += $2; p += $4; s += $6 } END { printf "%d %d %d\n", p, f, s }' "$1"
  if grep -qE '^\s+Failed [A-Za-z]' "$1"; then
    echo "[test] failed tests:" >&2
    grep -E '^\s+Failed [A-Za-z]' "$1" | sed 's/^\s*/  /' >&2
  fi
}

if [ "${1:-}" = "--unit" ]; then
  log=$(mktemp)
  TESTKIT_HOME=$(mktemp -d)
  export TESTKIT_HOME
  trap 'rm -rf "$log" "$TESTKIT_HOME"' EXIT
  echo "[test] engine-free tests only (Category=Unit), with DOCKER_HOST pointing at nothing: none may need an engine"
  status=0
  DOCKER_HOST=tcp://127.0.0.1:1 dotnet test Testkit.sln --nologo --filter "Category=Unit" 2>&1 | tee "$log" || status=$?
  read -r passed failed skipped < <(count_tests "$log")
  echo "Tests: $passed passed, $failed failed, $skipped skipped"
  if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then exit 1; fi
  exit 0
fi

bash eng/setup.sh

echo "[test] building Testkit.sln"
dotnet build Testkit.sln --nologo -v quiet -clp:ErrorsOnly

# The layout and style that .editorconfig describes. The analyzers' rules are not run again here: the build above
# already failed on any of their warnings. About 30 s (whitespace about 10, style about 20) on 2 idle cores.
echo "[test] checking the format (dotnet format whitespace + style, as .editorconfig says)"
if ! { dotnet format whitespace Testkit.sln --verify-no-changes --no-restore \
    && dotnet format style Testkit.sln --verify-no-changes --no-restore; }; then
  echo "[test] ERROR: the files above are not formatted as .editorconfig says. Fix them with: dotnet format Testkit.sln" >&2
  exit 1
fi

log=$(mktemp)
before=$(mktemp)
# The suite runs as on a fresh machine, and never touches the user's own dev services, passwords or reuse ledger:
# an empty TESTKIT_HOME of its own, carrying over only what set-up wrote there (the image substitutions).
setup_home=${TESTKIT_HOME:-$HOME/.testkit}
TESTKIT_HOME=$(mktemp -d)
export TESTKIT_HOME
if [ -f "$setup_home/images.conf" ]; then cp "$setup_home/images.conf" "$TESTKIT_HOME/"; fi
trap 'rm -rf "$log" "$before" "$TESTKIT_HOME"' EXIT
# What exists before the tests, so that anything left after them is a leak, labelled or not.
engine_resources() {
  { docker ps -aq --no-trunc | sed 's/^/container /'
    docker network ls -q --no-trunc | sed 's/^/network /'
    docker volume ls -q | sed 's/^/volume /'; } | sort
}
engine_resources > "$before"
echo "[test] running tests"
status=0
# The test process's own watchdog would remove what a test leaked before the check below sees it: off here.
TESTKIT_CLEANUP=off dotnet test Testkit.sln --no-build --nologo --filter "Category!=EngineFault" 2>&1 | tee "$log" || status=$?
# Then alone, so that the load of the others cannot blur them: the engine-fault tests, which kill and restart an
# engine of their own (see tests/Testkit.Tests/Cleanup/EngineFaultTests.cs).
echo "[test] running the engine-fault tests"
TESTKIT_CLEANUP=off dotnet test tests/Testkit.Tests --no-build --nologo --filter "Category=EngineFault" 2>&1 | tee -a "$log" || status=$?

read -r passed failed skipped < <(count_tests "$log")
leftover=$(comm -13 "$before" <(engine_resources))
if [ -n "$leftover" ]; then
  echo "[test] ERROR: the tests left these behind (docker ps -a / network ls / volume ls):" >&2
  echo "$leftover" >&2
else
  echo "[test] no container, network or volume left behind"
fi

# The packages as users get them, and a killed consumer's container removed by its watchdog (leak protection on).
# After the leak check: that consumer's start-up sweep would remove what the test processes above leaked.
package=0
bash eng/package-test.sh || package=$?
# Counted as one test, so that the closing line says whether it passed.
if [ "$package" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "[test] failed: eng/package-test.sh"; fi

echo "Tests: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ] || [ -n "$leftover" ] || [ "$package" -ne 0 ]; then exit 1; fi
