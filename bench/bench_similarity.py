"""Benchmark the near-duplicate index on a labelled corpus, beside an exact brute-force baseline.

    .venv/bin/python bench/bench_similarity.py --size 100000
    .venv/bin/python bench/bench_similarity.py --size 1000000 --brute-queries 200

Generates the corpus of bench/repeat_corpus.py (planted repeats and look-alikes), indexes it through
`index_petitions` into its own SQLite file (synthetic petition ids, no petition rows), then times
`similar_petitions` for every query and scores the answers against the planted labels:

- a query's **true matches** are the indexed sayings of its matter (none for a look-alike query);
- **recall** = true matches returned ÷ true matches that exist, over all repeat queries;
- **precision** = true matches returned ÷ all petitions returned, over all queries (look-alikes
  included), counting what is returned at or above the threshold, at most 20 per query.

The brute-force baseline computes the exact Jaccard similarity of the query with every indexed text
(stored shingle hashes, a bitmap membership test in numpy) on a sample of the queries; the index
is scored on the same sample, so speed-up and recall ratio come from one run.
docs/PERFORMANCE.md records the figures, docs/SIMILARITY.md the method.
"""

import argparse
import math
import os
import platform
import random
import resource
import statistics
import sys
import time
from pathlib import Path

from benchenv import cpu_model, percentile, setup_django  # bench/ is on sys.path as the script's folder

THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.5)
LIMIT = 20


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000, help="petitions in the index")
    parser.add_argument("--queries", type=int, default=1_000, help="repeat queries (plus half as many look-alikes)")
    parser.add_argument("--brute-queries", type=int, default=300, help="queries also answered by brute force")
    parser.add_argument("--threshold", type=float, default=0.25, help="min_similarity of the headline figures")
    parser.add_argument("--db", help="SQLite file (default var/bench-similarity-<size>.sqlite3, recreated)")
    parser.add_argument("--reuse", action="store_true", help="keep an index already built in --db")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--skip-stats", action="store_true", help="do not count buckets (a minute at 1M)")
    parser.add_argument("--shingle-size", type=int, default=None, help="compare another shingle size")
    parser.add_argument("--bands", type=int, default=None)
    parser.add_argument("--rows", type=int, default=None)
    parser.add_argument("--bucket-limit", type=int, default=None, help="newest members read per bucket")
    parser.add_argument("--rerank-limit", type=int, default=None, help="candidates scored exactly")
    parser.add_argument("--scoring", default=None, help="dice (default), idf (the first version's) or jaccard")
    parser.add_argument("--power", type=float, default=None, help="exponent of the rarity weight (dice)")
    return parser.parse_args()


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def score(queries, answers, threshold: float) -> tuple[float, float, int, int, int]:
    """(recall, precision, true returned, truths, returned) at a threshold; answers: list of [(id, sim)]."""
    found = truths = returned = 0
    for query, answer in zip(queries, answers, strict=True):
        kept = [pid for pid, similarity in answer if similarity >= threshold][:LIMIT]
        returned += len(kept)
        found += sum(1 for pid in kept if pid in query.truths)
        truths += len(query.truths)
    return found / max(truths, 1), found / returned if returned else 1.0, found, truths, returned


