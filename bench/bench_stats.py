"""Benchmark the yearly indicator set: xinfang.stats against one hand-written SQL query per figure.

    .venv/bin/python bench/bench_stats.py                                  # small: 20,000 petitions
    .venv/bin/python bench/bench_stats.py --db var/bench-stats.sqlite3 --petitions 1000000

Seeds the database (its own SQLite file) up to --petitions with the demo generator (730 days up to today,
no procedure), then gives every petition received in --year procedure rows in bulk, once, by SQL: a
disposition clock for each, acceptance and handling clocks for about 85 %, some steps late, about 75 % of the
completed ones evaluated, 2 % reviewed (with a decision notice), and the repeat/skip-level columns set on a
share. Then, in the same run on the same database, it times `compute_totals` (all indicators, a few grouped
queries) and the hand-written queries (one per figure; a rate's query returns its numerator and
denominator), checks that both give the same figures, and prints both times and the ratio.
"""

import argparse
import statistics
import sys
import time
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

from benchenv import print_machine, seed_district, setup_django  # bench/ is on sys.path as the script's folder


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="var/bench-stats-small.sqlite3", help="SQLite file to seed and measure")
    parser.add_argument("--petitions", type=int, default=20_000, help="seed up to this many petitions")
    parser.add_argument("--year", type=int, default=date.today().year - 1, help="the year measured")
    parser.add_argument("--seed", type=int, default=20251024)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each side (median reported)")
    parser.add_argument("--pages", action="store_true",
                        help="also time the dashboard, a drill-down page and the Excel tables as the district clerk")
    parser.add_argument("--page-repeat", type=int, default=1, help="timed requests of each page")
    return parser.parse_args()


