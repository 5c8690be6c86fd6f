"""`xinfang worker`: the task worker — django-tasks-db's `db_worker`, after making sure the periodic deadline
scan is queued (once, however often the worker restarts). Every option of db_worker is accepted."""

from django.db import connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from xinfang.notifications.tasks import periodic_scan_ensure
from xinfang.operations.tasks import audit_verify_ensure
from xinfang.stats.tasks import rollup_advance_ensure


class Command(DbWorkerCommand):
    help = ("任务进程：执行后台任务（期限预警扫描、通知发送），即 django-tasks-db 的 db_worker "
            "(the task worker: django-tasks-db's db_worker, with the periodic deadline scan queued).")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--no-periodic-scan", action="store_true",
                            help="do not queue the periodic deadline scan (run only what is queued)")

    def handle(self, *args, **options):
        if connection.vendor == "sqlite":
            # Beside a busy writer (the demo's background seeding, an import) the worker waits for SQLite's write
            # lock instead of dying after the site's 20 s: db_worker's own retry covers only the claim, not BEGIN.
            connection.settings_dict.setdefault("OPTIONS", {})["timeout"] = 120
            if not connection.in_atomic_block:  # (a test's in-memory database must stay open)
                connection.close()  # the next query opens a connection with the longer timeout
        if not options.pop("no_periodic_scan") and periodic_scan_ensure():
            self.stdout.write("已排入定时期限预警扫描 (periodic deadline scan queued)")
        if audit_verify_ensure():
            self.stdout.write("已排入定时审计链验证 (periodic audit chain verification queued)")
        if rollup_advance_ensure():
            self.stdout.write("已排入统计汇总表定时更新 (hourly statistics rollup advance queued)")
        super().handle(*args, **options)
