#!/usr/bin/env bash
# The production stack of docs/DEPLOYMENT.md on this machine's loopback, without systemd: PostgreSQL 15, Redis
# (cache, sessions, RQ task queue), gunicorn behind Debian's nginx, RQ workers and the scheduling `xinfang worker`.
#
#   scripts/deploy-local.sh [--demo[=N]]    install what is missing, start everything, print the address
#   scripts/deploy-local.sh --stop          stop every process it started (data kept; --purge also deletes it)
#   scripts/deploy-local.sh --status        which processes run, and the address
#
# Options: --dir DIR (state folder, default var/deploy: keys, database, logs, pid files), --port P (nginx; the
# first free port from 8480), --workers N (RQ workers, default 2), --demo=N (seed N demo petitions, default 1000,
# with the demo accounts; only on an empty database; --demo=0: the accounts only).
# As root, or through sudo. Debian packages from apt; Python packages from requirements/base.lock (hash-checked)
# into var/deploy-venv; nothing listens beyond 127.0.0.1 and nothing of the machine's own nginx/redis/postgresql
# is touched (their services stay as they are; every process here runs from its own config in DIR).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "deploy-local.sh: run as root (or install sudo)" >&2; exit 1; }
  exec sudo -- "$0" "$@"
fi

app_changed=0 mode=start demo=0 demo_petitions=1000 purge=0 nginx_port="" rq_workers=2
STATE="$ROOT/var/deploy"
while [ $# -gt 0 ]; do
  case "$1" in
    --stop) mode=stop ;;
    --status) mode=status ;;
    --purge) purge=1 ;;
    --demo) demo=1 ;;
    --demo=*) demo=1; demo_petitions="${1#--demo=}" ;;
    --dir) STATE="$(realpath -m "$2")"; shift ;;
    --dir=*) STATE="$(realpath -m "${1#--dir=}")" ;;
    --port) nginx_port="$2"; shift ;;
    --port=*) nginx_port="${1#--port=}" ;;
    --workers=*) rq_workers="${1#--workers=}" ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "deploy-local.sh: unknown option: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

say() { printf '[deploy] %s\n' "$*"; }
die() { printf '[deploy] ERROR: %s\n' "$*" >&2; exit 1; }

PG_BINDIR="${PG_BINDIR:-/usr/lib/postgresql/15/bin}"
VENV="${XINFANG_DEPLOY_VENV:-$ROOT/var/deploy-venv}"
APP_USER=xinfang
RUN="$STATE/run"
LOG="$STATE/log"
ENV_FILE="$STATE/xinfang.env"
PORTS_FILE="$STATE/ports"

# --- stopping ---------------------------------------------------------------------------------

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_pidfile() {  # stop_pidfile NAME FILE [SECONDS]: TERM, wait, then KILL; only the process the file names
  local name="$1" file="$2" wait="${3:-30}" pid
  [ -f "$file" ] || return 0
  pid="$(cat "$file")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq $((wait * 5))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then say "$name ($pid) did not stop in ${wait}s: KILL"; kill -KILL "$pid" 2>/dev/null || true; fi
    say "stopped $name ($pid)"
  fi
  rm -f "$file"
}

stop_all() {
  [ -d "$STATE" ] || { say "nothing deployed in $STATE"; return 0; }
  stop_pidfile nginx "$RUN/nginx.pid" 15
  stop_pidfile gunicorn "$RUN/gunicorn.pid" 40
  local file
  for file in "$RUN"/rqworker-*.pid; do [ -e "$file" ] && stop_pidfile "rq worker" "$file" 60; done
  stop_pidfile scheduler "$RUN/scheduler.pid" 60
  stop_pidfile redis "$RUN/redis.pid" 30
  if [ -f "$STATE/pg/data/postmaster.pid" ]; then
    (cd "$STATE/pg" && runuser -u postgres -- "$PG_BINDIR/pg_ctl" -D "$STATE/pg/data" -m fast -w -t 60 stop >/dev/null) \
      && say "stopped PostgreSQL" || say "PostgreSQL did not stop cleanly"
  fi
  if [ "$purge" -eq 1 ]; then
    rm -rf "$STATE"
    say "deleted $STATE"
  fi
}

