"""Benchmark repeat matching on a large generated database: candidates while typing, the case-page section,
registration with the matching receiver, and the mass-matter rebuild rate.

    .venv/bin/python bench/bench_matching.py --db var/bench-matching.sqlite3 --petitions 100000

Seeds the database (its own SQLite file) up to --petitions, builds the text index and identity keys once,
then times each case --repeat times and prints median, p95 and SQL queries. docs/PERFORMANCE.md records it.
"""

import argparse
import statistics
import time
from datetime import timedelta
from pathlib import Path

from benchenv import (add_database_argument, database_label, percentile, print_machine, seed_district,
                      setup_django)  # bench/ is on sys.path as the script's folder


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="var/bench-matching.sqlite3")
    parser.add_argument("--petitions", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--cluster-sample", type=int, default=2000, help="petitions replayed by the cluster rebuild")
    add_database_argument(parser)
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    db = Path(args.db).resolve()
    setup_django(db, database_url=args.database_url)

    import io

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from xinfang.matching.models import IdentityKey
    from xinfang.matching.selectors import draft_of_petition, repeat_candidates
    from xinfang.matching.services import clusters_rebuild
    from xinfang.petitions.models import Category, Petition
    from xinfang.petitions.services import PetitionerInput, PetitionInput, petition_register

    print(f"database: {database_label(db)}")
    print_machine()
    district, seeded = seed_district(petitions=args.petitions, seed=args.seed)
    if seeded:
        started = time.perf_counter()
        call_command("similarity", "rebuild", stdout=io.StringIO())
        print(f"similarity rebuild {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        call_command("matching", "identities", stdout=io.StringIO())
        print(f"matching identities (keys and links) {time.perf_counter() - started:.1f} s", flush=True)
        from xinfang.petitions.management.commands.optimize import database_analyze

        database_analyze()
    total = Petition.objects.count()
    print(f"petitions: {total:,}; identity keys: {IdentityKey.objects.count():,}; "
          f"repeats (重件): {Petition.objects.filter(first_petition__isnull=False).count():,}")
    clerk = district.users["clerk"]
    ui = Client(SERVER_NAME="localhost")
    ui.force_login(clerk)

    # Drafts: recent petitions with a petitioner, as if typed again.
    # Spread over the generated data (not the petitions this script registers below).
    step = max(total // (args.repeat + 1), 1)
    samples = [p for p in (Petition.objects.filter(pk__lte=pk, parties__isnull=False).order_by("-id").first()
                           for pk in range(step, step * (args.repeat + 1), step)) if p is not None]

    def timed(name: str, call) -> None:
        call(0)
        with CaptureQueriesContext(connection) as captured:
            call(0)
        queries = len(captured.captured_queries)
        timings = []
        for index in range(args.repeat):
            started = time.perf_counter()
            call(index)
            timings.append((time.perf_counter() - started) * 1000)
        print(f"{name:<52} median {statistics.median(timings):7.1f} ms  p95 {percentile(timings, 0.95):7.1f} ms"
              f"  {queries:3d} queries", flush=True)

    drafts = [draft_of_petition(petition=p) for p in samples]
    found = [len(repeat_candidates(actor=clerk, draft=d).candidates) for d in drafts]
    print(f"candidates found per draft: median {statistics.median(found)}, max {max(found)}")
    timed("repeat_candidates (service)", lambda i: repeat_candidates(actor=clerk, draft=drafts[i % len(drafts)]))

    def form(i: int) -> dict:
        petition = samples[i % len(samples)]
        party = petition.parties.select_related("petitioner").first().petitioner
        return {"summary": petition.summary, "content": petition.content, "demands": petition.demands,
                "locality": petition.locality_id, "category": petition.category_id,
                "received_at": timezone.localtime(petition.received_at).strftime("%Y-%m-%dT%H:%M"),
                "petitioners-0-name": party.name, "petitioners-0-id_number": party.id_number,
                "petitioners-0-phone": party.phone, "idempotency_key": "bench"}

    forms = [form(i) for i in range(len(samples))]
    timed("UI candidates partial (htmx, as the clerk types)", lambda i: ui.get("/matching/candidates/",
                                                                             forms[i % len(forms)]))
    timed("UI case-page section (chain + candidates)",
          lambda i: ui.get(f"/matching/petitions/{samples[i % len(samples)].pk}/"))

    category = Category.objects.get(code="0301")
    township = district.townships[0].org
    registered: list[int] = []

    def register(i: int) -> None:
        with transaction.atomic():
            petition, _ = petition_register(actor=clerk, data=PetitionInput(
                channel="letter", received_at=timezone.now() - timedelta(minutes=5), summary="反映拖欠工资",
                content=samples[i % len(samples)].content, category_id=category.pk, petition_type="grievance",
                locality_id=township.pk,
                petitioners=[PetitionerInput(name="测试人", phone=f"138{len(registered) + i:08d}")]))
            registered.append(petition.pk)

    timed("registration incl. similarity + matching receivers", register)

    since = Petition.objects.order_by("-received_at").values_list("received_at", flat=True)[args.cluster_sample]
    started = time.perf_counter()
    with transaction.atomic():
        made = clusters_rebuild(since=since)
        transaction.set_rollback(True)  # measured, not kept
    elapsed = time.perf_counter() - started
    print(f"cluster rebuild over the newest {args.cluster_sample:,} petitions: {elapsed:.1f} s "
          f"({args.cluster_sample / elapsed:,.0f} petitions/s), {made} mass matters")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
