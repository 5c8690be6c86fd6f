"""gunicorn settings of the web process (systemd's xinfang-web.service and scripts/deploy-local.sh).

Every value can be overridden by the environment (XINFANG_GUNICORN_*) or on the command line.
"""

import multiprocessing
import os
from pathlib import Path

# The app: deploy/wsgi_proxy.py (the client's address from nginx's X-Real-IP), importable from this folder.
pythonpath = str(Path(__file__).resolve().parent)
wsgi_app = "wsgi_proxy:application"

# Behind nginx only: a Unix socket (systemd) or a loopback port (deploy-local.sh), never a public address.
bind = os.environ.get("XINFANG_GUNICORN_BIND", "unix:/run/xinfang/gunicorn.sock")
# Threads, not only processes: a request mostly waits for PostgreSQL, and each process holds the whole app in
# memory (about 150 MB). 2 × cores + 1 processes is gunicorn's own rule; 4 threads each.
workers = int(os.environ.get("XINFANG_GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.environ.get("XINFANG_GUNICORN_THREADS", 4))
# Exports and report rendering can take a minute; nginx's proxy_read_timeout is longer still (deploy/nginx).
timeout = int(os.environ.get("XINFANG_GUNICORN_TIMEOUT", 120))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (with jitter, so they do not all restart together): bounds any leak.
max_requests = 2000
max_requests_jitter = 200
# The app is loaded once in the master: workers start quickly and share its pages until they write to them.
preload_app = True
# Files of uploads beyond the memory limit go to a private temporary folder (systemd's PrivateTmp).
umask = 0o027
forwarded_allow_ips = os.environ.get("XINFANG_GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("XINFANG_GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("XINFANG_GUNICORN_ERROR_LOG", "-")
# Time in microseconds (%(D)s) so the access log alone gives latencies per request.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus "%(a)s"'
