#!/usr/bin/env bash
# README command 1: set-up, then the quick-start sample — a real PostgreSQL started through the SDK,
# a table created, a row written and read back, everything removed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/eng/setup.sh"
echo "[quickstart] building and running samples/QuickStart"
dotnet run --project "$root/samples/QuickStart/QuickStart.csproj" -v quiet --nologo
