#!/usr/bin/env bash
# Follows the official redis image's entrypoint.
set -e

# Flags or a config file alone mean "redis-server with these".
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then set -- redis-server "$@"; fi

if [ "$1" = redis-server ]; then
  if [ "$(id -u)" = 0 ]; then
    find . \! -user redis -exec chown redis '{}' +
    exec gosu redis "$0" "$@"
  fi
  # The official image compiles protected mode off (the port is reached through Docker's NAT, not
  # loopback); Debian's build keeps it on, so turn it off unless the caller chose.
  case " $* " in *" --protected-mode "*) ;; *) set -- "$@" --protected-mode no ;; esac
fi

exec "$@"
