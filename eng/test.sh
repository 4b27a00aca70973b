#!/usr/bin/env bash
# README command 2: set-up, build (warnings are errors), then every test project of Testkit.sln
# against the real engine. Ends with one line 'Tests: N passed, N failed, N skipped'.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash eng/setup.sh

echo "[test] building Testkit.sln"
dotnet build Testkit.sln --nologo -v quiet -clp:ErrorsOnly

log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "[test] running tests"
status=0
dotnet test Testkit.sln --no-build --nologo 2>&1 | tee "$log" || status=$?

# Sum the per-assembly summaries ("Passed!  - Failed: 0, Passed: 39, Skipped: 0, ...").
read -r passed failed skipped < <(awk -F'[:,]' '/(Passed|Failed)! +- +Failed:/ { f += $2; p += $4; s += $6 }
    END { printf "%d %d %d\n", p, f, s }' "$log")
leftover=$(docker ps -aq --filter label=org.testkit.managed=true | wc -l)
echo "[test] containers left by tests: $leftover"
echo "Tests: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then exit 1; fi
if [ "$leftover" -ne 0 ]; then echo "[test] ERROR: tests left containers behind" >&2; exit 1; fi
