"""`xinfang seed --petitions N --seed S`: the fictional district plus N generated petitions."""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from xinfang.demo.derived import derived_data_rebuild
from xinfang.demo.district import district_build
from xinfang.demo.generator import BATCH_SIZE, generate_petitions
from xinfang.demo.procedure import progress_petitions
from xinfang.petitions.management.commands.optimize import database_analyze
from xinfang.petitions.models import Petition


class Command(BaseCommand):
    help = "生成演示数据：虚构的清溪区及 N 件信访事项 (seed the fictional district and N generated petitions)."

    def add_arguments(self, parser):
        parser.add_argument("--petitions", type=int, default=1_000, help="how many petitions to generate")
        parser.add_argument("--seed", type=int, default=1, help="random seed: the same seed gives the same data")
        parser.add_argument("--until", type=date.fromisoformat, default=None,
                            help="last day (exclusive) of the two years of petitions, YYYY-MM-DD; default today")
        parser.add_argument("--days", type=int, default=730, help="how many days the petitions are spread over")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument("--procedure", action="store_true",
                            help="also carry the petitions through the procedure (about 10 ms an action: demo sizes only)")

    def handle(self, *args, **options):
        if options["petitions"] < 0:
            raise CommandError("--petitions must be 0 or more")
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("数据库尚未迁移到最新：请先运行 xinfang migrate (run `xinfang migrate` first)")
        started = time.perf_counter()
        district = district_build()
        self.stdout.write(f"清溪区 district ready: {len(district.townships)} townships, "
                          f"{len(district.users)} accounts ({time.perf_counter() - started:.1f} s)")
        step = max(options["petitions"] // 20, options["batch_size"])
        last_report = [0]

        def progress(done: int) -> None:
            if done - last_report[0] >= step or done == options["petitions"]:
                last_report[0] = done
                elapsed = time.perf_counter() - generation_started
                self.stderr.write(f"  {done:>10,} petitions  {elapsed:7.1f} s  {done / max(elapsed, 1e-9):8,.0f}/s")

        generation_started = time.perf_counter()
        try:
            result = generate_petitions(
                n=options["petitions"], seed=options["seed"], district=district, until=options["until"],
                days=options["days"], batch_size=options["batch_size"], progress=progress,
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(
            f"已生成 {result.petitions:,} 件信访事项 generated {result.petitions:,} petitions, "
            f"{result.petitioners:,} new petitioners, {result.parties:,} parties, {result.events:,} events, "
            f"{result.hot_topic_links:,} hot-topic links in {result.elapsed:.1f} s "
            f"({result.petitions / max(result.elapsed, 1e-9):,.0f} petitions/s)"
        ))
        for year, (first, last) in sorted(result.numbers.items()):
            self.stdout.write(f"  {year}: sequences {first:,}–{last:,}")
        if options["procedure"]:
            procedure_started = time.perf_counter()
            def advanced(done: int, counts) -> None:
                if done % 500 == 0:
                    self.stderr.write(f"  {done:>10,} petitions advanced ({time.perf_counter() - procedure_started:.0f} s)")

            counts = progress_petitions(district=district, seed=options["seed"], progress=advanced)
            actions = ", ".join(f"{action} {count:,}" for action, count in counts.most_common())
            self.stdout.write(f"办理程序 procedure: {actions} ({time.perf_counter() - procedure_started:.1f} s)")
        # The bulk load bypassed registration: text index, identity links and mass matters are rebuilt.
        derived_data_rebuild(petitions=Petition.objects.count(), write=self.stdout.write)
        # A bulk load changes the data's shape: give the planner fresh statistics at once.
        self.stdout.write(f"ANALYZE {database_analyze():.1f} s")
        self.stdout.write(f"total {time.perf_counter() - started:.1f} s")
