#!/usr/bin/env bash
# pg-up.sh — install (if needed) and start a throwaway PostgreSQL on 127.0.0.1, idempotently.
# Run as root (CI). No systemd: initdb + pg_ctl as the unprivileged 'postgres' user.
# Prints the Npgsql connection string on stdout (last line); everything else goes to stderr.
# Env knobs: PG_PORT (55432) PG_DATA (/tmp/pg-$PG_PORT) PG_APP_USER/PG_APP_PASSWORD/PG_APP_DB (leap/leap/leap)
#            PG_FAST=1 -> fsync/synchronous_commit/full_page_writes off (tests only, never for benchmarks)
set -euo pipefail
PG_PORT="${PG_PORT:-55432}"
PG_DATA="${PG_DATA:-/tmp/pg-$PG_PORT}"
APP_USER="${PG_APP_USER:-leap}"; APP_PASS="${PG_APP_PASSWORD:-leap}"; APP_DB="${PG_APP_DB:-leap}"
log() { echo "[pg-up] $*" >&2; }

# 1. binaries (Debian 12 ships PostgreSQL 15; btree_gist and pg_trgm are inside postgresql-15)
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  log "installing postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql postgresql-contrib >&2   # policy-rc.d/no systemd: the 'main' cluster is not started, fine
fi
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
as_pg() { runuser -u postgres -- "$@"; }

# 2. cluster (re-created if the dir is missing or half-made)
if [ ! -s "$PG_DATA/PG_VERSION" ]; then
  log "initdb $PG_DATA"
  rm -rf "$PG_DATA"
  install -d -o postgres -g postgres -m 700 "$PG_DATA"
  as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  {
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $PG_PORT"
    echo "unix_socket_directories = '$PG_DATA'"
    echo "max_connections = 200"
    echo "shared_buffers = 256MB"
    if [ "${PG_FAST:-0}" = 1 ]; then
      echo "fsync = off"; echo "synchronous_commit = off"; echo "full_page_writes = off"
    fi
  } >> "$PG_DATA/postgresql.conf"
fi

# 3. server (pg_isready, not pg_ctl status, decides: a killed postmaster can leave a pid file or zombie behind)
if ! "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
  rm -f "$PG_DATA/postmaster.pid"
  log "starting on 127.0.0.1:$PG_PORT"
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -t 60 start >&2 \
    || { tail -20 "$PG_DATA/server.log" >&2; exit 1; }
fi
"$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 30 || { log "not ready"; tail -20 "$PG_DATA/server.log" >&2; exit 1; }

# 4. role, database, extensions (idempotent)
psql_su() { PGOPTIONS="-c client_min_messages=warning" as_pg "$PG_BIN/psql" -h "$PG_DATA" -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
psql_su -d postgres -c "DO \$\$BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$APP_USER') THEN
    CREATE ROLE \"$APP_USER\" LOGIN PASSWORD '$APP_PASS';
  ELSE
    ALTER ROLE \"$APP_USER\" LOGIN PASSWORD '$APP_PASS';
  END IF; END\$\$;"
if [ -z "$(psql_su -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$APP_DB'")" ]; then
  psql_su -d postgres -c "CREATE DATABASE \"$APP_DB\" OWNER \"$APP_USER\""
fi
psql_su -d "$APP_DB" -c "CREATE EXTENSION IF NOT EXISTS btree_gist; CREATE EXTENSION IF NOT EXISTS pg_trgm;"

log "ready: $("$PG_BIN/postgres" --version)"
echo "Host=127.0.0.1;Port=$PG_PORT;Username=$APP_USER;Password=$APP_PASS;Database=$APP_DB"
