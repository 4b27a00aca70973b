#!/usr/bin/env bash
# Testkit as users get it, with leak protection on:
# 1. a project that references src/Testkit by path builds with 'dotnet build -c Release -o out', and the watchdog is in out/;
# 2. every package packed to a folder (each packable project under src/ and modules/); a new project that references
#    ONLY Testkit.Redis from there, restored with a fresh NUGET_PACKAGES, has the watchdog next to Testkit.dll; run, it
#    starts a Redis container, prints its id and is killed with SIGKILL; its watchdog must remove that container within
#    the deadline;
# 3. two new test projects restored from the packed packages each run one test against the engine with 'dotnet test':
#    one that references only Testkit.Postgres, and one that references only Testkit.Xunit and holds the module of
#    docs/examples/ValkeyModule.cs, written on the public API as a user would (docs/modules.md);
# 4. the testkit tool installs from them (one package per platform, none over 25 MB) and runs.
# Needs the engine and the offline images (eng/setup.sh). Removes its temporary folders (KEEP_WORK=1 keeps them, to look
# into), and the container if it stays.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
deadline_seconds=20
# Never found on a registry: the packages restored are the ones packed here, whatever a configured source serves.
version=0.0.0-testkit.packagetest
watchdog_files=(Testkit.Watchdog.dll Testkit.Watchdog.runtimeconfig.json Testkit.Watchdog.deps.json)

work=$(mktemp -d)
consumer_pid=""
container=""
cleanup() {
  if [ -n "$consumer_pid" ]; then kill -KILL "$consumer_pid" 2>/dev/null || true; fi
  if [ -n "$container" ] && [ -n "$(docker ps -aq --filter "id=$container")" ]; then docker rm -f -v "$container" >/dev/null || true; fi
  if [ -n "${KEEP_WORK:-}" ]; then echo "[package-test] kept $work (KEEP_WORK)"; else rm -rf "$work"; fi
}
trap cleanup EXIT
started=$SECONDS
say() { echo "[package-test] $(( SECONDS - started ))s: $*"; }
fail() { echo "[package-test] FAILED: $*" >&2; exit 1; }
expect_watchdog_in() {
  for file in "${watchdog_files[@]}"; do
    [ -f "$1/$file" ] || fail "$file is missing from $1 ($2): leak protection would be off there"
  done
}
build() { dotnet build "$@" --nologo -v quiet -clp:ErrorsOnly; }
# A new project in $1 (outside the repository, so that none of its Directory.*.props apply) with the item in $2.
new_project() {
  mkdir -p "$1"
  cat > "$1/Consumer.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
    $2
  </ItemGroup>
</Project>
EOF
}

# 1. By path, before anything here builds Release into the repository's bin/: the watchdog must be found wherever
#    the ProjectReference put it, not at a fixed bin/<configuration>/ path.
new_project "$work/by-path" "<ProjectReference Include=\"$root/src/Testkit/Testkit.csproj\" />"
echo 'System.Console.WriteLine(typeof(Testkit.Containers.Container).Assembly.GetName().Name);' > "$work/by-path/Program.cs"
say "dotnet build -c Release -o out of a project that references src/Testkit by path"
build "$work/by-path" -c Release -o "$work/by-path/out"
expect_watchdog_in "$work/by-path/out" "dotnet build -c Release -o out, by path"

# 2. Packed.
say "packing every packable project under src/ and modules/ $version"
for project in "$root"/src/*/*.csproj "$root"/modules/*/*.csproj; do
  if [ "$(dotnet msbuild "$project" -getProperty:IsPackable)" = "false" ]; then continue; fi
  dotnet pack "$project" --nologo -v quiet -clp:ErrorsOnly -o "$work/feed" -p:PackageVersion="$version"
done

consumer="$work/by-package"
new_project "$consumer" "<PackageReference Include=\"Testkit.Redis\" Version=\"$version\" />"
cat > "$consumer/Program.cs" <<'EOF'
using Testkit.Redis;

