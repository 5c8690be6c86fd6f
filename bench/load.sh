#!/usr/bin/env bash
# Headless locust load test against the loopback deployment (scripts/deploy-local.sh --demo), docs/PERFORMANCE.md.
#
#   bench/load.sh [USERS] [DURATION]     default 50 users for 2m; e.g. bench/load.sh 200 2m
#
# Users are office clerks (bench/locust/locustfile.py) started 10 a second. Locust runs from its own venv
# (var/bench-venv, requirements/bench.lock, hash-checked). Results: var/bench/locust-<USERS>_stats.csv and a
# table of p50/p95 per request kind on stdout. Exit code 1 if any request failed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
users="${1:-50}" duration="${2:-2m}"
STATE="${XINFANG_DEPLOY_DIR:-$ROOT/var/deploy}"
[ -f "$STATE/ports" ] || { echo "load.sh: no deployment in $STATE: run scripts/deploy-local.sh --demo first" >&2; exit 1; }
# shellcheck disable=SC1091
. "$STATE/ports"
host="http://127.0.0.1:$NGINX_PORT"
curl -sf -o /dev/null "$host/login/" || { echo "load.sh: $host does not answer: scripts/deploy-local.sh --status" >&2; exit 1; }

VENV="$ROOT/var/bench-venv"
stamp="$(sha256sum requirements/bench.lock | cut -d' ' -f1)"
if [ "$(cat "$VENV/.bench.sha256" 2>/dev/null)" != "$stamp" ]; then
  /usr/bin/python3 -m venv "$VENV"
  "$VENV/bin/pip" install --require-hashes -r requirements/bench.lock -q --disable-pip-version-check 2>&1 \
    | grep -v "^WARNING: Location" >&2 || true
  echo "$stamp" > "$VENV/.bench.sha256"
fi

mkdir -p var/bench
out="var/bench/locust-$users"
echo "[load] $users users for $duration against $host ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
"$VENV/bin/locust" -f bench/locust/locustfile.py --headless --users "$users" --spawn-rate 10 --run-time "$duration" \
  --stop-timeout 10 --host "$host" --csv "$out" --only-summary --loglevel WARNING >"$out.log" 2>&1 || true
echo "[load] load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
# The stats CSV: one row per request kind (Type, Name, Request Count, Failure Count, Median, ..., 50%, ..., 95%).
"$VENV/bin/python" - "$out" "$out" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[2] + "_stats.csv", encoding="utf-8")))
print(f"| {'请求 request':<26} | {'次数':>6} | {'错误':>4} | {'p50 ms':>6} | {'p95 ms':>6} | {'req/s':>5} |")
print("|" + "|".join(["-" * 28, "-" * 8, "-" * 6, "-" * 8, "-" * 8, "-" * 7]) + "|")
failures = 0
for row in rows:
    name = f"{row['Type']} {row['Name']}" if row["Name"] != "Aggregated" else "合计 all"
    failures += int(row["Failure Count"]) if row["Name"] == "Aggregated" else 0
    print(f"| {name:<26} | {row['Request Count']:>6} | {row['Failure Count']:>4} | {row['50%']:>6} | {row['95%']:>6} "
          f"| {float(row['Requests/s']):>5.1f} |")
sys.exit(1 if failures else 0)
PY
