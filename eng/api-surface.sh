#!/usr/bin/env bash
# Counts the public API of each shipped library: public types and the members a user can reach, per assembly.
# Usage: eng/api-surface.sh [Debug|Release]   (builds the libraries and eng/ApiSurface first; the tool is not in Testkit.sln)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
configuration="${1:-Debug}"
libraries=(
  src/Testkit/Testkit.csproj
  src/Testkit.Compose/Testkit.Compose.csproj
  modules/Testkit.Postgres/Testkit.Postgres.csproj
  modules/Testkit.Redis/Testkit.Redis.csproj
  modules/Testkit.Kafka/Testkit.Kafka.csproj
  src/Testkit.Xunit/Testkit.Xunit.csproj
  src/Testkit.NUnit/Testkit.NUnit.csproj
)
# A build's output only when it fails.
quiet() {
  local output
  if ! output="$("$@" 2>&1)"; then
    printf '%s\n' "$output" >&2
    return 1
  fi
}
assemblies=()
for project in "${libraries[@]}"; do
  quiet dotnet build "$root/$project" -c "$configuration" --nologo
  assemblies+=("$(dotnet msbuild "$root/$project" -getProperty:TargetPath -p:Configuration="$configuration")")
done
quiet dotnet build "$root/eng/ApiSurface/ApiSurface.csproj" -c Release --nologo
dotnet "$(dotnet msbuild "$root/eng/ApiSurface/ApiSurface.csproj" -getProperty:TargetPath -p:Configuration=Release)" "${assemblies[@]}"