// Starts a container and never disposes it, like a test process killed mid-test.
var redis = new RedisContainer();
await redis.StartAsync();
Console.WriteLine($"container {redis.Id}");
// Bounded, so that a consumer the script lost track of ends by itself (its watchdog then removes the container).
await Task.Delay(TimeSpan.FromMinutes(2));
EOF
# The packed folder as one more source: the machine's configured sources still serve the dependencies.
cat > "$consumer/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="testkit-packed" value="$work/feed" />
  </packageSources>
</configuration>
EOF
say "restoring and building a project that references only Testkit.Redis (fresh NUGET_PACKAGES)"
NUGET_PACKAGES="$work/nuget-packages" build "$consumer" -o "$consumer/out"
expect_watchdog_in "$consumer/out" "PackageReference to Testkit.Redis only"

# Under a host name of its own where it can (root: unshare --uts), so that its start-up sweep of dead sessions judges
# only its own host's: other test runs on a shared engine keep what they expect to find. Leak protection on.
run=(dotnet "$consumer/out/Consumer.dll")
if unshare --uts true 2>/dev/null; then
  run=(unshare --uts sh -c 'hostname "$0" && exec "$@"' "testkit-package-test-$$" "${run[@]}")
fi
say "running it with leak protection on"
env -u TESTKIT_CLEANUP "${run[@]}" > "$work/consumer.out" 2> "$work/consumer.err" &
consumer_pid=$!
until container=$(sed -n 's/^container //p' "$work/consumer.out") && [ -n "$container" ]; do
  kill -0 "$consumer_pid" 2>/dev/null || fail "the consumer ended before it printed a container id: $(cat "$work/consumer.out" "$work/consumer.err")"
  [ $(( SECONDS - started )) -lt 300 ] || fail "the consumer printed no container id within 300 s"
  sleep 0.1
done
if [ -s "$work/consumer.err" ]; then fail "the consumer wrote to stderr (a missing watchdog says so there): $(cat "$work/consumer.err")"; fi

kill -KILL "$consumer_pid"
wait "$consumer_pid" 2>/dev/null || true
consumer_pid=""
killed=$SECONDS
killed_ns=$(date +%s%N)
say "killed it (SIGKILL); waiting up to ${deadline_seconds}s for container ${container:0:12} to be removed"
while [ -n "$(docker ps -aq --filter "id=$container")" ]; do
  [ $(( SECONDS - killed )) -lt "$deadline_seconds" ] || fail "container ${container:0:12} is still there ${deadline_seconds}s after its process was killed: $(docker ps -a --filter "id=$container" --format '{{.Status}}')"
  sleep 0.1
done
container=""
say "the container was removed $(( ($(date +%s%N) - killed_ns) / 1000000 )) ms after the kill; passed"

# 3. Every package, and test projects that use them as users do.
version_of() { sed -n "s/.*PackageVersion Include=\"$1\" Version=\"\([^\"]*\)\".*/\1/p" "$root/Directory.Packages.props"; }
test_packages="<PackageReference Include=\"Microsoft.NET.Test.Sdk\" Version=\"$(version_of Microsoft.NET.Test.Sdk)\" />
    <PackageReference Include=\"xunit\" Version=\"$(version_of xunit)\" />
    <PackageReference Include=\"xunit.runner.visualstudio\" Version=\"$(version_of xunit.runner.visualstudio)\" />"
new_test_project() {
  new_project "$1" "$2
    $test_packages"
  sed -i 's|<OutputType>Exe</OutputType>|<IsTestProject>true</IsTestProject>|' "$1/Consumer.csproj"
  cp "$consumer/nuget.config" "$1/"
}

postgres_only="$work/postgres-only"
new_test_project "$postgres_only" "<PackageReference Include=\"Testkit.Postgres\" Version=\"$version\" />"
cat > "$postgres_only/PostgresTest.cs" <<'EOF'
using Npgsql;
using Testkit.Postgres;
using Xunit;

