#!/usr/bin/env bash
# Set up this machine and this checkout for Xinfang. Safe to run again: it installs only what is missing.
#
#   scripts/setup.sh                    Python venv (.venv) with the locked packages, the app, browser assets
#   scripts/setup.sh --with-test-deps   also PostgreSQL 15, Chromium, CJK fonts, LibreOffice Writer and
#                                       poppler-utils (for scripts/test.sh: the real PDF conversion is tested)
#   scripts/setup.sh --force            reinstall the Python and npm packages even if they look up to date
#
# System packages come from Debian's apt (only when missing); Python packages from PyPI, pinned and
# hash-checked (requirements/dev.lock); htmx from the npm registry (package-lock.json). A second run
# with everything in place needs no network, so a set-up machine can go back onto an offline intranet.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

with_test_deps=0
force=0
for arg in "$@"; do
  case "$arg" in
    --with-test-deps) with_test_deps=1 ;;
    --force) force=1 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup.sh: unknown option: $arg (try --help)" >&2; exit 2 ;;
  esac
done

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold="" plain=""; fi
say() { printf '%s[setup]%s %s\n' "$bold" "$plain" "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

# --- system packages --------------------------------------------------------------------------

apt_updated=0
# Install Debian packages, running `apt-get update` at most once per run (a fresh machine has no lists).
apt_install() {
  local sudo=()
  if ! command -v apt-get >/dev/null 2>&1; then
    die "missing system packages: $*. This is not a Debian/Ubuntu machine: install them with its package manager."
  fi
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "missing system packages: $*. Run as root or install them: apt-get install $*"
    sudo=(sudo)
  fi
  if [ "$apt_updated" -eq 0 ]; then
    say "apt-get update"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    apt_updated=1
  fi
  say "apt-get install $*"
  # No recommends: they pull in desktop extras (Chromium) or hundreds of node modules (npm) we do not use.
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

deb_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }

# A Python 3.11+ interpreter: $PYTHON if given, else the first suitable one on PATH (the lock is made for 3.11).
find_python() {
  local candidate
  for candidate in ${PYTHON:-} python3.11 python3 python3.12 python3.13; do
    if command -v "$candidate" >/dev/null 2>&1 \
       && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

npm_stamp="node_modules/.xinfang-lock.sha256"
npm_needed() {
  [ "$force" -eq 1 ] && return 0
  [ -f node_modules/htmx.org/dist/htmx.min.js ] || return 0
  [ -f node_modules/echarts/dist/echarts.min.js ] || return 0
  [ "$(cat "$npm_stamp" 2>/dev/null)" = "$(sha256sum package-lock.json | cut -d' ' -f1)" ] || return 0
  return 1
}

missing=()
python_bin="$(find_python || true)"
if [ -z "$python_bin" ]; then
  # Debian 12's python3 is 3.11.
  missing+=(python3 python3-venv)
fi
# Node is needed only to (re)install the browser assets; an up-to-date node_modules is enough otherwise.
if npm_needed && ! command -v npm >/dev/null 2>&1; then
  if command -v node >/dev/null 2>&1; then
    # A node without npm is a hand-made or third-party install; Debian's npm would fight with it.
    die "node is installed but npm is not: install npm for that node, then run setup again"
  fi
  missing+=(nodejs npm)
fi
if [ "$with_test_deps" -eq 1 ]; then
  # scripts/test.sh runs a throwaway PostgreSQL 15 server from these binaries.
  [ -x "${PG_BINDIR:-/usr/lib/postgresql/15/bin}/initdb" ] || missing+=(postgresql)
  # The browser test drives exactly this binary; never a browser downloaded by Playwright.
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  # Without CJK fonts Chromium draws Chinese as empty boxes (screenshots, and what we check by eye).
  if command -v dpkg-query >/dev/null 2>&1; then
    deb_installed fonts-noto-cjk || missing+=(fonts-noto-cjk)
  elif ! fc-list :lang=zh 2>/dev/null | grep -q .; then
    missing+=(fonts-noto-cjk)
  fi
  # Notices are converted to PDF by LibreOffice (notices/documents.py); tests/notices/test_pdf.py converts a
  # real one and reads the Chinese text back with pdftotext (poppler-utils). Writer without the GUI is enough.
  command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
  command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  apt_install "${missing[@]}"
fi
if [ -z "$python_bin" ]; then
  python_bin="$(find_python)" || die "no Python 3.11+ found even after installing python3"
fi

# --- Python virtual environment ---------------------------------------------------------------

venv_ok() {
  # Usable only if it is 3.11+, lives here (venvs break when the checkout moves) and has pip.
  [ -x .venv/bin/python ] || return 1
  local prefix
  prefix="$(.venv/bin/python -c 'import sys; assert sys.version_info >= (3, 11); print(sys.prefix)' 2>/dev/null)" \
    || return 1
  [ "$prefix" = "$ROOT/.venv" ] || return 1
  .venv/bin/python -m pip --version >/dev/null 2>&1
}

venv_error=""
make_venv() {
  rm -rf .venv
  venv_error="$("$1" -m venv .venv 2>&1)"
}

if ! venv_ok; then
  say "creating .venv with $python_bin ($("$python_bin" --version 2>&1))"
  if ! make_venv "$python_bin"; then
    # Debian splits venv/ensurepip out of python3 into python3-venv (python3.11-venv).
    say "python -m venv failed; installing Debian's venv support"
    apt_install python3-venv
    if ! make_venv "$python_bin"; then
      # $python_bin may be a non-Debian build that python3-venv does not fix; fall back to Debian's.
      [ -x /usr/bin/python3 ] && make_venv /usr/bin/python3 \
        || die "could not create .venv: $venv_error"
    fi
  fi
  venv_ok || die ".venv was created but is not usable"
fi

# pip does nothing (and needs no network) when every pinned version is already installed.
say "Python packages (requirements/dev.lock, hash-checked)"
pip_args=(--require-hashes -r requirements/dev.lock --disable-pip-version-check --no-input -q)
[ "$force" -eq 1 ] && pip_args+=(--force-reinstall)
.venv/bin/python -m pip install "${pip_args[@]}"

# The app itself, editable, so code changes need no reinstall. Redo it only when pyproject.toml changes
# (entry points, package data) because the build step fetches setuptools from PyPI.
app_stamp=".venv/.xinfang-pyproject.sha256"
app_hash="$(sha256sum pyproject.toml | cut -d' ' -f1)"
app_installed() {
  [ "$(cat "$app_stamp" 2>/dev/null)" = "$app_hash" ] && [ -x .venv/bin/xinfang ] \
    && [ "$(.venv/bin/python -c 'import xinfang, os; print(os.path.dirname(xinfang.__file__))' 2>/dev/null)" \
         = "$ROOT/src/xinfang" ]
}
if [ "$force" -eq 1 ] || ! app_installed; then
  say "installing xinfang (editable)"
  .venv/bin/python -m pip install --no-deps -e . --disable-pip-version-check --no-input -q
  echo "$app_hash" > "$app_stamp"
fi

# --- browser assets (htmx) --------------------------------------------------------------------

if npm_needed; then
  say "browser assets (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  sha256sum package-lock.json | cut -d' ' -f1 > "$npm_stamp"
fi
[ -f node_modules/htmx.org/dist/htmx.min.js ] || die "node_modules/htmx.org/dist/htmx.min.js is missing after npm ci"

say "ready: $(.venv/bin/python --version), $(.venv/bin/python -m pip --version | cut -d' ' -f1-2)"
