#!/usr/bin/env bash
# Follows the official postgres image's entrypoint: initdb on an empty PGDATA, a temporary server on
# the Unix socket only for the database, the password and /docker-entrypoint-initdb.d, then the real
# server in the foreground.
set -Eeo pipefail

# VAR or VAR_FILE (Docker secrets), as the official image.
file_env() {
  local var=$1 file_var="${1}_FILE" def=${2:-}
  if [ "${!var:-}" ] && [ "${!file_var:-}" ]; then
    echo >&2 "error: both $var and $file_var are set (but are exclusive)"; exit 1
  fi
  local val=$def
  if [ "${!var:-}" ]; then val=${!var}; elif [ "${!file_var:-}" ]; then val=$(< "${!file_var}"); fi
  export "$var"="$val"; unset "$file_var"
}

setup_env() {
  file_env POSTGRES_PASSWORD
  file_env POSTGRES_USER postgres
  file_env POSTGRES_DB "$POSTGRES_USER"
  file_env POSTGRES_INITDB_ARGS
  : "${POSTGRES_HOST_AUTH_METHOD:=}"
  DATABASE_ALREADY_EXISTS=
  [ -s "$PGDATA/PG_VERSION" ] && DATABASE_ALREADY_EXISTS=true || true
}

create_db_directories() {
  mkdir -p "$PGDATA"; chmod 00700 "$PGDATA" || :
  mkdir -p /var/run/postgresql || :; chmod 03775 /var/run/postgresql || :
  if [ "$(id -u)" = 0 ]; then
    find "$PGDATA" \! -user postgres -exec chown postgres '{}' +
    find /var/run/postgresql \! -user postgres -exec chown postgres '{}' +
  fi
}

verify_minimum_env() {
  if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
    cat >&2 <<-'MSG'
	Error: Database is uninitialized and superuser password is not specified.
	       You must specify POSTGRES_PASSWORD to a non-empty value for the
	       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".

	       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all
	       connections without a password. This is *not* recommended.
	MSG
    exit 1
  fi
}

init_database_dir() {
  # The password goes through a pipe, never the command line or the log.
  eval 'initdb --username="$POSTGRES_USER" --pwfile=<(printf "%s\n" "$POSTGRES_PASSWORD") '"$POSTGRES_INITDB_ARGS"' "$@"'
}

pg_setup_hba_conf() {
  local auth=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
  [ -n "$POSTGRES_PASSWORD" ] || auth=${POSTGRES_HOST_AUTH_METHOD:-trust}
  printf '\nhost all all all %s\n' "$auth" >> "$PGDATA/pg_hba.conf"
}

temp_server_start() {
  [ "$1" = postgres ] && shift
  set -- "$@" -c listen_addresses='' -p "${PGPORT:-5432}"
  PGUSER="${PGUSER:-$POSTGRES_USER}" pg_ctl -D "$PGDATA" -o "$(printf '%q ' "$@")" -w start
}

temp_server_stop() { PGUSER="${PGUSER:-postgres}" pg_ctl -D "$PGDATA" -m fast -w stop; }

psql_run() { psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc "$@"; }

setup_db() {
  local exists
  exists=$(POSTGRES_DB= psql_run --dbname postgres --set db="$POSTGRES_DB" --tuples-only <<-'SQL'
	SELECT 1 FROM pg_database WHERE datname = :'db' ;
	SQL
  )
  if [ -z "$exists" ]; then
    POSTGRES_DB= psql_run --dbname postgres --set db="$POSTGRES_DB" <<-'SQL'
	CREATE DATABASE :"db" ;
	SQL
    echo
  fi
}

process_init_files() {
  echo
  local f
  for f; do
    case "$f" in
      *.sh)
        if [ -x "$f" ]; then echo "$0: running $f"; "$f"; else echo "$0: sourcing $f"; . "$f"; fi ;;
      *.sql)    echo "$0: running $f"; psql_run --dbname "$POSTGRES_DB" -f "$f"; echo ;;
      *.sql.gz) echo "$0: running $f"; gunzip -c "$f" | psql_run --dbname "$POSTGRES_DB"; echo ;;
      *.sql.xz) echo "$0: running $f"; xzcat "$f" | psql_run --dbname "$POSTGRES_DB"; echo ;;
      *)        echo "$0: ignoring $f" ;;
    esac
    echo
  done
}

main() {
  # Flags alone mean "postgres with these flags", as in the official image.
  if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi

  if [ "$1" = postgres ] && ! _pg_want_help "$@"; then
    setup_env
    create_db_directories
    if [ "$(id -u)" = 0 ]; then exec gosu postgres "$BASH_SOURCE" "$@"; fi

    if [ -z "$DATABASE_ALREADY_EXISTS" ]; then
      verify_minimum_env
      ls /docker-entrypoint-initdb.d/ >/dev/null
      init_database_dir
      pg_setup_hba_conf
      export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
      temp_server_start "$@"
      setup_db
      process_init_files /docker-entrypoint-initdb.d/*
      temp_server_stop
      unset PGPASSWORD
      echo
      echo 'PostgreSQL init process complete; ready for start up.'
      echo
    else
      echo
      echo 'PostgreSQL Database directory appears to contain a database; Skipping initialization'
      echo
    fi
  fi
  exec "$@"
}

_pg_want_help() {
  local arg
  for arg; do case "$arg" in -'?'|--help|--describe-config|-V|--version) return 0 ;; esac; done
  return 1
}

main "$@"