public class PostgresTest
{
    [Fact]
    public async Task A_row_written_is_read_back()
    {
        await using var pg = new PostgresContainer();
        await pg.StartAsync();
        await using var db = NpgsqlDataSource.Create(pg.GetConnectionString());
        await using var command = db.CreateCommand("CREATE TABLE t (v text); INSERT INTO t VALUES ('from a package'); SELECT v FROM t");
        Assert.Equal("from a package", await command.ExecuteScalarAsync());
    }
}
EOF

xunit_only="$work/xunit-only"
new_test_project "$xunit_only" "<PackageReference Include=\"Testkit.Xunit\" Version=\"$version\" />"
cp "$root/docs/examples/ValkeyModule.cs" "$xunit_only/"
cat > "$xunit_only/ValkeyTest.cs" <<'EOF'
using System.Net.Sockets;
using System.Text;
using Acme.Testing.Valkey;
using Testkit.Xunit;
using Xunit;
using Xunit.Abstractions;

public sealed class ValkeyFixture(IMessageSink sink)
    : ContainerFixture<ValkeyContainer>(sink, logger => new ValkeyBuilder().WithPassword("s3cret-valkey").WithContainer(c => c.WithLogger(logger)).Build());

public class ValkeyTest(ValkeyFixture valkey) : IClassFixture<ValkeyFixture>
{
    [Fact]
    public async Task The_fixture_s_server_answers_an_authenticated_ping()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(valkey.Container.Host, valkey.Container.GetMappedPort(ValkeyContainer.Module.Port));
        var stream = client.GetStream();
        await stream.WriteAsync("AUTH s3cret-valkey\r\nPING\r\n"u8.ToArray());
        var reply = new StringBuilder();
        var buffer = new byte[64];
        while (!reply.ToString().Contains("+PONG", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer);
            Assert.NotEqual(0, read);
            reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
    }
}
EOF

# No Valkey image is reachable here: the Redis stand-in serves it (the same protocol), as a substitution would anywhere.
redis_image=$(sed -n 's/^redis = //p' "${TESTKIT_HOME:-$HOME/.testkit}/images.conf" 2>/dev/null || true)
for project in "$postgres_only" "$xunit_only"; do
  name=$(basename "$project")
  say "dotnet test of $name, restored from the packed packages (fresh NUGET_PACKAGES)"
  substitutes=${TESTKIT_IMAGE_SUBSTITUTES:-}
  if [ "$project" = "$xunit_only" ] && [ -n "$redis_image" ]; then substitutes="valkey/valkey=$redis_image"; fi
  if ! NUGET_PACKAGES="$work/nuget-packages" TESTKIT_IMAGE_SUBSTITUTES="$substitutes" env -u TESTKIT_CLEANUP \
      dotnet test "$project" --nologo > "$work/$name.out" 2>&1; then
    cat "$work/$name.out" >&2
    fail "dotnet test of $name failed"
  fi
  grep -q "Passed!  - Failed:     0, Passed:     1," "$work/$name.out" || { cat "$work/$name.out" >&2; fail "$name did not pass exactly one test"; }
done
say "the Testkit.Postgres-only and the Testkit.Xunit-only test projects passed"

# 4. The testkit tool as users install it: a small package that points at one package per platform, each carrying only
#    its platform's native Kafka client (one package for every platform was 49 MB).
say "installing the testkit tool from the packed packages (fresh NUGET_PACKAGES)"
NUGET_PACKAGES="$work/nuget-packages" dotnet tool install Testkit.Cli --version "$version" --add-source "$work/feed" \
  --tool-path "$work/tool" > "$work/tool-install.out" 2>&1 || { cat "$work/tool-install.out" >&2; fail "dotnet tool install Testkit.Cli failed"; }
"$work/tool/testkit" --help | grep -q "testkit up postgres" || fail "the installed testkit tool does not print its help"
largest=$(find "$work/feed" -name 'Testkit.Cli.*.nupkg' -printf '%s %f\n' | sort -n | tail -1)
[ "${largest%% *}" -lt $(( 25 * 1024 * 1024 )) ] || fail "the largest tool package is over 25 MB: $largest"
say "the tool installs and runs; its largest package: $(( ${largest%% *} / 1024 / 1024 )) MB (${largest#* })"
