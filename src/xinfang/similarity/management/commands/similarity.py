"""`xinfang similarity rebuild [--batch-size N]` re-indexes every petition; `xinfang similarity stats`
prints the size of the index."""

import time

from django.core.management.base import BaseCommand, CommandError

from xinfang.similarity.selectors import BUCKET_LIMIT, index_stats
from xinfang.similarity.services import DEFAULT_BATCH_SIZE, index_rebuild


class Command(BaseCommand):
    help = "Near-duplicate text index. `rebuild` indexes every petition again; `stats` prints its size."

    def add_arguments(self, parser):
        parser.add_argument("subcommand", choices=["rebuild", "stats"])
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE,
                            help=f"petitions per batch and transaction (default {DEFAULT_BATCH_SIZE})")

    def handle(self, *args, subcommand, batch_size, verbosity=1, **options):
        if subcommand == "stats":
            self._stats()
            return
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        started = time.perf_counter()

        def progress(done: int) -> None:
            if verbosity >= 1:
                elapsed = time.perf_counter() - started
                self.stdout.write(f"  {done:>10,} petitions  {elapsed:7.1f} s  {done / max(elapsed, 1e-9):8,.0f}/s")

        indexed = index_rebuild(batch_size=batch_size, progress=progress)
        elapsed = time.perf_counter() - started
        self.stdout.write(f"相似内容索引已重建 similarity index rebuilt: {indexed:,} petitions indexed "
                          f"in {elapsed:.1f} s")

    def _stats(self) -> None:
        stats = index_stats()
        self.stdout.write(f"petitions indexed: {stats.petitions:,}\n"
                          f"band rows: {stats.band_rows:,}\n"
                          f"band buckets: {stats.buckets:,}\n"
                          f"largest buckets: {', '.join(f'{n:,}' for n in stats.largest_buckets) or '-'}\n"
                          f"buckets over {BUCKET_LIMIT} (lookups read the newest {BUCKET_LIMIT}): "
                          f"{stats.buckets_over_limit:,}")
