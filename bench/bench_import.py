"""Benchmark `xinfang import`: export N generated petitions as JSON lines, import them into a fresh database.

    .venv/bin/python bench/bench_import.py --rows 100000 [--with-history 2000] [--dir /tmp/bench-import] \
        [--history-only] [--database-url postgres://…/a_new_empty_db]

1. Source database (a new SQLite file): migrate, build the demo district, generate --with-history petitions
   and carry them through the procedure (demo.procedure, every step through petition_act), then generate
   the rest as plain registered petitions. Carrying all N through the procedure is not done: it costs about
   6 ms an action, 5-7 actions a petition, i.e. about an hour for 100,000 on SQLite.
2. Export them all with exchange.export (jsonl, unmasked, --full: the org tree and code lists lead the file).
3. Import the file into a SECOND, EMPTY database (migrated, a superuser without an org, as after
   `xinfang createsuperuser`) with exchange.importer.import_file in all_or_nothing mode: the round trip of
   docs/IMPORT.md (orgs from the file, each petition registered for its office under its own number). This phase
   runs in a child process (settings read DATABASE_URL once, and the child's peak RSS is the import's own):
   wall time, rows/s, peak RSS (getrusage ru_maxrss) and, with --tracemalloc, Python's traced peak (slower).

Prints a table; docs/PERFORMANCE.md (section "Import") records the figures.
"""

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchenv import add_database_argument, cpu_model, database_mib, database_version, setup_django  # bench/ is on sys.path as the script's folder


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000, help="petitions to export and import")
    parser.add_argument("--with-history", type=int, default=2_000,
                        help="how many of them are carried through the procedure first (the rest are registered)")
    parser.add_argument("--seed", type=int, default=20251024)
    parser.add_argument("--dir", default="", help="working directory (default: a new temporary one, kept)")
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations (slower import)")
    parser.add_argument("--engine", choices=("bulk", "services"), default="bulk", help="the import engine")
    add_database_argument(parser)  # the import target: an EMPTY database (a new one; the source stays SQLite)
    parser.add_argument("--target-url", dest="database_url", help=argparse.SUPPRESS)  # its earlier name
    parser.add_argument("--history-only", action="store_true",
                        help="import file of finished matters only: the --with-history petitions repeated to --rows "
                             "rows (new external ids, numbered by the target)")
    # internal: the import phase, run in a child process
    parser.add_argument("--phase", choices=("all", "import"), default="all", help=argparse.SUPPRESS)
    parser.add_argument("--file", default="", help=argparse.SUPPRESS)
    return parser.parse_args()






def repeat_finished(source: Path, *, rows: int) -> tuple[Path, int, int]:
    """A file of `rows` petition records copied round-robin from those of `source` that have a history.

    Copy k of a record gets external id `ID#k` (its repeat_of the same suffix, or none where the first
    petition has no history and is not in the file) and no number, so every copy is a new matter numbered
    by the target. Reference records (orgs, codes) are kept once, first.
    """
    references, finished = [], []
    with open(source, encoding="utf-8") as stream:
        for line in stream:
            record = json.loads(line)
            if record.get("type", "petition") != "petition":
                references.append(line)
            elif record.get("history"):
                finished.append(record)
    kept = {record["external_id"] for record in finished}
    target = source.with_name("finished.jsonl")
    past_registration = 0
    with open(target, "w", encoding="utf-8") as out:
        out.writelines(references)
        for index in range(rows):
            record = dict(finished[index % len(finished)])
            copy = index // len(finished)
            record["external_id"] = f"{record['external_id']}#{copy}"
            record["number"] = ""
            if record.get("repeat_of"):  # a repeat of a matter in the file: of that matter's same copy
                record["repeat_of"] = f"{record['repeat_of']}#{copy}" if record["repeat_of"] in kept else ""
            past_registration += record.get("status") != "registered"
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return target, rows, past_registration


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def import_phase(args: argparse.Namespace, workdir: Path) -> int:
    """The child: an empty database and a superuser without an org, then the timed import. Prints one JSON line."""
    setup_django(workdir / "target.sqlite3", database_url=args.database_url)
    import tracemalloc

    from django.core.management import call_command

    from django.db.models import F

    from xinfang.exchange.importer import import_file
    from xinfang.exchange.models import ImportedRecord
    from xinfang.orgs.models import User
    from xinfang.petitions.models import Petition, PetitionEvent

    call_command("migrate", interactive=False, verbosity=0)
    if Petition.objects.exists():  # never into a kept benchmark database: the target must be a new, empty one
        print(f"the target database already holds {Petition.objects.count():,} petitions: give a new one",
              file=sys.stderr)
        return 2
    admin = User.objects.create_superuser(username="bench-admin", password=None)
    rss_before = max_rss_mib()
    started = time.perf_counter()

    def progress(count: int) -> None:
        if count % 10_000 == 0:
            elapsed = time.perf_counter() - started
            print(f"  imported {count:>9,}  {elapsed:7.1f} s  {count / elapsed:7,.0f} rows/s  "
                  f"RSS peak {max_rss_mib():,.0f} MiB", file=sys.stderr, flush=True)

    if args.tracemalloc:
        tracemalloc.start()
    report = import_file(path=Path(args.file), actor=admin, progress=progress, engine=args.engine)
    elapsed = time.perf_counter() - started
    traced_peak = tracemalloc.get_traced_memory()[1] / 2**20 if args.tracemalloc else None
    result = {
        "created": report.created, "skipped": report.skipped, "failed": report.failed,
        "rolled_back": report.rolled_back, "errors": [str(error) for error in report.errors[:5]],
        "seconds": elapsed, "rss_before_mib": rss_before, "rss_peak_mib": max_rss_mib(),
        "traced_peak_mib": traced_peak, "petitions": Petition.objects.count(),
        "events": PetitionEvent.objects.count(),
        "numbers_kept": ImportedRecord.objects.filter(external_id=F("petition__number")).count(),
        "db_mib": database_mib(workdir / "target.sqlite3"), "target": database_version(),
    }
    print("RESULT " + json.dumps(result))
    return 0


