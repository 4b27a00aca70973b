#!/usr/bin/env bash
# Turns environment variables into a properties file the way the Confluent images do:
# PREFIX_FOO_BAR -> foo.bar ('__' -> '_', '___' -> '-'), or fooBar for ZooKeeper's camelCase keys.
# Pure bash on purpose: a tr and a sed per variable cost about 100 ms of every container start.
# Usage: env_to_props PREFIX STYLE(dotted|camel) EXCLUDED...
env_to_props() {
  local prefix=$1 style=$2; shift 2
  local name key excluded
  while IFS= read -r name; do
    [[ $name =~ ^${prefix}[A-Z0-9_]+$ ]] || continue
    for excluded in "$@"; do [ "$name" = "$excluded" ] && continue 2; done
    key=${name#"$prefix"}; key=${key,,}
    if [ "$style" = camel ]; then
      while [[ $key =~ ^(.*)_([a-z0-9])(.*)$ ]]; do key=${BASH_REMATCH[1]}${BASH_REMATCH[2]^^}${BASH_REMATCH[3]}; done
    else
      key=${key//___/-}; key=${key//__/@}; key=${key//_/.}; key=${key//@/_}
    fi
    printf '%s=%s\n' "$key" "${!name}"
  done < <(compgen -e | LC_ALL=C sort)
}

require_env() {
  local var
  for var; do
    [ -n "${!var:-}" ] || { echo "Command [/usr/local/bin/dub ensure $var] FAILED !" >&2; exit 1; }
  done
}
