#!/usr/bin/env bash
# Makes sure a Docker engine answers. Uses one that already answers (DOCKER_HOST, else the
# default socket); otherwise, as root on Debian, installs Debian's docker.io and starts dockerd.
# Idempotent: with an engine up it returns at once.
set -euo pipefail

log_file=${TESTKIT_DOCKERD_LOG:-/var/log/testkit-dockerd.log}
deadline_seconds=${TESTKIT_ENGINE_DEADLINE:-60}
started=$(date +%s%N)

say() { printf '[engine] %s\n' "$*"; }
elapsed() { local ms=$(( ($(date +%s%N) - started) / 1000000 )); printf "%d.%d s" $((ms / 1000)) $((ms % 1000 / 100)); }
fail() {
  say "ERROR: $1" >&2
  if [ -f "$log_file" ]; then
    say "last lines of $log_file:" >&2
    tail -n 20 "$log_file" >&2 || true
  fi
  exit 1
}

engine_answers() { timeout 5 docker version --format '{{.Server.APIVersion}}' >/dev/null 2>&1; }

if ! command -v docker >/dev/null 2>&1 && ! command -v dockerd >/dev/null 2>&1; then
  : # no client either: the install below brings both
elif engine_answers; then
  say "engine answers at ${DOCKER_HOST:-unix:///var/run/docker.sock} (API $(docker version --format '{{.Server.APIVersion}}')) in $(elapsed); nothing to do"
  exit 0
fi

if [ -n "${DOCKER_HOST:-}" ] && [ "${DOCKER_HOST}" != "unix:///var/run/docker.sock" ]; then
  fail "DOCKER_HOST=$DOCKER_HOST does not answer. Start that engine, or unset DOCKER_HOST to use a local one."
fi

[ "$(id -u)" = 0 ] || fail "no engine answers and this script is not root, so it cannot install one. Start Docker yourself (e.g. 'sudo systemctl start docker') or run this script as root."

if ! command -v dockerd >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || fail "no engine answers and there is no apt-get to install one. Install and start Docker, then run this again."
  say "installing Debian's docker.io (once per machine)..."
  t0=$(date +%s)
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null || fail "apt-get update failed; check the apt sources in /etc/apt."
  apt-get install -y -qq --no-install-recommends docker.io iptables >/dev/null \
    || fail "apt-get install docker.io failed."
  say "installed docker.io in $(( $(date +%s) - t0 )) s"
fi

# The docker.io package may ship an older client; a newer one already on PATH negotiates down, so keep it.
if pgrep -x dockerd >/dev/null 2>&1; then
  say "dockerd is running but not answering yet; waiting for it"
else
  say "starting dockerd (log: $log_file)"
  mkdir -p "$(dirname "$log_file")"
  nohup dockerd >>"$log_file" 2>&1 </dev/null &
  disown || true
fi

for _ in $(seq 1 $(( deadline_seconds * 5 ))); do
  if engine_answers; then
    say "engine up (API $(docker version --format '{{.Server.APIVersion}}')) in $(elapsed)"
    exit 0
  fi
  if ! pgrep -x dockerd >/dev/null 2>&1; then
    fail "dockerd exited while starting."
  fi
  sleep 0.2
done
fail "dockerd did not answer within ${deadline_seconds} s."
