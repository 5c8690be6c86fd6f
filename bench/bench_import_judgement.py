"""What the same-matter judgement costs the bulk import (issue 17; docs/IMPORT.md "初件/重件 and 越级").

    .venv/bin/python bench/bench_import.py --rows 10000 --with-history 500 --dir /tmp/bij   # makes the file
    .venv/bin/python bench/bench_import_judgement.py --file /tmp/bij/petitions.jsonl --dir /tmp/bij-run --judgement on
    .venv/bin/python bench/bench_import_judgement.py --file /tmp/bij/petitions.jsonl --dir /tmp/bij-run --judgement off

Imports the file into a new, empty SQLite database (migrate + a superuser without an org, as bench_import's
import phase) with the bulk engine in all_or_nothing mode and prints the wall time, the time spent in
`exchange.judged.judge_rows` (the judgement of each batch: candidates, judge_facts, proposals) and what it
found. `--judgement off` runs the same import with judge_rows replaced by a no-op: the difference is its cost.

Records whose history has an `assign_handler` step are left out (with the `repeat_of` of rows pointing at
them): the step names a handling user, and users are not exported, so the target refuses them.
"""

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

from benchenv import setup_django  # bench/ is on sys.path as the script's folder


def importable(source: Path, target: Path) -> tuple[int, int]:
    """The file without the records the empty target must refuse; (petition rows, of which with repeat_of)."""
    dropped: set[str] = set()
    rows = repeats = 0
    with open(source, encoding="utf-8") as stream, open(target, "w", encoding="utf-8") as out:
        for line in stream:
            record = json.loads(line)
            if record.get("type") == "petition":
                if any(step.get("action") == "assign_handler" for step in record.get("history") or []):
                    dropped.add(record["external_id"])
                    continue
                if record.get("repeat_of") in dropped:
                    record["repeat_of"] = ""
                rows += 1
                repeats += bool(record.get("repeat_of"))
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return rows, repeats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", required=True, help="a JSON lines export (bench_import.py writes one)")
    parser.add_argument("--dir", required=True, help="working directory (emptied)")
    parser.add_argument("--judgement", choices=("on", "off"), default="on")
    args = parser.parse_args()
    workdir = Path(args.dir).resolve()
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    path = workdir / "importable.jsonl"
    rows, repeats = importable(Path(args.file), path)
    setup_django(workdir / "target.sqlite3")
    from django.core.management import call_command

    from xinfang.exchange import bulk, judged
    from xinfang.exchange.importer import import_file
    from xinfang.orgs.models import User

    call_command("migrate", interactive=False, verbosity=0)
    admin = User.objects.create_superuser(username="bench-admin", password=None)
    spent = [0.0]
    original = bulk.judge_rows

    def timed(**kwargs):
        started = time.perf_counter()
        try:
            return original(**kwargs) if args.judgement == "on" else judged.Judged()
        finally:
            spent[0] += time.perf_counter() - started

    bulk.judge_rows = timed
    started = time.perf_counter()
    report = import_file(path=path, actor=admin)
    seconds = time.perf_counter() - started
    print(f"rows {rows:,} (with repeat_of {repeats:,}); judgement {args.judgement}")
    print(f"created {report.created:,}, failed {report.failed:,}; wall {seconds:.1f} s, {report.created / seconds:,.0f} rows/s;"
          f" judge_rows {spent[0]:.2f} s ({spent[0] / seconds:.1%})")
    print(f"重件 from the file {report.repeats_given:,}; proposed {len(report.proposals):,}; 越级 given "
          f"{report.skip_level_given:,}, decided by the rule {len(report.skip_level_decided):,}")
    for row, line in report.proposals[:5]:
        print(f"  第{row}行 {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