def main() -> int:
    args = parse_args()
    workdir = Path(args.dir or tempfile.mkdtemp(prefix="bench-import-")).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    if args.phase == "import":
        return import_phase(args, workdir)

    source = workdir / "source.sqlite3"
    for path in (source, workdir / "target.sqlite3"):
        if path.exists():
            path.unlink()
    setup_django(source)
    from django.core.management import call_command

    from xinfang.demo.district import district_build
    from xinfang.demo.generator import generate_petitions
    from xinfang.demo.procedure import progress_petitions
    from xinfang.exchange.export import export_queryset, petition_records, write_jsonl
    from xinfang.petitions.models import Petition, PetitionEvent, PetitionStatus
    from xinfang.petitions.selectors import PetitionFilters

    print(f"working directory: {workdir}")
    print(f"machine: {platform.platform()}, {os.cpu_count()} × {cpu_model()}, Python {platform.python_version()}, "
          f"source {database_version()}")
    timings: list[tuple[str, float]] = []

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    district = district_build()
    with_history = min(args.with_history, args.rows)
    registered_only = 0 if args.history_only else args.rows - with_history
    print(f"source: {with_history:,} petitions carried through the procedure, "
          f"{registered_only:,} registered only (the procedure costs ~6 ms an action: "
          f"all {args.rows:,} would take about an hour)", flush=True)
    generate_petitions(n=with_history, seed=args.seed, district=district)
    stories_started = time.perf_counter()
    counts = progress_petitions(district=district, seed=args.seed)
    print(f"  procedure: {sum(counts.values()):,} actions in {time.perf_counter() - stories_started:.1f} s",
          flush=True)
    if not args.history_only:
        generate_petitions(n=args.rows - with_history, seed=args.seed + 1, district=district)
    total = Petition.objects.count()
    not_registered = Petition.objects.exclude(status=PetitionStatus.REGISTERED).count()
    timings.append(("build source database", time.perf_counter() - started))

    started = time.perf_counter()
    export_file = workdir / "petitions.jsonl"
    with open(export_file, "w", encoding="utf-8") as out:
        records = petition_records(queryset=export_queryset(user=None, filters=PetitionFilters()), unmask=True)
        write_jsonl(records=records, out=out, full=True)
    timings.append(("export (jsonl, unmasked, --full)", time.perf_counter() - started))
    print(f"exported {total:,} petitions ({not_registered:,} past registration, "
          f"{PetitionEvent.objects.count():,} events) to {export_file} "
          f"({export_file.stat().st_size / 2**20:,.1f} MiB)", flush=True)

    if args.history_only:
        export_file, total, not_registered = repeat_finished(export_file, rows=args.rows)
        print(f"import file: the {with_history:,} petitions with a history repeated to {total:,} rows "
              f"({not_registered:,} past registration) in {export_file}", flush=True)

    print("importing into a second, empty database (child process) …", flush=True)
    started = time.perf_counter()
    command = [sys.executable, __file__, "--phase", "import", "--dir", str(workdir), "--file", str(export_file),
               "--engine", args.engine, "--database-url", args.database_url]
    if args.tracemalloc:
        command.append("--tracemalloc")
    child = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
    lines = [line for line in child.stdout.splitlines() if line.startswith("RESULT ")]
    if child.returncode != 0 or not lines:
        print(child.stdout, file=sys.stderr)
        print(f"import phase failed (exit {child.returncode})", file=sys.stderr)
        return 1
    result = json.loads(lines[-1][len("RESULT "):])
    timings.append(("import child (migrate + superuser + import)", time.perf_counter() - started))
    if result["failed"] or result["rolled_back"]:
        print(f"import reported errors: {result['errors']}", file=sys.stderr)

    seconds = result["seconds"]
    print()
    print("| step | seconds |")
    print("|---|---:|")
    for name, value in timings:
        print(f"| {name} | {value:,.1f} |")
    print()
    print("| import measure | value |")
    print("|---|---:|")
    rows = [
        ("target database", result["target"]),
        ("rows in file", f"{total:,}"),
        ("of which with a history", f"{not_registered:,}"),
        ("created / skipped / failed", f"{result['created']:,} / {result['skipped']:,} / {result['failed']:,}"),
        ("petition numbers kept", f"{result['numbers_kept']:,}"),
        ("wall time (import_file)", f"{seconds:,.1f} s"),
        ("rows/s", f"{total / seconds:,.0f}"),
        ("ms per row", f"{seconds * 1000 / total:,.2f}"),
        ("peak RSS before import (migrate + superuser)", f"{result['rss_before_mib']:,.0f} MiB"),
        ("peak RSS of the import process", f"{result['rss_peak_mib']:,.0f} MiB"),
        ("tracemalloc peak", "not measured (--tracemalloc)" if result["traced_peak_mib"] is None
         else f"{result['traced_peak_mib']:,.0f} MiB"),
        ("events in target database", f"{result['events']:,}"),
        ("target database file", f"{result['db_mib']:,.0f} MiB"),
    ]
    for name, value in rows:
        print(f"| {name} | {value} |")
    return 0 if result["created"] == total else 1


if __name__ == "__main__":
    sys.exit(main())
