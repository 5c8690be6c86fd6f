"""`xinfang demo`: migrate, seed the fictional district once, collect static files, serve with waitress.

The first run on an empty database generates the petitions (seconds), then carries them through the
procedure (about 10 ms an action, 15,000 actions for 3,000 petitions: minutes). To open the site within a
couple of minutes it tells the stories of the newest petitions first (--before-serving), serves, and lets a
second process (`xinfang demo --finish`) tell the rest and rebuild the mass matters beside the server. Later
runs find the data and serve in seconds; an interrupted background run is resumed by the next one. The task
worker (`xinfang worker`: deadline warnings and notifications) runs beside the server and stops with it.
"""

import os
import signal
import subprocess
import sys
import time
import unicodedata
from collections import Counter

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from xinfang.demo.background import background_started
from xinfang.demo.ledgers import ledgers_seed
from xinfang.demo.derived import clusters_rebuild_step, heartbeat, text_and_identities_rebuild
from xinfang.demo.district import DemoAccount, district_build
from xinfang.demo.generator import generate_petitions
from xinfang.demo.procedure import pending_petitions, progress_petitions
from xinfang.matching.models import MassCluster
from xinfang.orgs.models import Role
from xinfang.petitions.management.commands.optimize import database_analyze
from xinfang.petitions.models import Petition


