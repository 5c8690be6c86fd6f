"""`xinfang optimize`: refresh the query planner's statistics (ANALYZE).

Without statistics SQLite answers the scoped case list by sorting every matching row (seconds at a
million petitions); with them it walks the newest-first index (milliseconds). See docs/PERFORMANCE.md.
Run it after bulk imports and nightly (cron or a systemd timer); PostgreSQL's autovacuum also analyzes,
but an explicit run after a bulk load helps at once.
"""

import time

from django.core.management.base import BaseCommand
from django.db import connection


def database_analyze() -> float:
    """Run ANALYZE on the default database; return the seconds it took."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


class Command(BaseCommand):
    help = "更新数据库查询统计信息 (refresh the query planner's statistics with ANALYZE)."

    def handle(self, *args, **options):
        seconds = database_analyze()
        self.stdout.write(f"ANALYZE done in {seconds:.1f} s ({connection.vendor})")