PROCEDURE_SQL = [
    # disposition (office, 15 days): decided 1–14 days after receipt, 1 in 40 a week late.
    """INSERT INTO workflow_clock (petition_id, kind, org_id, started_on, unit, length, extended_days, paused_days,
           statutory_due, provisional, explanation, stopped_on, voided, created_at, updated_at)
       SELECT p.id, 'disposition', p.registering_org_id, date(p.received_at), 'calendar_days', 15, 0, 0,
              date(p.received_at, '+15 days'), 0, '',
              date(p.received_at, '+' || (CASE WHEN p.id % 40 = 0 THEN 22 ELSE 1 + p.id % 14 END) || ' days'),
              0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
       FROM petitions_petition p
       WHERE p.received_at >= :start AND p.received_at < :end
         AND NOT EXISTS (SELECT 1 FROM workflow_clock c WHERE c.petition_id = p.id)""",
    # acceptance (handling org, 15 days) for 85 %: accepted 2 days after the disposition.
    """INSERT INTO workflow_clock (petition_id, kind, org_id, started_on, unit, length, extended_days, paused_days,
           statutory_due, provisional, explanation, stopped_on, voided, created_at, updated_at)
       SELECT c.petition_id, 'acceptance', p.locality_id, c.stopped_on, 'calendar_days', 15, 0, 0,
              date(c.stopped_on, '+15 days'), 0, '', date(c.stopped_on, '+2 days'), 0,
              CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
       FROM workflow_clock c JOIN petitions_petition p ON p.id = c.petition_id
       WHERE c.kind = 'disposition' AND p.id % 20 NOT IN (0, 1, 2)
         AND p.received_at >= :start AND p.received_at < :end
         AND NOT EXISTS (SELECT 1 FROM workflow_clock a WHERE a.petition_id = p.id AND a.kind = 'acceptance')""",
    # handling (60 days, 1 in 10 extended by 30): replied after 20–75 days, so some late; 1 in 25 still open.
    """INSERT INTO workflow_clock (petition_id, kind, org_id, started_on, unit, length, extended_days, paused_days,
           statutory_due, provisional, explanation, stopped_on, voided, created_at, updated_at)
       SELECT a.petition_id, 'handling', a.org_id, a.stopped_on, 'calendar_days', 60,
              CASE WHEN a.petition_id % 10 = 3 THEN 30 ELSE 0 END, 0,
              date(a.stopped_on, '+' || (CASE WHEN a.petition_id % 10 = 3 THEN 90 ELSE 60 END) || ' days'), 0, '',
              CASE WHEN a.petition_id % 25 = 7 THEN NULL
                   ELSE date(a.stopped_on, '+' || (20 + a.petition_id % 56) || ' days') END,
              0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
       FROM workflow_clock a
       WHERE a.kind = 'acceptance'
         AND NOT EXISTS (SELECT 1 FROM workflow_clock h WHERE h.petition_id = a.petition_id AND h.kind = 'handling')""",
    # evaluations of 3 in 4 completed matters: satisfied, mostly satisfied, 1 in 12 dissatisfied.
    # 1 in 3 typed in by the petitioner on the portal, the others by staff.
    """INSERT INTO workflow_evaluation (petition_id, rating, rated_by, entered_by_id, entered_by_party, rated_on,
                                       comment, voided, created_at)
       SELECT h.petition_id,
              CASE WHEN h.petition_id % 12 = 6 THEN 'dissatisfied'
                   WHEN h.petition_id % 2 = 0 THEN 'satisfied' ELSE 'mostly_satisfied' END,
              'petitioner', NULL, CASE WHEN h.petition_id % 3 = 0 THEN 'petitioner' ELSE 'staff' END,
              date(h.stopped_on, '+5 days'), '', 0, CURRENT_TIMESTAMP
       FROM workflow_clock h
       WHERE h.kind = 'handling' AND h.stopped_on IS NOT NULL AND h.petition_id % 4 != 1
         AND NOT EXISTS (SELECT 1 FROM workflow_evaluation e WHERE e.petition_id = h.petition_id)""",
    # reviews of 2 %: requested 20 days after the reply, decided 25 days later.
    """INSERT INTO workflow_clock (petition_id, kind, org_id, started_on, unit, length, extended_days, paused_days,
           statutory_due, provisional, explanation, stopped_on, voided, created_at, updated_at)
       SELECT h.petition_id, 'review_decision', h.org_id, date(h.stopped_on, '+20 days'), 'calendar_days', 30, 0, 0,
              date(h.stopped_on, '+50 days'), 0, '', date(h.stopped_on, '+45 days'), 0,
              CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
       FROM workflow_clock h
       WHERE h.kind = 'handling' AND h.stopped_on IS NOT NULL AND h.petition_id % 50 = 9
         AND NOT EXISTS (SELECT 1 FROM workflow_clock r WHERE r.petition_id = h.petition_id
                                                         AND r.kind = 'review_decision')""",
    """INSERT INTO workflow_notice (petition_id, kind, number, issuing_org_id, issued_by_id, issued_at, content, voided)
       SELECT r.petition_id, 'review', 'BENCH-R-' || r.petition_id, r.org_id, :user, r.stopped_on,
              json_object('review_outcome', CASE r.petition_id % 3 WHEN 0 THEN 'uphold' WHEN 1 THEN 'revoke'
                                                                   ELSE 'modify' END), 0
       FROM workflow_clock r
       WHERE r.kind = 'review_decision'
         AND NOT EXISTS (SELECT 1 FROM workflow_notice n WHERE n.petition_id = r.petition_id AND n.kind = 'review')""",
    # 初件/重件 and 越级 on a share (the matching app's columns)
    """UPDATE petitions_petition SET first_petition_id = id - 1
       WHERE id % 16 = 4 AND first_petition_id IS NULL AND received_at >= :start AND received_at < :end""",
    """UPDATE petitions_petition SET is_skip_level = 1
       WHERE id % 33 = 2 AND received_at >= :start AND received_at < :end""",
]

OPTIONAL = "('objection', 'review_window', 're_review_window', 'evaluation')"
R = "received_at >= :start AND received_at < :end"
P = "petitions_petition"
SETTLED = ("(stopped_on BETWEEN :first AND :last OR (stopped_on IS NULL AND paused_since IS NULL "
           "AND statutory_due BETWEEN :first AND :last AND statutory_due < :today))")
LATE = "(stopped_on IS NULL OR stopped_on > statutory_due)"


