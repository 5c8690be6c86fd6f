"""Statistics read a PostgreSQL streaming replica; writes go to the primary (issue 20, docs/SCALING.md).

Two PostgreSQL 15 servers on loopback in temporary folders: a primary (wal_level=replica) and a replica made
with pg_basebackup -R. The app runs in subprocesses with DATABASE_URL (primary) and XINFANG_REPLICA_URL
(replica), as a deployment would. Replay on the replica is paused once, so a petition registered meanwhile is
missing from the statistics pages (they read the replica) though the primary has it; then it appears.
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

PG_BINDIR = Path(os.environ.get("PG_BINDIR", "/usr/lib/postgresql/15/bin"))
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not (PG_BINDIR / "initdb").exists(),
                                reason=f"PostgreSQL 15 server binaries not found in {PG_BINDIR} (set PG_BINDIR)")

# Runs in the app's subprocess: the statistics pages through the test client, and what each connection did.
PROBE = r"""
import json, sys, time
import django
django.setup()
from datetime import date, datetime
from django.db import connections, router
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.utils import timezone
from xinfang.audit.models import AuditEvent
from xinfang.config.routers import reading_replica
from xinfang.orgs.models import Org, User
from xinfang.petitions.models import Category, Channel, Petition, PetitionType
from xinfang.petitions.services import PetitionerInput, PetitionInput, petition_register

phase = sys.argv[1]
out = {}
if phase == "register":
    clerk = User.objects.get(username="clerk")
    locality = Org.objects.filter(kind=Org.Kind.TOWNSHIP).order_by("pk").first()
    data = PetitionInput(
        channel=Channel.LETTER, received_at=timezone.now(), summary="反映小区电梯长期停运",
        content="本小区电梯停运两个月，物业未修复。", demands="请求督促物业修复电梯。",
        category_id=Category.objects.filter(parent__isnull=False).order_by("pk").first().pk,
        petition_type=PetitionType.GRIEVANCE, locality_id=locality.pk,
        petitioners=[PetitionerInput(name="李四", id_number="11010519491231002X", phone="13812345678",
                                     address="清溪区青石镇桃源村3组")])
    petition_register(data=data, actor=clerk)
    out["primary_count"] = Petition.objects.count()
    print(json.dumps(out))
    sys.exit(0)

def lsn(alias, sql):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]

if phase == "read":  # wait until the replica has replayed everything the primary has written
    target = lsn("default", "SELECT pg_current_wal_lsn()")
    deadline = time.monotonic() + 60
    while True:
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                break
        assert time.monotonic() < deadline, "replica did not catch up within 60 s"
        time.sleep(0.1)

setup_test_environment()  # response.context
client = Client()
client.force_login(User.objects.get(username="stats"))
# Every generated petition (the 730 days before today) and within the ten years a statistics period may span.
params = {"start": date(timezone.localdate().year - 3, 1, 1).isoformat(), "end": timezone.localdate().isoformat()}
with CaptureQueriesContext(connections["default"]) as primary, \
        CaptureQueriesContext(connections["replica"]) as replica:
    dashboard = client.get("/stats/", params)
    drill = client.get("/stats/indicators/registered/", params)
out["status"] = [dashboard.status_code, drill.status_code]
card = next(c for c in dashboard.context["cards"] if c["indicator"].key == "registered")
out["dashboard_registered"] = card["item"].figure.value
out["drilldown_figure"] = drill.context["figure"].value
out["drilldown_total"] = drill.context["total"]
out["replica_queries"] = len(replica.captured_queries)
out["primary_petition_queries"] = [q["sql"] for q in primary.captured_queries if "petitions_petition" in q["sql"]]
out["primary_count"] = Petition.objects.count()  # outside reading_replica(): the primary
with reading_replica():
    alias = router.db_for_read(Petition)
    out["read_alias"] = alias
    out["in_recovery"] = lsn(alias, "SELECT pg_is_in_recovery()")
    out["read_port"] = lsn(alias, "SELECT inet_server_port()")
out["outside_alias"] = router.db_for_read(Petition) or "default"
out["write_alias"] = router.db_for_write(Petition)

# An Excel download is a stats request that writes: its audit event must land on the primary.
before = AuditEvent.objects.filter(action="stats.tables_export").count()
with CaptureQueriesContext(connections["default"]) as primary, \
        CaptureQueriesContext(connections["replica"]) as replica:
    export = client.get("/stats/tables.xlsx", params)
    b"".join(export.streaming_content)