def main() -> int:
    args = parse_args()
    db = Path(args.db or f"var/bench-similarity-{args.size}.sqlite3").resolve()
    if not args.reuse:
        for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}-journal")):
            path.unlink(missing_ok=True)
    setup_django(db)

    import numpy as np
    from django.core.management import call_command
    from django.db import connection

    import repeat_corpus
    from xinfang.similarity import minhash, selectors
    from xinfang.similarity.models import PetitionShingles
    from xinfang.similarity.selectors import index_stats, similar_petitions
    from xinfang.similarity.services import index_petitions
    from xinfang.similarity.text import normalize_text

    if args.shingle_size or args.bands or args.rows:
        minhash.configure(shingle_size=args.shingle_size or minhash.SHINGLE_SIZE,
                          bands=args.bands or minhash.NUM_BANDS, rows=args.rows or minhash.ROWS_PER_BAND)
    if args.scoring:
        selectors.SCORING = args.scoring
    if args.power is not None:
        selectors.WEIGHT_POWER = args.power
    if args.bucket_limit:
        selectors.BUCKET_LIMIT = args.bucket_limit
    if args.rerank_limit:
        selectors.RERANK_LIMIT = args.rerank_limit
    print(f"database: {db}")
    print(f"machine: {platform.platform()}, {os.cpu_count()} × {cpu_model()}, Python {platform.python_version()}, "
          f"SQLite {connection.Database.sqlite_version}, numpy {np.__version__}")
    print(f"parameters: {minhash.SHINGLE_SIZE}-character shingles (at most {minhash.MAX_SHINGLES}), "
          f"{minhash.NUM_BANDS} bands × {minhash.ROWS_PER_BAND} rows, bucket limit {selectors.BUCKET_LIMIT}, "
          f"re-rank limit {selectors.RERANK_LIMIT}, score {selectors.SCORING} (weight power {selectors.WEIGHT_POWER:g})")
    call_command("migrate", interactive=False, verbosity=0)
    corpus, documents = repeat_corpus.generate(size=args.size, queries=args.queries, seed=args.seed)

    generating = 0.0

    def timed_documents():
        nonlocal generating
        iterator = iter(documents)
        while True:
            started = time.perf_counter()
            try:
                document = next(iterator)
            except StopIteration:
                return
            generating += time.perf_counter() - started
            yield document

    have = PetitionShingles.objects.count() if args.reuse else 0
    if have:
        print(f"reusing the index of {have:,} petitions; generating the queries …", flush=True)
        for _ in documents:
            pass
    else:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB while building, as the seeder does
        print(f"indexing {args.size:,} petitions …", flush=True)
        started = time.perf_counter()
        step = max(args.size // 10, 1)

        def progress(done: int) -> None:
            if done % step < 5_000 or done == args.size:
                elapsed = time.perf_counter() - started
                print(f"  {done:>10,}  {elapsed:7.1f} s  {done / elapsed:8,.0f}/s", flush=True)

        indexed = index_petitions(timed_documents(), batch_size=5_000, replace=False, progress=progress)
        elapsed = time.perf_counter() - started
        print(f"built: {indexed:,} petitions in {elapsed:.1f} s, of which {generating:.1f} s generating texts; "
              f"indexing alone {elapsed - generating:.1f} s = {indexed / (elapsed - generating):,.0f} petitions/s; "
              f"peak RSS {peak_rss_mib():,.0f} MiB")
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -2000")  # back to SQLite's default for the lookups
    print(f"corpus: {corpus.planted_docs:,} planted sayings, {corpus.lookalike_docs:,} look-alikes, "
          f"{len(corpus.queries):,} queries ({sum(q.kind == 'repeat' for q in corpus.queries):,} repeats)")
    print(f"database file: {db.stat().st_size / 2**20:,.1f} MiB")
    with connection.cursor() as cursor:
        try:
            cursor.execute("SELECT name, sum(pgsize) FROM dbstat WHERE name LIKE 'similarity%' GROUP BY name")
            for name, size in cursor.fetchall():
                print(f"  {name}: {size / 2**20:,.1f} MiB")
        except Exception:  # dbstat is an optional SQLite extension
            print("  (per-table sizes need SQLite's dbstat, not compiled in)")
    if not args.skip_stats:
        started = time.perf_counter()
        stats = index_stats()
        print(f"index: {stats.petitions:,} petitions, {stats.band_rows:,} band rows, {stats.buckets:,} buckets; "
              f"largest {stats.largest_buckets}; {stats.buckets_over_limit:,} over the bucket limit "
              f"({time.perf_counter() - started:.1f} s to count)")

    # Lookups: every query once, answers kept down to the lowest threshold reported.
    queries = corpus.queries
    for query in queries[:20]:  # warm up: the first lookups read the index from disk into the page cache
        similar_petitions(text=query.text, limit=LIMIT, min_similarity=min(THRESHOLDS))
    times, answers = [], []
    for query in queries:
        started = time.perf_counter()
        matches = similar_petitions(text=query.text, limit=LIMIT, min_similarity=min(THRESHOLDS))
        times.append((time.perf_counter() - started) * 1000)
        answers.append([(m.petition_id, m.similarity) for m in matches])
    print(f"lookup over {len(times):,} queries: p50 {statistics.median(times):.2f} ms, "
          f"p95 {percentile(times, 0.95):.2f} ms, max {max(times):.2f} ms; peak RSS {peak_rss_mib():,.0f} MiB")
    for threshold in THRESHOLDS:
        recall, precision, found, truths, returned = score(queries, answers, threshold)
        lookalikes = [a for q, a in zip(queries, answers, strict=True) if q.kind == "lookalike"]
        flagged = sum(1 for a in lookalikes if any(s >= threshold for _, s in a))
        mark = "  ◀" if math.isclose(threshold, args.threshold) else ""
        print(f"  index, threshold {threshold:.2f}: recall {recall:.3f} ({found:,}/{truths:,}), precision "
              f"{precision:.3f} ({found:,}/{returned:,}); look-alike queries with any match "
              f"{flagged}/{len(lookalikes)}{mark}")

    recall, precision, *_ = score(queries, answers, args.threshold)
    headline = (f"RESULT size={args.size} threshold={args.threshold} recall={recall:.3f} precision={precision:.3f} "
                f"p50_ms={statistics.median(times):.2f} p95_ms={percentile(times, 0.95):.2f}")
    if args.brute_queries <= 0:
        print(headline)
        return 0

    # Brute force on a sample of the queries: exact Jaccard with every indexed text.
    sample_index = sorted(random.Random(args.seed).sample(range(len(queries)), min(args.brute_queries, len(queries))))
    sample = [queries[i] for i in sample_index]
    started = time.perf_counter()
    ids, blobs = [], []
    for petition_id, hashes in PetitionShingles.objects.order_by("pk").values_list("petition_id", "hashes").iterator(
            chunk_size=20_000):
        ids.append(petition_id)
        blobs.append(bytes(hashes))
    ids = np.array(ids, dtype=np.int64)
    lengths = np.fromiter((len(b) // 4 for b in blobs), dtype=np.int64, count=len(blobs))
    flat = np.frombuffer(b"".join(blobs), dtype="<u4")
    del blobs
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    # A table of the low 18 bits of the query's hashes (256 KiB: stays in the CPU cache) finds the
    # positions that may hold a query shingle in one pass; an exact comparison keeps the true ones.
    low = flat & np.uint32(0x3FFFF)
    table = np.zeros(2**18, dtype=bool)
    owner_of = np.repeat(np.arange(len(ids), dtype=np.int32), lengths)  # text number of each stored shingle
    print(f"brute force: loaded {len(ids):,} texts ({len(flat):,} shingles) in {time.perf_counter() - started:.1f} s",
          flush=True)
    brute_times, brute_answers, plain_answers = [], [], []
    for query in sample:
        started = time.perf_counter()
        q = minhash.shingle_hashes(normalize_text(query.text))
        q_low = q & np.uint32(0x3FFFF)
        table[q_low] = True
        maybe = np.flatnonzero(table[low])
        table[q_low] = False
        sure = maybe[np.isin(flat[maybe], q)]
        inter = np.bincount(owner_of[sure], minlength=len(ids))
        jaccard = inter / (len(q) + lengths - inter)
        # The exact nearest RERANK_LIMIT texts, scored as the index scores its candidates.
        top = np.argpartition(-jaccard, selectors.RERANK_LIMIT)[:selectors.RERANK_LIMIT]
        scores = selectors.score_candidates(q, [flat[offsets[i]: offsets[i] + lengths[i]] for i in top])
        order = np.lexsort((-ids[top], -scores))
        brute_times.append((time.perf_counter() - started) * 1000)
        brute_answers.append([(int(ids[top[i]]), float(scores[i])) for i in order[:LIMIT]])
        best = np.flatnonzero(jaccard >= min(THRESHOLDS))
        best = best[np.lexsort((-ids[best], -jaccard[best]))][:LIMIT]
        plain_answers.append([(int(ids[i]), float(jaccard[i])) for i in best])
    index_sample = [answers[i] for i in sample_index]
    index_sample_times = [times[i] for i in sample_index]
    speedup = statistics.median(brute_times) / statistics.median(index_sample_times)
    print(f"brute force over {len(sample):,} queries: p50 {statistics.median(brute_times):,.1f} ms, "
          f"p95 {percentile(brute_times, 0.95):,.1f} ms; index on the same queries p50 "
          f"{statistics.median(index_sample_times):.2f} ms: speed-up ×{speedup:,.0f} (p50); "
          f"peak RSS {peak_rss_mib():,.0f} MiB")
    for threshold in THRESHOLDS:
        b_recall, b_precision, *_ = score(sample, brute_answers, threshold)
        p_recall, p_precision, *_ = score(sample, plain_answers, threshold)
        i_recall, i_precision, *_ = score(sample, index_sample, threshold)
        mark = "  ◀" if math.isclose(threshold, args.threshold) else ""
        print(f"  threshold {threshold:.2f}: index recall {i_recall:.3f} precision {i_precision:.3f}; "
              f"brute force (same score) recall {b_recall:.3f} precision {b_precision:.3f}; recall ratio "
              f"{i_recall / b_recall if b_recall else float('nan'):.3f}; brute force plain Jaccard recall "
              f"{p_recall:.3f} precision {p_precision:.3f}{mark}")
    print(headline)
    return 0


if __name__ == "__main__":
    sys.exit(main())