def hand_written_queries() -> list[tuple[str, str]]:
    """One query per figure, written as one would by hand; each returns (numerator[, denominator])."""
    channels = ("letter", "visit", "call", "online_complaint", "online_suggestion", "leader_mailbox",
                "assigned_from_above", "hotline_transfer")
    queries = [
        ("registered", f"SELECT COUNT(*) FROM {P} WHERE {R}"),
        ("person_times", f"SELECT COALESCE(SUM(person_times), 0) FROM {P} WHERE {R}"),
        ("batches", f"SELECT COUNT(*) FROM {P} WHERE {R} AND channel = 'visit'"),
        ("visit_person_times", f"SELECT COALESCE(SUM(person_times), 0) FROM {P} WHERE {R} AND channel = 'visit'"),
        ("first_petitions", f"SELECT COUNT(*) FROM {P} WHERE {R} AND first_petition_id IS NULL"),
        ("repeat_petitions", f"SELECT COUNT(*) FROM {P} WHERE {R} AND first_petition_id IS NOT NULL"),
        ("repeat_ratio", f"SELECT SUM(first_petition_id IS NOT NULL), COUNT(*) FROM {P} WHERE {R}"),
        ("group_visits", f"SELECT COUNT(*) FROM {P} WHERE {R} AND is_group_visit"),
        ("group_visit_person_times", f"SELECT COALESCE(SUM(person_times), 0) FROM {P} WHERE {R} AND is_group_visit"),
        ("skip_level", f"SELECT COUNT(*) FROM {P} WHERE {R} AND is_skip_level"),
        ("litigation_related", f"SELECT COUNT(*) FROM {P} WHERE {R} AND litigation_related"),
    ]
    queries += [(f"channel_{code}", f"SELECT COUNT(*) FROM {P} WHERE {R} AND channel = '{code}'") for code in channels]
    online = "('online_complaint', 'online_suggestion', 'leader_mailbox')"
    queries += [
        ("online", f"SELECT COUNT(*) FROM {P} WHERE {R} AND channel IN {online}"),
        ("online_ratio", f"SELECT SUM(channel IN {online}), COUNT(*) FROM {P} WHERE {R}"),
        ("timely_acceptance_rate",
         f"SELECT COUNT(DISTINCT petition_id) - COUNT(DISTINCT CASE WHEN {LATE} THEN petition_id END), "
         f"COUNT(DISTINCT petition_id) FROM workflow_clock WHERE NOT voided "
         f"AND kind IN ('disposition', 'acceptance') AND {SETTLED}"),
        ("on_time_completion_rate",
         f"SELECT COUNT(DISTINCT petition_id) - COUNT(DISTINCT CASE WHEN {LATE} THEN petition_id END), "
         f"COUNT(DISTINCT petition_id) FROM workflow_clock WHERE NOT voided AND kind = 'handling' AND {SETTLED}"),
        ("satisfaction_rate",
         "SELECT COUNT(DISTINCT CASE WHEN rating IN ('satisfied', 'mostly_satisfied') THEN petition_id END), "
         "COUNT(DISTINCT petition_id) FROM workflow_evaluation WHERE NOT voided AND rated_on BETWEEN :first AND :last"),
    ]
    for party in ("petitioner", "staff"):
        queries.append((f"satisfaction_rate_{party}_entered",
                        "SELECT COUNT(DISTINCT CASE WHEN rating IN ('satisfied', 'mostly_satisfied') THEN petition_id "
                        "END), COUNT(DISTINCT petition_id) FROM workflow_evaluation WHERE NOT voided "
                        f"AND entered_by_party = '{party}' AND rated_on BETWEEN :first AND :last"))
    queries += [
        ("completed", "SELECT COUNT(DISTINCT petition_id) FROM workflow_clock WHERE NOT voided AND kind = 'handling' "
                      "AND stopped_on BETWEEN :first AND :last"),
        ("evaluation_rate",
         "SELECT COUNT(DISTINCT CASE WHEN EXISTS (SELECT 1 FROM workflow_evaluation e WHERE e.petition_id = "
         "c.petition_id AND NOT e.voided) THEN c.petition_id END), COUNT(DISTINCT c.petition_id) FROM workflow_clock c "
         "WHERE NOT c.voided AND c.kind = 'handling' AND c.stopped_on BETWEEN :first AND :last"),
        ("completion_rate",
         "SELECT COUNT(DISTINCT CASE WHEN stopped_on <= :last THEN petition_id END), COUNT(DISTINCT petition_id) "
         "FROM workflow_clock WHERE NOT voided AND kind = 'handling' AND started_on BETWEEN :first AND :last"),
        ("resolution_rate",
         "SELECT COUNT(DISTINCT CASE WHEN NOT EXISTS (SELECT 1 FROM workflow_clock r WHERE r.petition_id = "
         "c.petition_id AND r.kind = 'review_decision' AND NOT r.voided) AND NOT EXISTS (SELECT 1 FROM "
         f"{P} x WHERE x.first_petition_id = c.petition_id) AND NOT EXISTS (SELECT 1 FROM workflow_evaluation e "
         "WHERE e.petition_id = c.petition_id AND e.rating = 'dissatisfied' AND NOT e.voided) THEN c.petition_id END), "
         "COUNT(DISTINCT c.petition_id) FROM workflow_clock c WHERE NOT c.voided AND c.kind = 'handling' "
         "AND c.stopped_on BETWEEN :first AND :last"),
        ("overdue",
         f"SELECT COUNT(DISTINCT petition_id) FROM workflow_clock WHERE NOT voided AND kind NOT IN {OPTIONAL} "
         "AND started_on <= :asof AND statutory_due < :asof AND (stopped_on IS NULL OR stopped_on > :asof) "
         "AND (paused_since IS NULL OR paused_since > :asof)"),
    ]
    for clock, notice, key in (("review_decision", "review", "reviews"),
                               ("re_review_decision", "re_review", "re_reviews")):
        queries.append((f"{key}_requested", "SELECT COUNT(DISTINCT petition_id) FROM workflow_clock WHERE NOT voided "
                                            f"AND kind = '{clock}' AND started_on BETWEEN :first AND :last"))
        queries.append((f"{key}_decided", "SELECT COUNT(DISTINCT petition_id) FROM workflow_clock WHERE NOT voided "
                                          f"AND kind = '{clock}' AND stopped_on BETWEEN :first AND :last"))
        for outcome in ("uphold", "revoke", "modify", "not_accepted"):
            queries.append((f"{key}_{outcome}",
                            "SELECT COUNT(DISTINCT c.petition_id) FROM workflow_clock c WHERE NOT c.voided "
                            f"AND c.kind = '{clock}' AND c.stopped_on BETWEEN :first AND :last AND EXISTS (SELECT 1 "
                            f"FROM workflow_notice n WHERE n.petition_id = c.petition_id AND n.kind = '{notice}' "
                            f"AND NOT n.voided AND json_extract(n.content, '$.review_outcome') = '{outcome}')"))
    return queries