out["export_status"] = export.status_code
out["export_audit_added"] = AuditEvent.objects.filter(action="stats.tables_export").count() - before
out["export_replica_queries"] = len(replica.captured_queries)
out["export_replica_writes"] = [q["sql"] for q in replica.captured_queries
                                if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
out["export_primary_audit_insert"] = any(q["sql"].startswith("INSERT") and "audit" in q["sql"]
                                         for q in primary.captured_queries)
print(json.dumps(out))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Servers:
    """The primary and the replica; as root they run as the postgres user, like scripts/test.sh's run_as_pg."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.user = None
        if os.geteuid() == 0:
            self.user = "postgres"
            try:
                shutil.chown(tmp, self.user)
            except LookupError:
                pytest.skip("running as root without a postgres user: PostgreSQL refuses to run as root")
        self.primary_port, self.replica_port = _free_port(), _free_port()
        self.password = secrets.token_hex(16)
        self.started: list[Path] = []

    def run(self, *args: str, env: dict | None = None, input: str | None = None) -> str:
        command = [str(PG_BINDIR / args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", self.user, "--", "env", *[f"{k}={v}" for k, v in (env or {}).items()],
                       *command]
        elif env:
            command = ["env", *[f"{k}={v}" for k, v in env.items()], *command]
        result = subprocess.run(command, cwd=self.tmp, input=input, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"{' '.join(args[:2])} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def start(self, name: str, port: int, *extra: str) -> None:
        data = self.tmp / name
        options = (f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={self.tmp} "
                   f"-c fsync=off -c full_page_writes=off {' '.join(extra)}")
        self.run("pg_ctl", "-D", str(data), "-l", str(self.tmp / f"{name}.log"), "-w", "-t", "60", "start",
                 "-o", options)
        self.started.append(data)

    def psql(self, port: int, sql: str, database: str = "postgres") -> str:
        return self.run("psql", "-h", str(self.tmp), "-p", str(port), "-U", "postgres", "-d", database,
                        "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql)

    def stop_all(self) -> None:
        for data in reversed(self.started):
            try:
                self.run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "-t", "30", "stop")
            except AssertionError:
                pid_file = data / "postmaster.pid"
                if pid_file.exists():
                    os.kill(int(pid_file.read_text().split()[0]), 9)

    def url(self, port: int) -> str:
        return f"postgres://xinfang:{self.password}@127.0.0.1:{port}/xinfang"


def _app(servers: Servers, tmp: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "xinfang.config.settings.test", "XINFANG_ENV_FILE": "",
           "DATABASE_URL": servers.url(servers.primary_port), "XINFANG_REPLICA_URL": servers.url(servers.replica_port),
           "XINFANG_DATA_DIR": str(tmp / "app"), "XINFANG_AUDIT_ANCHOR_DIR": str(tmp / "app" / "anchors")}
    result = subprocess.run(list(args), cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{args[:3]} failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
    return result


def _probe(servers: Servers, tmp: Path, phase: str) -> dict:
    result = _app(servers, tmp, sys.executable, "-c", PROBE, phase)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_statistics_read_the_replica_and_writes_go_to_the_primary():
    tmp = Path(tempfile.mkdtemp(prefix="xinfang-replica-", dir="/tmp"))
    tmp.chmod(0o700)
    servers = Servers(tmp)
    try:
        servers.run("initdb", "-D", str(tmp / "primary"), "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8",
                    "--auth-local=trust", "--auth-host=scram-sha-256")
        servers.start("primary", servers.primary_port, "-c wal_level=replica", "-c max_wal_senders=4")
        servers.psql(servers.primary_port,
                     f"CREATE ROLE replicator REPLICATION LOGIN PASSWORD '{servers.password}'; "
                     f"CREATE ROLE xinfang LOGIN PASSWORD '{servers.password}'; "
                     "CREATE ROLE xinfang_app NOLOGIN; GRANT xinfang_app TO xinfang;")
        servers.psql(servers.primary_port, "CREATE DATABASE xinfang OWNER xinfang")
        # -R writes standby.signal and primary_conninfo: the copy starts as a streaming replica of the primary.
        servers.run("pg_basebackup", "-D", str(tmp / "replica"), "-h", "127.0.0.1", "-p", str(servers.primary_port),
                    "-U", "replicator", "-R", "-X", "stream", "-c", "fast", env={"PGPASSWORD": servers.password})
        servers.start("replica", servers.replica_port, "-c hot_standby=on")
        assert servers.psql(servers.replica_port, "SELECT pg_is_in_recovery()") == "t\n"

        xinfang = str(Path(sys.executable).with_name("xinfang"))
        _app(servers, tmp, xinfang, "migrate", "--no-input", "-v", "0")
        _app(servers, tmp, xinfang, "seed", "--petitions", "50", "--seed", "3")

        first = _probe(servers, tmp, "read")
        assert first["status"] == [200, 200]
        # Every petition generated (two years, all in the district) is within the period (three years) and the
        # statistician's scope: the figure read from the replica is the primary's live count.
        assert first["primary_count"] == 50
        assert first["dashboard_registered"] == first["drilldown_figure"] == first["drilldown_total"] == 50
        assert first["replica_queries"] > 0
        assert first["primary_petition_queries"] == []  # the primary served only the session and the user
        assert first["read_alias"] == "replica" and first["in_recovery"] is True
        assert first["read_port"] == servers.replica_port
        assert first["outside_alias"] == "default" and first["write_alias"] == "default"
        assert first["export_status"] == 200 and first["export_audit_added"] == 1
        assert first["export_replica_queries"] > 0 and first["export_replica_writes"] == []
        assert first["export_primary_audit_insert"] is True

        # Lag made visible: replay paused, a petition registered on the primary is not yet in the figures.
        servers.psql(servers.replica_port, "SELECT pg_wal_replay_pause()")
        assert _probe(servers, tmp, "register")["primary_count"] == 51
        stale = _probe(servers, tmp, "stale")
        assert stale["primary_count"] == 51
        assert stale["dashboard_registered"] == stale["drilldown_total"] == 50

        servers.psql(servers.replica_port, "SELECT pg_wal_replay_resume()")
        caught_up = _probe(servers, tmp, "read")
        assert caught_up["dashboard_registered"] == caught_up["drilldown_total"] == caught_up["primary_count"] == 51
    finally:
        servers.stop_all()
        shutil.rmtree(tmp, ignore_errors=True)
