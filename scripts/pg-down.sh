#!/usr/bin/env bash
# pg-down.sh — stop the throwaway PostgreSQL started by pg-up.sh (PG_DROP=1 also deletes its data).
set -euo pipefail
PG_PORT="${PG_PORT:-55432}"; PG_DATA="${PG_DATA:-/tmp/pg-$PG_PORT}"
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
if [ -s "$PG_DATA/PG_VERSION" ]; then
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >&2 || true
  [ "${PG_DROP:-0}" = 1 ] && rm -rf "$PG_DATA"
fi
exit 0