def _width(text: str) -> int:
    """Columns a string takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def accounts_table(accounts: list[DemoAccount]) -> str:
    """The demo accounts as an aligned Chinese + English table."""
    header = ("账号 Username", "密码 Password", "角色 Role", "所属机构 Org")
    rows = [
        (account.username, account.password,
         "、".join(f"{Role(role).label} {role}" for role in account.roles), account.org_name)
        for account in accounts
    ]
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    rule = "+-" + "-+-".join("-" * width for width in widths) + "-+"

    def line(cells) -> str:
        return "| " + " | ".join(_pad(cell, width) for cell, width in zip(cells, widths, strict=True)) + " |"

    return "\n".join([rule, line(header), rule, *(line(row) for row in rows), rule])


def _parse_addr(addr: str) -> tuple[str, int]:
    host, _, port = addr.rpartition(":")
    try:
        return (host.strip("[]") or "127.0.0.1"), int(port)
    except ValueError:
        raise CommandError(f"--addr 应为 主机:端口，例如 127.0.0.1:8000 (expected host:port, got {addr!r})") from None


PROGRESS_SECONDS = 5  # a line at least this often during the procedure
ACTIONS_PER_OLDER_PETITION = 5.5  # a petition older than a few months is mostly closed: its whole story


def _exit_on_sigterm(signum, frame) -> None:
    raise SystemExit(128 + signum)


class _ProcedureProgress:
    """Prints `done/total petitions, actions, seconds` at most every PROGRESS_SECONDS (and at the end)."""

    def __init__(self, *, total: int, write, prefix: str = "    ") -> None:
        self.total, self.write, self.prefix = total, write, prefix
        self.started = self.last = time.perf_counter()

    def __call__(self, done: int, counts: Counter) -> None:
        now = time.perf_counter()
        if now - self.last >= PROGRESS_SECONDS or done == self.total:
            self.last = now
            self.write(f"{self.prefix}{done:,}/{self.total:,} 件 petitions, {sum(counts.values()):,} 步 actions, "
                       f"{now - self.started:.0f} s")

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started


class Command(BaseCommand):
    help = ("演示：建库、生成虚构的清溪区及演示数据、收集静态文件并启动网站 "
            "(demo: migrate, seed a fictional district once, collect static files, serve with waitress).")

    def add_arguments(self, parser):
        parser.add_argument("--petitions", type=int, default=3_000,
                            help="petitions to generate when the database has none yet")
        parser.add_argument("--seed", type=int, default=1, help="random seed of the generated petitions")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="host:port to serve on")
        parser.add_argument("--no-serve", action="store_true",
                            help="prepare everything (all petitions through the procedure) but do not serve")
        parser.add_argument("--before-serving", type=int, default=400, metavar="N",
                            help="newest petitions carried through the procedure before the site opens; "
                                 "a background process does the rest while it serves (default 400)")
        parser.add_argument("--no-worker", action="store_true",
                            help="do not start the task worker (xinfang worker) beside the server")
        parser.add_argument("--finish", action="store_true",
                            help="only carry the remaining demo petitions through the procedure and rebuild "
                                 "mass matters, then exit (what the background process runs)")

    def _step(self, text: str) -> float:
        self.stdout.write(text)
        return time.perf_counter()

    def _done(self, started: float, what: str = "") -> None:
        self.stdout.write(f"    {what}{time.perf_counter() - started:.1f} s")

    def handle(self, *args, **options):
        if options["finish"] and connection.vendor == "sqlite":
            # Beside the server and the task worker the finisher waits its turn for SQLite's write lock rather
            # than failing after the site's usual 20 s (the worker's first deadline scan writes many warnings).
            settings.DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 120
            connection.settings_dict.setdefault("OPTIONS", {})["timeout"] = 120
            if not connection.in_atomic_block:  # (a test's in-memory database must stay open)
                connection.close()  # the next query opens a connection with the longer timeout
        if options["finish"]:
            try:
                self._finish(seed=options["seed"])
            except KeyboardInterrupt:
                # Ctrl+C in the terminal reaches this process too: the story in progress was rolled back whole.
                self.stdout.write("[后台 background] 已中断，下次运行 xinfang demo 时继续 "
                                  "(interrupted; the next `xinfang demo` resumes)")
            return
        host, port = _parse_addr(options["addr"])
        htmx = settings.NODE_MODULES / "htmx.org" / "dist" / "htmx.min.js"
        if not htmx.exists():
            raise CommandError(
                f"缺少 htmx（{htmx}）：请在项目目录运行 `npm ci` 或 scripts/setup.sh "
                "(htmx is missing: run `npm ci` in the project directory; the site serves it itself, no CDN)."
            )
        if settings.DEBUG:
            self.stderr.write(self.style.WARNING(
                "DEBUG 已开启：演示应以生产方式运行 (DEBUG is on; unset DEBUG to demo as in production)."))
        serve = not options["no_serve"]
        begun = time.perf_counter()

        started = self._step("1/5 建库 Migrating the database …")
        with heartbeat("建库 migrating", self.stdout.write):
            call_command("migrate", interactive=False, verbosity=0)
        self._done(started)
        started = self._step("2/5 虚构的清溪区 Building the fictional district 清溪区 …")
        district = district_build()
        self._done(started)
        existing = Petition.objects.count()
        if existing:
            self.stdout.write(
                f"3/5 已有 {existing:,} 件信访事项，不再生成 (the database has petitions; none generated)")
        else:
            self.stdout.write(f"3/5 生成 {options['petitions']:,} 件演示信访事项 Generating petitions …")
            result = generate_petitions(n=options["petitions"], seed=options["seed"], district=district)
            self.stdout.write(f"    {result.petitions:,} petitions, {result.petitioners:,} petitioners "
                              f"in {result.elapsed:.1f} s")
            # Text index and identity links first (seconds): the list, search and repeat panels need them.
            text_and_identities_rebuild(write=self.stdout.write)
        pending = pending_petitions(district=district).count()
        # Serving: the newest petitions now, the rest in the background; --no-serve: everything now. A run that
        # finds the data (an interrupted background run) serves at once: the newest stories were told already.
        if not serve:
            now = pending
        elif existing:
            now = 0
        else:
            now = min(pending, options["before_serving"])
        later = pending - now
        rate = None
        if now:
            self.stdout.write(f"4/5 办理程序 Carrying {now:,} of {pending:,} petitions through the procedure "
                              f"(newest first; about {now * 0.07:.0f} s) …")
            report = _ProcedureProgress(total=now, write=self.stdout.write)
            counts = progress_petitions(district=district, seed=options["seed"], progress=report,
                                        newest_first=True, limit=now)
            rate = report.seconds / max(sum(counts.values()), 1)  # seconds an action
            self.stdout.write("    " + ", ".join(f"{action} {count:,}" for action, count in counts.most_common(6)))
        elif pending:
            self.stdout.write(f"4/5 办理程序：{pending:,} 件在后台继续办理 (the background carries on with {pending:,})")
        else:
            self.stdout.write("4/5 办理程序：没有待办理的演示信访事项 (no demo petitions left to carry through)")
        if now or not pending:
            # The ledgers link petitions with outcomes: after the procedure (a second run adds nothing).
            ledgers_seed(today=timezone.localdate(), write=self.stdout.write)
        clusters_later = serve and (later > 0 or self._clusters_missing())
        if not serve and (now or self._clusters_missing()):
            clusters_rebuild_step(petitions=Petition.objects.count(), write=self.stdout.write)
        if now:
            database_analyze()  # planner statistics for the fresh data (see `xinfang optimize`)
        started = self._step("5/5 收集静态文件 Collecting static files …")
        with heartbeat("收集静态文件 collecting static files", self.stdout.write):
            call_command("collectstatic", interactive=False, verbosity=0)
        self._done(started)

        self.stdout.write("")
        self.stdout.write("演示账号 Demo accounts（均为虚构 all fictional）:")
        self.stdout.write(accounts_table(district.accounts))
        self.stdout.write("")
        if not serve:
            self.stdout.write(self.style.SUCCESS(
                f"演示数据已就绪（{time.perf_counter() - begun:.0f} 秒）；运行 xinfang demo 启动网站 "
                "(demo data ready; run `xinfang demo` to serve)."))
            return
        url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
        if host not in settings.ALLOWED_HOSTS and host not in ("0.0.0.0", "::"):
            self.stderr.write(self.style.WARNING(
                f"{host} 不在 ALLOWED_HOSTS 中，请设置环境变量 ALLOWED_HOSTS (add {host} to ALLOWED_HOSTS)."))
        background = None
        if later or clusters_later:
            background = self._start_background(seed=options["seed"], later=later, rate=rate or 0.02)
            background_started(background)  # pages show a banner while it runs
            if connection.vendor == "sqlite":
                # The background's mass-matter rebuild holds SQLite's write lock for up to a minute: the site's
                # own writes (a login, a registration) wait for it rather than fail after the usual 20 s.
                settings.DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 120
        worker = None if options["no_worker"] else self._start_worker()
        if background is not None or worker is not None:
            # `kill` (SIGTERM) stops the server like Ctrl+C does, so the finally below stops the children too.
            signal.signal(signal.SIGTERM, _exit_on_sigterm)
        self.stdout.write(self.style.SUCCESS(
            f"打开 Open {url} 用上表任一账号登录 (log in with any account above); 系统管理 admin: {url}admin/"
            f"  （准备用时 {time.perf_counter() - begun:.0f} 秒 ready in {time.perf_counter() - begun:.0f} s）"))

        from waitress import serve as waitress_serve

        from xinfang.config.wsgi import application

        self.stdout.write("按 Ctrl+C 停止 (press Ctrl+C to stop)")
        try:
            waitress_serve(application, host=host, port=port)
        finally:
            if background is not None and background.poll() is None:
                # Its story in progress is rolled back whole; the next `xinfang demo` carries on from there.
                background.terminate()
                background.wait(timeout=30)
                self.stdout.write("后台办理已停止，下次运行 xinfang demo 时继续 "
                                  "(background procedure stopped; the next `xinfang demo` resumes it)")
            if worker is not None and worker.poll() is None:
                # SIGTERM: db_worker finishes the task in hand (a scan commits warning by warning) and exits.
                worker.terminate()
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait(timeout=30)
                self.stdout.write("任务进程已停止 (task worker stopped)")

    def _clusters_missing(self) -> bool:
        """Generated data without mass matters: a run stopped before rebuilding them (or a fresh load)."""
        return Petition.objects.exists() and not MassCluster.objects.exists()

    def _start_background(self, *, seed: int, later: int, rate: float):
        """`xinfang demo --finish` in its own process (its own CPU, not the server's), output to this terminal."""
        # Older petitions have longer stories than the newest (about 5.5 actions against 3); mass matters take
        # about 20 ms a petition. Measured on this machine just now, so it follows the machine's load.
        minutes = max(1, round((later * ACTIONS_PER_OLDER_PETITION * rate + Petition.objects.count() * 0.02) / 60))
        self.stdout.write(self.style.WARNING(
            f"注意：另有 {later:,} 件较早的演示信访事项正在后台办理（先重建涉众事项）（约 {minutes} 分钟，视机器负载而定）。"
            "完成前这些事项显示为“已登记”、无期限，统计数字仍会变化；完成时此处会显示“后台完成”。\n"
            f"Note: {later:,} older demo petitions are still being carried through the procedure in the "
            f"background, mass matters rebuilt first (about {minutes} min, depending on the machine's load). Until then they show as "
            "registered without deadlines and the statistics still change; \"background done\" is printed here."))
        # Flush first: the child writes to the same terminal.
        self.stdout.flush()
        # The environment carries DJANGO_SETTINGS_MODULE, XINFANG_DATA_DIR, DATABASE_URL and the keys.
        return subprocess.Popen([sys.executable, "-m", "django", "demo", "--finish", "--seed", str(seed)],
                                env={**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE})

    def _start_worker(self):
        """`xinfang worker` (django-tasks-db's db_worker, with the periodic deadline scan) in its own process."""
        self.stdout.write("任务进程已启动：期限预警与通知 (task worker started: deadline warnings and notifications)")
        self.stdout.flush()
        return subprocess.Popen([sys.executable, "-m", "django", "worker", "--no-reload", "--interval", "2"],
                                env={**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE})

    def _finish(self, *, seed: int) -> None:
        """The background half: the remaining stories (oldest first), mass matters, planner statistics."""
        def write(text: str) -> None:
            self.stdout.write(f"[后台 background] {text.strip()}")
            self.stdout.flush()

        started = time.perf_counter()
        district = district_build()
        pending = pending_petitions(district=district).count()
        # Mass matters first: they read only the petitions' text, place and dates, not their stage, and their
        # rebuild is one long transaction that makes the site's writes wait (SQLite): better now, while the
        # newcomer opens the browser, than in the middle of their first clicks.
        if self._clusters_missing():  # fresh data, or a first background run stopped before they were made
            clusters_rebuild_step(petitions=Petition.objects.count(), write=write)
        if pending:
            write(f"办理程序 carrying {pending:,} petitions through the procedure …")
            report = _ProcedureProgress(total=pending, write=write, prefix="")
            progress_petitions(district=district, seed=seed, progress=report)
        database_analyze()
        write(f"后台完成：演示数据已全部生成 (background done: demo data complete, "
              f"{time.perf_counter() - started:.0f} s)")
