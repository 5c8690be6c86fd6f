#!/usr/bin/env bash
# Try Xinfang on this machine: set it up, then `xinfang demo` (migrate, seed a fictional district,
# collect static files, print the demo accounts, serve at http://127.0.0.1:8000).
# First run: the site answers in about a minute; a background process beside the server finishes the demo
# data (procedure of the older petitions, mass matters) in 8-15 minutes, with progress in this terminal.
# Later runs serve in 8-16 s. Times: README.md, "用时 · How long".
# Arguments go to `xinfang demo`, e.g. scripts/demo.sh --help
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

"$ROOT/scripts/setup.sh"
# exec: Ctrl+C reaches the server directly and the exit code is the server's.
exec "$ROOT/.venv/bin/xinfang" demo "$@"
