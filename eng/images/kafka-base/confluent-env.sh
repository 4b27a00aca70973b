#!/usr/bin/env bash
# Turns environment variables into a properties file the way the Confluent images do:
# PREFIX_FOO_BAR -> foo.bar ('__' -> '_', '___' -> '-'), or fooBar for ZooKeeper's camelCase keys.
# Usage: env_to_props PREFIX STYLE(dotted|camel) EXCLUDED...
env_to_props() {
  local prefix=$1 style=$2; shift 2
  local name value key excluded
  while IFS='=' read -r name value; do
    [[ $name == "$prefix"* ]] || continue
    for excluded in "$@"; do [ "$name" = "$excluded" ] && continue 2; done
    key=${name#"$prefix"}
    if [ "$style" = camel ]; then
      key=$(printf '%s' "$key" | tr 'A-Z' 'a-z' | sed -E 's/_([a-z0-9])/\U\1/g')
    else
      key=$(printf '%s' "$key" | tr 'A-Z' 'a-z' | sed -e 's/___/-/g' -e 's/__/@/g' -e 's/_/./g' -e 's/@/_/g')
    fi
    printf '%s=%s\n' "$key" "${!name}"
  done < <(env | grep -E "^${prefix}[A-Z0-9_]+=" | sort)
}

require_env() {
  local var
  for var; do
    [ -n "${!var:-}" ] || { echo "Command [/usr/local/bin/dub ensure $var] FAILED !" >&2; exit 1; }
  done
}
