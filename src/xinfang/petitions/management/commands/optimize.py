"""`xinfang optimize`: refresh the query planner's statistics, and on PostgreSQL the visibility map.

Without statistics SQLite answers the scoped case list by sorting every matching row (seconds at a
million petitions); with them it walks the newest-first index (milliseconds). See docs/PERFORMANCE.md.
On PostgreSQL the command runs `VACUUM (ANALYZE)`: besides the statistics, the vacuum marks freshly loaded
pages all-visible, without which the counts of the statistics pages cannot use index-only scans and read the
table instead (autovacuum gets there eventually; after a bulk load or import it helps at once).
Run it after bulk imports and nightly (cron or the systemd timer of docs/DEPLOYMENT.md).
"""

import time

from django.core.management.base import BaseCommand
from django.db import connection


def analyze_statement() -> str:
    """What refreshes the statistics here: VACUUM (ANALYZE) on PostgreSQL, which cannot run inside a transaction
    (inside a caller's atomic block: ANALYZE alone); ANALYZE on SQLite (then PRAGMA optimize)."""
    if connection.vendor == "postgresql":
        return "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    return "ANALYZE"


def database_analyze() -> float:
    """Refresh the planner's statistics of the default database; return the seconds it took."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(analyze_statement())
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA optimize")
    return time.perf_counter() - started


class Command(BaseCommand):
    help = "更新数据库查询统计信息 (refresh the planner's statistics: ANALYZE; VACUUM (ANALYZE) on PostgreSQL)."

    def handle(self, *args, **options):
        done = analyze_statement()
        seconds = database_analyze()
        self.stdout.write(f"{done} done in {seconds:.1f} s ({connection.vendor})")
