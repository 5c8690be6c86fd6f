#!/usr/bin/env bash
# A PostgreSQL 15 server for the benchmarks, on loopback, its data in var/bench-pg (kept between runs).
#
#   bench/pg.sh start     # initdb once, start, create the database; prints the URL to pass as --database-url
#   bench/pg.sh url       # the URL again
#   bench/pg.sh stop
#
# Settings sized for this 2-core, 24 GiB machine as a county's database server would be tuned (shared_buffers 4 GB,
# work_mem 64 MB, effective_cache_size 12 GB; docs/DEPLOYMENT.md lists them), durability on: the figures are those
# of a deployment, not of the test suite's fsync=off server.
set -euo pipefail
cd "$(dirname "$0")/.."
PG_BINDIR="${PG_BINDIR:-/usr/lib/postgresql/15/bin}"
STATE="$PWD/var/bench-pg"
PORT="${XINFANG_BENCH_PG_PORT:-54450}"
URL="postgres://xinfang:bench@127.0.0.1:$PORT/xinfang_bench"

as_pg() { if [ "$(id -u)" -eq 0 ]; then (cd "$STATE" && runuser -u postgres -- "$@"); else "$@"; fi; }

case "${1:-}" in
  start)
    [ -x "$PG_BINDIR/initdb" ] || { echo "PostgreSQL 15 not installed (./scripts/setup.sh --with-test-deps installs it)" >&2; exit 1; }
    mkdir -p "$STATE"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$STATE"
    chmod 700 "$STATE"
    if [ ! -f "$STATE/data/PG_VERSION" ]; then
      as_pg "$PG_BINDIR/initdb" -D "$STATE/data" -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=trust \
        --auth-host=trust >"$STATE/initdb.log"
    fi
    if ! as_pg "$PG_BINDIR/pg_ctl" -D "$STATE/data" status >/dev/null 2>&1; then
      as_pg "$PG_BINDIR/pg_ctl" -D "$STATE/data" -l "$STATE/server.log" -w -t 60 start -o \
        "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$STATE -c shared_buffers=4GB -c work_mem=64MB -c effective_cache_size=12GB -c max_wal_size=8GB -c maintenance_work_mem=1GB" >/dev/null
    fi
    as_pg "$PG_BINDIR/psql" -h "$STATE" -p "$PORT" -U postgres -d postgres -q -tA \
      -c "SELECT 1 FROM pg_roles WHERE rolname = 'xinfang'" | grep -q 1 \
      || as_pg "$PG_BINDIR/psql" -h "$STATE" -p "$PORT" -U postgres -d postgres -q \
        -c "CREATE ROLE xinfang LOGIN PASSWORD 'bench'" -c "CREATE DATABASE xinfang_bench OWNER xinfang"
    echo "$URL"
    ;;
  url) echo "$URL" ;;
  stop) as_pg "$PG_BINDIR/pg_ctl" -D "$STATE/data" -m fast -w stop ;;
  *) sed -n 2,9p "$0" >&2; exit 2 ;;
esac