status() {
  local file name
  for file in "$RUN"/*.pid "$STATE/pg/data/postmaster.pid"; do
    [ -e "$file" ] || continue
    name="$(basename "$file" .pid)"
    if kill -0 "$(head -1 "$file")" 2>/dev/null; then echo "  $name: running ($(head -1 "$file"))"; else echo "  $name: stopped"; fi
  done
  # shellcheck disable=SC1090
  [ -f "$PORTS_FILE" ] && . "$PORTS_FILE" && echo "  site: http://127.0.0.1:$NGINX_PORT/"
  return 0
}

case "$mode" in
  stop) stop_all; exit 0 ;;
  status) status; exit 0 ;;
esac

# --- system packages --------------------------------------------------------------------------

deb_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }
missing=()
command -v nginx >/dev/null 2>&1 || missing+=(nginx)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x "$PG_BINDIR/initdb" ] || missing+=(postgresql-15)
command -v pg_dump >/dev/null 2>&1 || missing+=(postgresql-client-15)  # xinfang backup runs pg_dump
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ "${#missing[@]}" -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || die "missing: ${missing[*]}; this is not a Debian machine"
  say "apt-get install ${missing[*]}"
  # Debian starts a package's service after installing it; a policy-rc.d (exit 101) would keep it off, but the
  # script never relies on those services: everything below runs from its own configuration.
  DEBIAN_FRONTEND=noninteractive apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
[ -f node_modules/htmx.org/dist/htmx.min.js ] || { say "browser assets missing: scripts/setup.sh"; "$ROOT/scripts/setup.sh"; }

# --- Python: the locked wheels ------------------------------------------------------------------

find_python() {
  local candidate
  for candidate in ${PYTHON:-} /usr/bin/python3.11 /usr/bin/python3 python3.11 python3; do
    command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
      && { command -v "$candidate"; return 0; }
  done
  return 1
}
stamp="$(cat requirements/base.lock pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$VENV/.xinfang-deploy.sha256" 2>/dev/null)" != "$stamp" ] || [ ! -x "$VENV/bin/gunicorn" ]; then
  python_bin="$(find_python)" || die "no Python 3.11+"
  say "Python packages (requirements/base.lock, hash-checked) into $VENV"
  [ -x "$VENV/bin/python" ] || "$python_bin" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --require-hashes -r requirements/base.lock --disable-pip-version-check --no-input -q 2>&1 | grep -v "^WARNING: Location" >&2 || true
  echo "$stamp" > "$VENV/.xinfang-deploy.sha256"
fi
# The app itself as a server gets it: built and installed (not editable) from the last commit, so edits in the
# working tree do not reach the running stack half-made. Without git: from the working tree.
if git -C "$ROOT" rev-parse --verify -q HEAD >/dev/null 2>&1; then
  app_rev="$(git -C "$ROOT" rev-parse HEAD)"
else
  app_rev="worktree-$(date +%s)"
fi
if [ "$(cat "$VENV/.xinfang-app-rev" 2>/dev/null)" != "$app_rev" ]; then
  say "installing xinfang ${app_rev:0:12} into $VENV"
  build="$(mktemp -d)"
  if [[ "$app_rev" == worktree-* ]]; then cp -a "$ROOT/src" "$ROOT/pyproject.toml" "$ROOT/README.md" "$build/"
  else git -C "$ROOT" archive "$app_rev" src pyproject.toml README.md | tar -x -C "$build"; fi
  "$VENV/bin/python" -m pip install --no-deps --force-reinstall "$build" --disable-pip-version-check --no-input -q \
    2>&1 | grep -v "^WARNING: Location" >&2 || true
  rm -rf "$build"
  echo "$app_rev" > "$VENV/.xinfang-app-rev"
  app_changed=1
fi
chmod -R a+rX "$VENV"

# --- user, folders, ports, keys -----------------------------------------------------------------

id "$APP_USER" >/dev/null 2>&1 \
  || useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$APP_USER"
mkdir -p "$STATE" "$RUN" "$LOG" "$STATE/data" "$STATE/anchors" "$STATE/redis" "$STATE/nginx" "$STATE/pg"
chmod 755 "$STATE"   # postgres, redis and www-data must reach their own folders inside
chown "$APP_USER:" "$STATE/data" "$STATE/anchors"
chmod 750 "$STATE/data" "$STATE/anchors"
chown redis: "$STATE/redis" 2>/dev/null || chown "$APP_USER:" "$STATE/redis"
chown postgres: "$STATE/pg"; chmod 700 "$STATE/pg"
chmod 1777 "$LOG"
# The collected static files are read by nginx's workers (www-data): their folder must be reachable.
mkdir -p "$STATE/data/staticfiles"; chown "$APP_USER:" "$STATE/data/staticfiles"
# A private temporary folder, like systemd's PrivateTmp: jieba's dictionary cache in a shared /tmp may belong to
# another user (then every process fails to replace it and rebuilds it, seconds each).
install -d -o "$APP_USER" -g "$APP_USER" -m 700 "$STATE/data/tmp"
chmod 711 "$STATE/data"

PY="$VENV/bin/python"
port_free() {
  "$PY" -c 'import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}
free_port() { local port; for port in $(seq "$1" $(($1 + 100))); do port_free "$port" && { echo "$port"; return 0; }; done; return 1; }
# Ports of an earlier start are kept (the env file and the bookmarks name them) while they are still free.
# shellcheck disable=SC1090
[ -f "$PORTS_FILE" ] && . "$PORTS_FILE"
pick() {  # pick VAR BASE: keep $VAR if it is free, else the first free port from BASE
  local var="$1" current="${!1:-}"
  if [ -n "$current" ] && port_free "$current"; then return 0; fi
  printf -v "$var" '%s' "$(free_port "$2")" || die "no free port near $2"
}
PG_PORT="${PG_PORT:-}" REDIS_PORT="${REDIS_PORT:-}" APP_PORT="${APP_PORT:-}" NGINX_PORT="${nginx_port:-${NGINX_PORT:-}}"
# A service of this deployment that still runs keeps its port (its port is busy because it is ours).
pg_running() { [ -f "$STATE/pg/data/postmaster.pid" ] && kill -0 "$(head -1 "$STATE/pg/data/postmaster.pid")" 2>/dev/null; }
pg_running || pick PG_PORT 54400
pid_alive "$RUN/redis.pid" || pick REDIS_PORT 63800
pid_alive "$RUN/gunicorn.pid" || pick APP_PORT 8470
if pid_alive "$RUN/nginx.pid"; then :
elif [ -n "$nginx_port" ]; then port_free "$nginx_port" || die "port $nginx_port is in use"; NGINX_PORT="$nginx_port"
else pick NGINX_PORT 8480; fi
printf 'PG_PORT=%s\nREDIS_PORT=%s\nAPP_PORT=%s\nNGINX_PORT=%s\n' "$PG_PORT" "$REDIS_PORT" "$APP_PORT" "$NGINX_PORT" > "$PORTS_FILE"

secret() { "$PY" -c 'import secrets; print(secrets.token_urlsafe(48))'; }
SECRETS="$STATE/secrets"
if [ ! -f "$SECRETS" ]; then
  # Made once: the data of a second start opens with the same keys. Root only.
  (umask 077; printf 'SECRET_KEY=%s\nXINFANG_DATA_KEY=%s\nXINFANG_AUDIT_KEY=%s\nPG_PASSWORD=%s\nREDIS_PASSWORD=%s\n' \
     "$(secret)" "$(secret)" "$(secret)" "$("$PY" -c 'import secrets; print(secrets.token_hex(16))')" \
     "$("$PY" -c 'import secrets; print(secrets.token_hex(16))')" > "$SECRETS")
fi
# shellcheck disable=SC1090
. "$SECRETS"

SITE="http://127.0.0.1:$NGINX_PORT"
(umask 027; cat > "$ENV_FILE" <<EOF
# Written by scripts/deploy-local.sh: the loopback deployment's environment (deploy/xinfang.env.example explains it).
SECRET_KEY=$SECRET_KEY
XINFANG_DATA_KEY=$XINFANG_DATA_KEY
XINFANG_AUDIT_KEY=$XINFANG_AUDIT_KEY
DATABASE_URL=postgres://xinfang:$PG_PASSWORD@127.0.0.1:$PG_PORT/xinfang
DATABASE_CONN_MAX_AGE=60
XINFANG_REDIS_URL=redis://:$REDIS_PASSWORD@127.0.0.1:$REDIS_PORT/0
ALLOWED_HOSTS=127.0.0.1,localhost
CSRF_TRUSTED_ORIGINS=$SITE,http://localhost:$NGINX_PORT
XINFANG_SITE_URL=$SITE
# Plain HTTP on loopback: no TLS, so no secure cookies, no redirect, no HSTS (check --deploy warns, rightly).
XINFANG_HTTPS=false
XINFANG_BEHIND_PROXY=true
XINFANG_DATA_DIR=$STATE/data
XINFANG_AUDIT_ANCHOR_DIR=$STATE/anchors
XINFANG_NODE_MODULES=$ROOT/node_modules
LOG_LEVEL=WARNING
EOF
)
chgrp "$APP_USER" "$ENV_FILE"

# Every app command: as the app user, production settings, this env file (base.py reads it: XINFANG_ENV_FILE).
# One simple command (no subshell), so that `as_app … &` gives the pid of the program itself: setpriv, env and
# setsid each exec the next.
APP=(setpriv --reuid="$APP_USER" --regid="$APP_USER" --init-groups --reset-env --
     env -C "$STATE/data" PATH="$VENV/bin:/usr/bin:/bin" LANG=C.UTF-8 HOME="$STATE/data" TMPDIR="$STATE/data/tmp"
     DJANGO_SETTINGS_MODULE=xinfang.config.settings.production XINFANG_ENV_FILE="$ENV_FILE")
as_app() { "${APP[@]}" "$@"; }

# --- PostgreSQL ---------------------------------------------------------------------------------

pg() { (cd "$STATE/pg" && runuser -u postgres -- "$@"); }
if [ ! -f "$STATE/pg/data/PG_VERSION" ]; then
  say "PostgreSQL: new cluster in $STATE/pg/data"
  pg "$PG_BINDIR/initdb" -D "$STATE/pg/data" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=peer --auth-host=scram-sha-256 >"$LOG/initdb.log" 2>&1 || { cat "$LOG/initdb.log" >&2; exit 1; }
  fresh_db=1
else
  fresh_db=0
fi
if ! pg_running; then
  say "PostgreSQL on 127.0.0.1:$PG_PORT"
  pg "$PG_BINDIR/pg_ctl" -D "$STATE/pg/data" -l "$LOG/postgresql.log" -w -t 60 start -o \
    "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$STATE/pg -c max_connections=200 -c shared_buffers=256MB" \
    >/dev/null || { tail -20 "$LOG/postgresql.log" >&2; exit 1; }
fi
if [ "$fresh_db" -eq 1 ]; then
  # The application's role owns its database but is no superuser; xinfang_app is the audit-restricted role that
  # `xinfang audit grants` fills (docs/OPERATIONS.md).
  pg "$PG_BINDIR/psql" -h "$STATE/pg" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -q <<SQL
CREATE ROLE xinfang LOGIN PASSWORD '$PG_PASSWORD';
CREATE DATABASE xinfang OWNER xinfang;
SQL
fi

# --- Redis --------------------------------------------------------------------------------------

if ! pid_alive "$RUN/redis.pid"; then
  say "Redis on 127.0.0.1:$REDIS_PORT"
  (umask 077; cat > "$STATE/redis.conf" <<EOF
bind 127.0.0.1
port $REDIS_PORT
requirepass $REDIS_PASSWORD
dir $STATE/redis
logfile $LOG/redis.log
pidfile $RUN/redis.pid
daemonize yes
# The RQ queue lives here: an append-only file keeps queued tasks across a restart.
appendonly yes
appendfsync everysec
# Cache keys may be evicted, queue keys (no expiry) never: volatile-lru.
maxmemory 512mb
maxmemory-policy volatile-lru
EOF
  )
  chown redis: "$STATE/redis.conf" 2>/dev/null || true
  chmod 1777 "$RUN"
  runuser -u redis -- redis-server "$STATE/redis.conf"
  for _ in $(seq 50); do [ -f "$RUN/redis.pid" ] && break; sleep 0.1; done
fi

# --- the app: migrate, static files, demo data --------------------------------------------------

say "migrate"
as_app xinfang migrate --no-input -v 0
say "collectstatic → $STATE/data/staticfiles"
as_app xinfang collectstatic --no-input -v 0
if [ "$demo" -eq 1 ] && [ "$demo_petitions" -eq 0 ]; then
  say "demo accounts only (the fictional district, no petitions; password xinfang-demo)"
  as_app xinfang shell -c "from xinfang.demo.district import district_build; district_build()"
elif [ "$demo" -eq 1 ]; then
  say "demo data ($demo_petitions petitions, only on an empty database; the demo accounts' password: xinfang-demo)"
  as_app xinfang demo --no-serve --petitions "$demo_petitions" >"$LOG/demo.log" 2>&1 || { tail -30 "$LOG/demo.log" >&2; exit 1; }
  as_app xinfang optimize >/dev/null
fi

# --- processes ----------------------------------------------------------------------------------

start_bg() {  # start_bg NAME PIDFILE COMMAND...: in the background as the app user, its pid in PIDFILE
  local name="$1" file="$2"; shift 2
  if pid_alive "$file"; then say "$name already running ($(cat "$file"))"; return 0; fi
  "${APP[@]}" setsid "$@" >>"$LOG/$name.log" 2>&1 < /dev/null &
  echo $! > "$file"
  say "$name started ($(cat "$file")), log $LOG/$name.log"
}

if [ "$app_changed" -eq 1 ]; then
  # New code: the app processes restart (gunicorn preloads the app, so a HUP would keep the old code).
  stop_pidfile gunicorn "$RUN/gunicorn.pid" 40
  for file in "$RUN"/rqworker-*.pid; do [ -e "$file" ] && stop_pidfile "rq worker" "$file" 60; done
  stop_pidfile scheduler "$RUN/scheduler.pid" 60
fi
if ! pid_alive "$RUN/gunicorn.pid"; then
  # gunicorn needs its pid file's folder writable by the app user.
  rm -f "$RUN/gunicorn.pid"
  start_bg gunicorn "$RUN/gunicorn.pid" gunicorn --config "$ROOT/deploy/gunicorn.conf.py" --bind "127.0.0.1:$APP_PORT" \
    --workers "${XINFANG_GUNICORN_WORKERS:-5}" --access-logfile "$LOG/access.log"
fi
# RQ: the web's tasks (SMS, webhooks, notifications). The first also runs RQ's scheduler (deferred jobs).
for n in $(seq "$rq_workers"); do
  scheduler_flag=()
  [ "$n" -eq 1 ] && scheduler_flag=(--with-scheduler)
  start_bg "rqworker-$n" "$RUN/rqworker-$n.pid" xinfang rqworker --job-class django_tasks_rq.Job "${scheduler_flag[@]}" default
done
# The periodic scans on the database queue (deploy/systemd/xinfang-scheduler.service explains why).
start_bg scheduler "$RUN/scheduler.pid" env XINFANG_TASK_BACKEND=django_tasks_db.DatabaseBackend xinfang worker

# --- nginx ----------------------------------------------------------------------------------------

mkdir -p "$STATE/nginx/tmp"
chown www-data: "$STATE/nginx/tmp"
cat > "$STATE/nginx/nginx.conf" <<EOF
# Written by scripts/deploy-local.sh: deploy/nginx/xinfang.conf's locations, plain HTTP on loopback.
user www-data;
worker_processes 2;
pid $RUN/nginx.pid;
error_log $LOG/nginx-error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    server_tokens off;
    access_log $LOG/nginx-access.log;
    client_body_temp_path $STATE/nginx/tmp/body;
    proxy_temp_path $STATE/nginx/tmp/proxy;
    fastcgi_temp_path $STATE/nginx/tmp/fastcgi;
    uwsgi_temp_path $STATE/nginx/tmp/uwsgi;
    scgi_temp_path $STATE/nginx/tmp/scgi;
    gzip on;
    gzip_types text/css application/javascript application/json image/svg+xml;
    upstream xinfang_app { server 127.0.0.1:$APP_PORT fail_timeout=0; keepalive 16; }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        server_name 127.0.0.1 localhost;
        client_max_body_size 210m;
        proxy_read_timeout 180s;
        proxy_send_timeout 180s;
        location /static/ {
            alias $STATE/data/staticfiles/;
            expires 1y;
            add_header Cache-Control "public, immutable";
            access_log off;
            gzip_static on;
        }
        location / {
            proxy_pass http://xinfang_app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-For \$remote_addr;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header X-Real-IP \$remote_addr;
            proxy_redirect off;
        }
    }
}
EOF
nginx -t -q -c "$STATE/nginx/nginx.conf" -p "$STATE/nginx" -g "error_log $LOG/nginx-error.log;" 2>&1 | grep -v "could not open error log" >&2 || true
if ! pid_alive "$RUN/nginx.pid"; then
  nginx -c "$STATE/nginx/nginx.conf" -p "$STATE/nginx" -g "error_log $LOG/nginx-error.log;"
  say "nginx on $SITE"
else
  nginx -c "$STATE/nginx/nginx.conf" -p "$STATE/nginx" -s reload
fi

# --- ready? -------------------------------------------------------------------------------------

for _ in $(seq 120); do
  code="$(curl -s -o /dev/null -w '%{http_code}' "$SITE/login/" || true)"
  [ "$code" = 200 ] && break
  sleep 0.5
done
[ "$code" = 200 ] || { tail -30 "$LOG/gunicorn.log" >&2; die "$SITE/login/ answered $code"; }
static="$(curl -s -o /dev/null -w '%{http_code}' "$SITE/static/vendor/htmx/htmx.min.js" || true)"
[ "$static" = 200 ] || say "warning: static files through nginx answered $static"
say "ready: $SITE/  (state $STATE; stop with scripts/deploy-local.sh --stop${STATE:+ --dir $STATE})"
