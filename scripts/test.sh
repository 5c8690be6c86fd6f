#!/usr/bin/env bash
# Run the whole test suite twice: on SQLite (the default) and on a throwaway PostgreSQL 15 server,
# as docs/DESIGN.md promises ("CI tests both"). Sets the machine up first (scripts/setup.sh --with-test-deps).
#
#   scripts/test.sh                  both backends, every test (browser test included)
#   scripts/test.sh -k audit -x      extra arguments go to pytest, for both runs
#   XINFANG_TEST_BACKENDS=sqlite scripts/test.sh      one backend only (sqlite or postgres)
#
# Exit code 0 only if every run passed; "no tests collected" counts as a failure. Logs and JUnit XML
# of each run, and the browser test's screenshots, go to test-artifacts/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
started=$SECONDS

backends="${XINFANG_TEST_BACKENDS:-sqlite postgres}"
for backend in $backends; do
  case "$backend" in sqlite|postgres) ;; *) echo "test.sh: unknown backend '$backend' in XINFANG_TEST_BACKENDS" >&2; exit 2 ;; esac
done

"$ROOT/scripts/setup.sh" --with-test-deps

PY="$ROOT/.venv/bin/python"
ARTIFACTS="$ROOT/test-artifacts"
mkdir -p "$ARTIFACTS"
# Pictures and logs of an earlier run would pass for this run's.
rm -f "$ARTIFACTS"/*.png "$ARTIFACTS"/pytest-*.log "$ARTIFACTS"/junit-*.xml
if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold="" plain=""; fi
say() { printf '\n%s[test]%s %s\n' "$bold" "$plain" "$*"; }

# --- throwaway PostgreSQL ---------------------------------------------------------------------

pg_tmp=""
pg_port=""
pg_user=""
run_as_pg() {
  # From the server's own directory: the server user may not be allowed into the current one.
  if [ -n "$pg_user" ]; then (cd "$pg_tmp" && runuser -u "$pg_user" -- "$@"); else "$@"; fi
}

cleanup() {
  # Runs on every exit (also Ctrl+C and failures): stop the server and remove its files.
  set +e
  if [ -n "$pg_tmp" ] && [ -d "$pg_tmp" ]; then
    if [ -f "$pg_tmp/data/postmaster.pid" ]; then
      run_as_pg "$PG_BINDIR/pg_ctl" -D "$pg_tmp/data" -m fast -w -t 30 stop >/dev/null 2>&1 \
        || kill -9 "$(head -1 "$pg_tmp/data/postmaster.pid")" 2>/dev/null
    fi
    rm -rf "$pg_tmp"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  local port
  for port in $(seq "$1" $(($1 + 50))); do
    # SO_REUSEADDR as postgres sets it, so connections of a previous run in TIME_WAIT do not count as busy.
    if "$PY" -c 'import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1])))' "$port" 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

start_postgres() {
  PG_BINDIR="${PG_BINDIR:-/usr/lib/postgresql/15/bin}"
  [ -x "$PG_BINDIR/initdb" ] || { echo "PostgreSQL server binaries not found in $PG_BINDIR (set PG_BINDIR)" >&2; return 1; }
  local version
  version="$("$PG_BINDIR/postgres" --version | awk '{print $3}')"
  case "$version" in 15.*) ;; *) echo "[test] warning: PostgreSQL $version, not 15, in $PG_BINDIR" >&2 ;; esac

  # postgres refuses to run as root: as root, run it as the postgres user (made by Debian's package)
  # or, without one, as a system user of our own.
  local tmp_base="${TMPDIR:-/tmp}"
  if [ "$(id -u)" -eq 0 ]; then
    pg_user=postgres
    if ! id "$pg_user" >/dev/null 2>&1; then
      pg_user=xinfang-pg
      id "$pg_user" >/dev/null 2>&1 \
        || useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$pg_user" \
        || return 1
    fi
    tmp_base=/tmp  # a private TMPDIR of root's may not be reachable by that user
  fi
  # Called from an `if`, where set -e does not apply: each step checks its own failure.
  pg_tmp="$(mktemp -d "$tmp_base/xinfang-pg.XXXXXX")" || return 1
  if [ -n "$pg_user" ]; then chown "$pg_user:" "$pg_tmp" || return 1; fi
  chmod 700 "$pg_tmp"  # holds the Unix socket, where the superuser logs in without a password

  # A fresh password per run, never stored: the app's role logs in over TCP with it.
  local password
  password="$("$PY" -c 'import secrets; print(secrets.token_hex(16))')" || return 1

  run_as_pg "$PG_BINDIR/initdb" -D "$pg_tmp/data" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >"$pg_tmp/initdb.log" 2>&1 \
    || { cat "$pg_tmp/initdb.log" >&2; return 1; }
  # A port free a moment ago may be taken by another run starting at the same time: then the next one.
  local attempt base="${XINFANG_PG_PORT:-54329}"
  for attempt in 1 2 3 4 5; do
    pg_port="$(free_port "$base")" || { echo "no free port near $base" >&2; return 1; }
    say "PostgreSQL $version on 127.0.0.1:$pg_port (data in $pg_tmp, server user ${pg_user:-$(id -un)})"
    # Durability is pointless for a database that is deleted in a minute; these make the suite faster.
    if run_as_pg "$PG_BINDIR/pg_ctl" -D "$pg_tmp/data" -l "$pg_tmp/server.log" -w -t 60 start -o \
        "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$pg_tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        >/dev/null; then
      break
    fi
    if [ "$attempt" -lt 5 ] && grep -q "Address already in use" "$pg_tmp/server.log"; then
      base=$((pg_port + 1))
      continue
    fi
    cat "$pg_tmp/server.log" >&2
    return 1
  done
  # Not a superuser, like an application role in production; CREATEDB lets pytest-django make test_* databases.
  run_as_pg "$PG_BINDIR/psql" -h "$pg_tmp" -p "$pg_port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q <<SQL || return 1
CREATE ROLE xinfang LOGIN CREATEDB PASSWORD '$password';
CREATE DATABASE xinfang_test OWNER xinfang;
-- An application role as docs/OPERATIONS.md grants it (audit log read and append only); tests/audit SET ROLE to it.
CREATE ROLE xinfang_app NOLOGIN;
GRANT xinfang_app TO xinfang;
SQL
  PG_DATABASE_URL="postgres://xinfang:$password@127.0.0.1:$pg_port/xinfang_test"
}

# --- the runs ---------------------------------------------------------------------------------

pytest_args=(-p no:cacheprovider)
[ -t 1 ] && pytest_args+=(--color=yes)  # keep colours although the output goes through tee
timeout_cmd=()
# In CI a hung browser or database must not eat the whole job: stop the run, with tracebacks, in time.
[ "${CI:-}" = "true" ] && timeout_cmd=(timeout -s INT -k 60 "${XINFANG_TEST_TIMEOUT:-2100}")

declare -A verdict summary duration
failed=0
run_suite() {
  local name="$1"; shift  # then: environment assignments for `env`
  local log="$ARTIFACTS/pytest-$name.log" t0=$SECONDS rc=0
  say "pytest on $name"
  env "$@" "${timeout_cmd[@]}" "$PY" -m pytest "${pytest_args[@]}" --junitxml="$ARTIFACTS/junit-$name.xml" \
      "${extra_args[@]}" 2>&1 | tee "$log" || rc=${PIPESTATUS[0]}
  duration[$name]=$((SECONDS - t0))
  # pytest's last "==== 12 passed, 1 skipped in 3.2s ====" line (bare with -q), without colour codes.
  # `|| true`: a missing summary (say, another run on this machine emptied test-artifacts) must not end the run.
  summary[$name]="$(sed 's/\x1b\[[0-9;]*m//g' "$log" 2>/dev/null | grep -E '^(=+ )?[0-9]+ (passed|failed|errors?|skipped|deselected).* in [0-9.]+s' | tail -n 1 \
    | sed -E 's/^=+ //; s/ =+$//' || true)"
  case "$rc" in
    0) verdict[$name]="PASS" ;;
    5) verdict[$name]="FAIL (no tests collected)"; failed=1 ;;
    124|130) verdict[$name]="FAIL (stopped: timeout or interrupt, exit $rc)"; failed=1 ;;
    *) verdict[$name]="FAIL (pytest exit $rc)"; failed=1 ;;
  esac
}

extra_args=("$@")

# Lint first: a mistake ruff can see should not cost a full run to find.
say "ruff check"
if "$ROOT/.venv/bin/ruff" check src tests bench scripts; then lint="PASS"; else lint="FAIL"; failed=1; fi

for backend in $backends; do
  case "$backend" in
    sqlite)
      # Unset, not inherited: a developer's DATABASE_URL may point at a real database.
      run_suite sqlite -u DATABASE_URL ;;
    postgres)
      if start_postgres; then
        run_suite postgres DATABASE_URL="$PG_DATABASE_URL"
      else
        verdict[postgres]="FAIL (could not start PostgreSQL)"; summary[postgres]=""; duration[postgres]=0; failed=1
      fi ;;
  esac
done

total=$((SECONDS - started))
say "summary"
printf '  %-11s %s\n' "ruff" "$lint"
for backend in $backends; do
  label=$([ "$backend" = sqlite ] && echo SQLite || echo "PostgreSQL")
  printf '  %-11s %s — %s (%ss)\n' "$label" "${verdict[$backend]}" "${summary[$backend]:-no pytest summary}" "${duration[$backend]}"
done
printf '  total %dm%02ds (setup included); logs in %s\n' $((total / 60)) $((total % 60)) "${ARTIFACTS#"$ROOT"/}"
exit "$failed"