def main() -> int:
    args = parse_args()
    db = Path(args.db).resolve()
    setup_django(db)

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from xinfang.petitions.models import Petition
    from xinfang.stats import rollup
    from xinfang.stats.indicators import INDICATORS, StatsQuery, compute_totals
    from xinfang.stats.models import RollupCell
    from xinfang.workflow.models import Clock

    print(f"database: {db}")
    print_machine()
    district, _ = seed_district(petitions=args.petitions, seed=args.seed)
    tz = timezone.get_current_timezone()
    first, last = date(args.year, 1, 1), date(args.year, 12, 31)
    start = datetime.combine(first, datetime.min.time(), tz)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tz)
    today = timezone.localdate()
    params = {"start": connection.ops.adapt_datetimefield_value(start),
              "end": connection.ops.adapt_datetimefield_value(end),
              "first": first.isoformat(), "last": last.isoformat(), "today": today.isoformat(),
              "asof": min(last, today).isoformat(), "user": district.users["clerk"].pk}
    started = time.perf_counter()
    connection.ensure_connection()
    raw = connection.connection  # the sqlite3 connection itself: named parameters, and `%` is modulo
    with transaction.atomic():
        for sql in PROCEDURE_SQL:
            raw.execute(sql, {key: value for key, value in params.items() if f":{key}" in sql})
    print(f"procedure rows for {args.year} in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    total = Petition.objects.count()
    in_year = Petition.objects.filter(received_at__gte=start, received_at__lt=end).count()
    print(f"petitions: {total:,} ({in_year:,} received in {args.year}); clocks: {Clock.objects.count():,}; "
          f"file {db.stat().st_size / 2**20:,.0f} MiB")

    # The rollup (docs/STATISTICS.md, "Rollups"): the SQL above bypasses the services, so it is rebuilt here.
    started = time.perf_counter()
    cells = rollup.rebuild()
    print(f"rollup rebuilt in {time.perf_counter() - started:.1f} s: {cells:,} cells "
          f"({RollupCell.objects.count():,} rows)")

    q = StatsQuery(start=first, end=last, petitions=Petition.objects.all(), today=today)
    rolled = replace(q, view=rollup.RollupView(rollup.ALL))
    assert rollup.reader(rolled, by=None, indicators=INDICATORS) is not None
    queries = hand_written_queries()
    # The figures with a hand-written query (the procedure's and the registration's); the others (督办, 建议,
    # 质量评查, 补录) have no rows in this database.
    written = {key for key, _ in queries}
    compared = [indicator for indicator in INDICATORS if indicator.key in written]

    def run_module():
        return compute_totals(q, compared)

    hand_seconds: dict[str, float] = {}

    def run_hand():
        figures = {}
        for key, sql in queries:
            started = time.perf_counter()
            figures[key] = tuple(raw.execute(sql, {name: value for name, value in params.items()
                                                   if f":{name}" in sql}).fetchone())
            hand_seconds[key] = time.perf_counter() - started
        return figures

    module_times, hand_times = [], []
    for _ in range(args.repeat):  # interleaved, so both sides see the same cache state
        started = time.perf_counter()
        figures = run_module()
        module_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        hand = run_hand()
        hand_times.append(time.perf_counter() - started)
    rollup_times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        rolled_figures = compute_totals(rolled, compared)
        rollup_times.append(time.perf_counter() - started)
    started = time.perf_counter()
    compute_totals(rolled)
    every = time.perf_counter() - started
    mismatches = []
    for indicator in compared:
        theirs = tuple(int(value or 0) for value in hand[indicator.key])
        for side, figure in (("module", figures[indicator.key]), ("rollup", rolled_figures[indicator.key])):
            mine = (figure.numerator, figure.denominator) if indicator.kind == "rate" else (figure.value,)
            if mine != theirs:
                mismatches.append(f"{indicator.key}: {side} {mine} vs SQL {theirs}")
    module, by_hand = statistics.median(module_times), statistics.median(hand_times)
    through_rollup = statistics.median(rollup_times)
    print(f"module through the rollup: median {through_rollup * 1000:,.1f} ms "
          f"{[round(t * 1000, 1) for t in rollup_times]}; ratio to hand-written SQL {through_rollup / by_hand:.4f}×")
    print(f"the whole set through the rollup ({len(INDICATORS)} indicators, the record sources live): "
          f"{every * 1000:,.1f} ms")
    print(f"indicators compared: {len(compared)} of {len(INDICATORS)}; hand-written queries: {len(queries)}")
    print(f"module (compute_totals): median {module * 1000:,.0f} ms over {args.repeat} runs "
          f"{[round(t * 1000) for t in module_times]}")
    print(f"hand-written SQL, one query per figure: median {by_hand * 1000:,.0f} ms "
          f"{[round(t * 1000) for t in hand_times]}")
    print(f"ratio module / hand-written: {module / by_hand:.2f}× (target ≤ 1.5×)")
    slowest = sorted(hand_seconds.items(), key=lambda item: -item[1])[:6]
    print("slowest hand-written queries (last run): "
          + ", ".join(f"{key} {seconds * 1000:,.0f} ms" for key, seconds in slowest))
    with CaptureQueriesContext(connection) as captured:
        compute_totals(q, compared)
    print("module queries: " + ", ".join(f"{float(query['time']) * 1000:,.0f} ms" for query in captured.captured_queries))
    for key in ("registered", "person_times", "timely_acceptance_rate", "on_time_completion_rate",
                "satisfaction_rate", "overdue"):
        print(f"  {key}: {figures[key].display} ({figures[key].numerator}/{figures[key].denominator})")
    if args.pages:
        time_pages(args, district)
    if mismatches:
        print("MISMATCH between the module and the hand-written SQL:\n  " + "\n  ".join(mismatches), file=sys.stderr)
        return 1
    print("figures agree with the hand-written SQL")
    return 0


def time_pages(args: argparse.Namespace, district) -> None:
    """Requests as the demo clerk (scope: the whole district), through django.test.Client: median of
    --page-repeat; through the rollup, then live (the rollup turned off)."""
    from django.core.management import call_command
    from django.test import override_settings

    from xinfang.petitions.selectors import petitions_hidden_from

    call_command("collectstatic", interactive=False, verbosity=0)  # pages render as in production
    clerk = district.users["clerk"]
    print(f"the clerk: {petitions_hidden_from(user=clerk).count()} petitions hidden by Art 30")
    period = f"start={args.year}-01-01&end={args.year}-12-31"
    pages = (("dashboard (year)", f"/stats/?{period}"),
             ("dashboard (one month)", f"/stats/?start={args.year}-06-01&end={args.year}-06-30"),
             ("drill-down, 按期办结率 denominator, page 1",
              f"/stats/indicators/on_time_completion_rate/?{period}&part=denominator"),
             ("Excel statistical tables (year)", f"/stats/tables.xlsx?{period}"))
    # One untimed request of each page first (through the rollup, the cheaper way): templates compiled and
    # modules imported, so neither side pays for the process's first request.
    with override_settings(XINFANG_STATS_ROLLUP=True):
        _time_pages(pages, clerk, repeat=1, show=False)
    for label, enabled in (("through the rollup", True), ("live", False)):
        print(f"pages, {label}:")
        with override_settings(XINFANG_STATS_ROLLUP=enabled):
            _time_pages(pages, clerk, repeat=args.page_repeat)


def _time_pages(pages, clerk, *, repeat: int, show: bool = True) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="localhost")
    client.force_login(clerk)
    for name, url in pages:
        timings = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                if response.streaming:
                    b"".join(response.streaming_content)
                timings.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
        if show:
            print(f"  {name}: median {statistics.median(timings) * 1000:,.0f} ms, {len(captured.captured_queries)} "
                  "queries")


if __name__ == "__main__":
    sys.exit(main())
