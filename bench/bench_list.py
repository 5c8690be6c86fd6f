"""Benchmark the case list, search, detail page and API on a large generated database.

    .venv/bin/python bench/bench_list.py --db var/bench.sqlite3 --petitions 1000000
    .venv/bin/python bench/bench_list.py --db var/bench-pg.sqlite3 --petitions 1000000 --analyze \
        --database-url "$(bench/pg.sh start)"                               # the same on PostgreSQL

Seeds the database (a separate SQLite file) up to --petitions if it holds fewer, then times each
request --repeat times through django.test.Client (a session for the UI, a Bearer token for the API)
and prints median, p95 and the SQL queries per request. docs/PERFORMANCE.md records the figures.
"""

import argparse
import html
import re
import statistics
import sys
import time
from pathlib import Path

from benchenv import (add_database_argument, database_label, database_mib, percentile, print_machine, seed_district,
                      setup_django)  # bench/ is on sys.path as the script's folder

SLOW_MS = 300


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="var/bench.sqlite3", help="SQLite file to seed and measure")
    parser.add_argument("--petitions", type=int, default=100_000, help="seed up to this many petitions")
    parser.add_argument("--seed", type=int, default=20251024)
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per case")
    parser.add_argument("--explain", action="store_true", help="print the query plan of every case's slowest query")
    parser.add_argument("--analyze", action="store_true",
                        help="run `xinfang optimize` first (ANALYZE; VACUUM (ANALYZE) on PostgreSQL)")
    add_database_argument(parser)
    return parser.parse_args()






def main() -> int:
    args = parse_args()
    db = Path(args.db).resolve()
    setup_django(db, database_url=args.database_url)

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from xinfang.api.services import api_token_create
    from xinfang.petitions.models import Channel, Petition, Petitioner
    from xinfang.petitions.selectors import encode_cursor

    print(f"database: {database_label(db)}")
    print_machine()
    district, _ = seed_district(petitions=args.petitions, seed=args.seed)
    call_command("collectstatic", interactive=False, verbosity=0)  # pages render as in production
    total = Petition.objects.count()
    print(f"petitions: {total:,}; database {database_mib(db):,.0f} MiB")
    if args.analyze:
        from xinfang.petitions.management.commands.optimize import database_analyze

        print(f"optimize took {database_analyze():.1f} s")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'")
            print(f"planner statistics (sqlite_stat1): {'yes' if cursor.fetchone()[0] else 'no'}")
    clerk = district.users["clerk"]
    token = api_token_create(user=clerk, name="bench")
    ui = Client(SERVER_NAME="localhost")
    ui.force_login(clerk)
    api = Client(SERVER_NAME="localhost", headers={"authorization": f"Bearer {token}"})

    # Cases that need data from the database: a deep cursor, a known ID number, a group visit.
    url = "/petitions/"
    for _ in range(50):
        match = re.search(r'href="\?([^"]*cursor=[^"]+)"', ui.get(url).content.decode())
        url = "/petitions/?" + html.unescape(match.group(1))
    deep_page = url
    middle = Petition.objects.order_by("-received_at", "-id")[total // 2]
    known_petitioner = (Petitioner.objects.filter(kind=Petitioner.Kind.PERSON).exclude(id_number_index="")
                         .order_by("-id").first())
    group_visit = Petition.objects.filter(channel=Channel.VISIT, is_group_visit=True).order_by("-id").first()

    cases = [
        ("UI list, first page", ui, "/petitions/"),
        ("UI list, page 51 (50 × next)", ui, deep_page),
        ("UI list, cursor in the middle", ui, f"/petitions/?cursor={encode_cursor(middle)}"),
        ("UI list, group visits", ui, "/petitions/?channel=visit&group_visit=1"),
        ("UI search, ID number", ui, f"/petitions/?q={known_petitioner.id_number}"),
        ("UI search, common word 拖欠", ui, "/petitions/?q=拖欠"),
        ("UI search, rare word 宽带", ui, "/petitions/?q=宽带"),
        ("UI search, word not found", ui, "/petitions/?q=无此关键词"),
        ("UI detail (group visit)", ui, f"/petitions/{group_visit.pk}/"),
        ("API list", api, "/api/v1/petitions"),
        ("API list, channel=letter", api, "/api/v1/petitions?channel=letter"),
    ]
    for username, label in (("handler", "township handler"), ("leader", "district leader")):
        client = Client(SERVER_NAME="localhost")
        client.force_login(district.users[username])
        cases.append((f"UI list, first page ({label})", client, "/petitions/"))

    rows = []
    for name, client, path in cases:
        response = client.get(path)
        if response.status_code == 302:  # an ID-number search is kept server-side and redirected (web/searches.py)
            path = response.url
            response = client.get(path)
        if response.status_code != 200:
            print(f"{name}: HTTP {response.status_code} for {path}", file=sys.stderr)
            return 1
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        # Copy now: the next request clears the connection's query log that captured_queries reads.
        queries = list(captured.captured_queries)
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
        slowest = max(queries, key=lambda query: float(query["time"]))
        rows.append((name, statistics.median(timings), percentile(timings, 0.95), len(queries), slowest))
        print(f"  {name:<40} median {statistics.median(timings):8.1f} ms", flush=True)

    print()
    print("| request | median ms | p95 ms | SQL queries |")
    print("|---|---:|---:|---:|")
    for name, median, p95, queries, _ in rows:
        flag = " ⚠" if median > SLOW_MS else ""
        print(f"| {name}{flag} | {median:,.1f} | {p95:,.1f} | {queries} |")
    for name, median, _, _, slowest in rows:
        if median > SLOW_MS or args.explain:
            print(f"\n{name}: slowest query {float(slowest['time']) * 1000:,.0f} ms\n  {slowest['sql'][:600]}")
            with connection.cursor() as cursor:
                explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
                cursor.execute(explain + slowest["sql"])
                for row in cursor.fetchall():
                    print("   ", row[-1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
