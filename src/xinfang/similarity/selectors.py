"""Reads of the near-duplicate index: petitions whose text is like a given text, and index figures.

Lookup: the query's MinHash band keys fetch, in one SQL query, the newest BUCKET_LIMIT petitions of
each band bucket, ranked in SQL by the rarity of the buckets they share; the RERANK_LIMIT best are
then scored exactly on their stored shingle hashes (the bands only decide which petitions are looked at).

The score (SCORING = "dice") is a Dice similarity in which each shingle is weighted by its rarity
among the texts compared, the query and its candidates (its look-alikes), squared:
log(1 + n / df)². Boilerplate they all share (a common kind of complaint, the village's name) weighs
little; what the query shares with few of them (names, dates, amounts, the petitioner's own story)
weighs most. 1 means the same text, 0 nothing in common. The first version's score ("idf": weighted
Jaccard, weights not squared) and plain Jaccard ("jaccard") are kept for the benchmark's comparisons;
at a million petitions neither reaches recall 0.95 with precision 0.90 (docs/SIMILARITY.md).
"""

from dataclasses import dataclass

import numpy as np
from django.db import connection

from xinfang.similarity import minhash
from xinfang.similarity.models import BandKey, PetitionShingles
from xinfang.similarity.text import is_judgeable, normalize_text, petition_text

__all__ = ["SimilarMatch", "IndexStats", "similar_petitions", "similarity_between", "index_stats",
           "normalize_text", "petition_text"]

# Newest members read per band bucket. A bucket of a common kind of matter holds up to ~100,000 petitions
# at a million; reading the newest keeps a lookup bounded (NUM_BANDS × BUCKET_LIMIT index entries at most).
BUCKET_LIMIT = 500
# Candidates (rarest shared buckets first) whose exact similarity is computed.
RERANK_LIMIT = 400
SCORING = "dice"  # or "idf" (the first version's score) or "jaccard" (benchmark comparisons)
WEIGHT_POWER = 2  # the rarity weight's exponent in the "dice" score
# Measured on the benchmark at this threshold: recall 0.956 / precision 0.948 at 1,000,000 petitions,
# 0.976 / 0.963 at 100,000. Small indexes score higher: on 2,000 petitions 0.30–0.35 is the better
# threshold (docs/SIMILARITY.md, "Which threshold"; figures in docs/PERFORMANCE.md).
RECOMMENDED_MIN_SIMILARITY = 0.25


@dataclass(frozen=True)
class SimilarMatch:
    petition_id: int
    similarity: float  # 0..1: rarity-weighted Dice similarity of the shingle sets (module docstring)


def _query_shingles(text: str) -> np.ndarray | None:
    normalized = normalize_text(text or "")
    if not is_judgeable(normalized):
        return None
    return minhash.shingle_hashes(normalized)


def _bucket_sizes(cursor, keys: list[int]) -> list[tuple[int, int]]:
    """Each band key with its size as read (at most BUCKET_LIMIT); empty buckets left out.

    Counting a bucket walks only its index entries: the 32 counts take about a millisecond at a million
    petitions, where a window count in the ranking query made SQLite copy every bucket it read first.
    """
    table = connection.ops.quote_name(BandKey._meta.db_table)
    part = (f'SELECT count(*) FROM (SELECT 1 FROM {table} WHERE "key" = %s '
            f"ORDER BY petition_id DESC LIMIT {BUCKET_LIMIT:d}) AS b")
    cursor.execute(" UNION ALL ".join(part for _ in keys), keys)
    return [(key, n) for key, (n,) in zip(keys, cursor.fetchall(), strict=True) if n]


def _ranking_sql(sizes: list[tuple[int, int]]) -> tuple[str, list]:
    """The ranking query: the buckets' newest members, each scoring 1/size of its bucket, summed and sorted
    (the weight computed by the database as before, so the order is the same to the last bit)."""
    table = connection.ops.quote_name(BandKey._meta.db_table)
    part = (f"SELECT petition_id, 1.0 / %s AS w FROM (SELECT petition_id FROM {table} "
            f'WHERE "key" = %s ORDER BY petition_id DESC LIMIT {BUCKET_LIMIT:d}) AS b')
    union = " UNION ALL ".join(part for _ in sizes)
    sql = (f"SELECT petition_id, sum(w) AS score FROM ({union}) AS m GROUP BY petition_id "
           f"ORDER BY score DESC, petition_id DESC LIMIT {RERANK_LIMIT + 1:d}")
    return sql, [value for key, size in sizes for value in (size, key)]


def _candidates(keys: list[int], exclude_id: int | None) -> list[int]:
    """Petitions sharing band buckets with the query, best first, at most RERANK_LIMIT.

    The newest BUCKET_LIMIT members of each bucket are read. A petition scores 1/size for each bucket it
    shares (size as read, at most BUCKET_LIMIT): a small bucket (rare content in common) says more than a
    crowded one (boilerplate in common), so true repeats come first even among thousands of look-alikes.
    The database sums and sorts: at 32 × 500 rows that is several milliseconds less than doing it in Python.
    """
    with connection.cursor() as cursor:
        sizes = _bucket_sizes(cursor, keys)
        if not sizes:
            return []
        sql, params = _ranking_sql(sizes)
        cursor.execute(sql, params)
        ranked = [petition_id for petition_id, _ in cursor.fetchall()]
    return [pid for pid in ranked if pid != exclude_id][:RERANK_LIMIT]


def _candidates_with_shingles(keys: list[int], exclude_id: int | None) -> list[tuple[int, np.ndarray]]:
    """_candidates with each one's stored shingle hashes, in the same query (a petition whose band rows
    outlived it has none, and is left out, as similar_petitions always did)."""
    shingles = connection.ops.quote_name(PetitionShingles._meta.db_table)
    with connection.cursor() as cursor:
        sizes = _bucket_sizes(cursor, keys)
        if not sizes:
            return []
        ranking, params = _ranking_sql(sizes)
        cursor.execute(f"SELECT r.petition_id, s.hashes FROM ({ranking}) AS r LEFT JOIN {shingles} AS s "
                       f"ON s.petition_id = r.petition_id ORDER BY r.score DESC, r.petition_id DESC", params)
        rows = cursor.fetchall()
    ranked = [(pid, hashes) for pid, hashes in rows if pid != exclude_id][:RERANK_LIMIT]
    return [(pid, np.frombuffer(bytes(hashes), dtype="<u4")) for pid, hashes in ranked if hashes is not None]


def _stored(petition_ids: list[int]) -> dict[int, np.ndarray]:
    if not petition_ids:
        return {}
    table = connection.ops.quote_name(PetitionShingles._meta.db_table)
    marks = ", ".join(["%s"] * len(petition_ids))
    with connection.cursor() as cursor:  # raw: the ORM's per-value preparation cost more than the query
        cursor.execute(f"SELECT petition_id, hashes FROM {table} WHERE petition_id IN ({marks})",
                       [int(pid) for pid in petition_ids])
        rows = cursor.fetchall()
    return {petition_id: np.frombuffer(bytes(hashes), dtype="<u4") for petition_id, hashes in rows}


def score_candidates(query: np.ndarray, candidates: list[np.ndarray]) -> np.ndarray:
    """The similarity of the query to each candidate (SCORING: see the module's docstring)."""
    if SCORING == "jaccard":
        return minhash.jaccard(query, candidates)
    if SCORING == "idf":
        return minhash.weighted_jaccard(query, candidates)
    return minhash.weighted_dice(query, candidates, power=WEIGHT_POWER)


def similar_petitions(*, text: str, limit: int = 20, exclude_id: int | None = None,
                      min_similarity: float = 0.3) -> list[SimilarMatch]:
    """Indexed petitions whose text is like `text`, most similar first; [] for text too short to judge."""
    query = _query_shingles(text)
    if query is None or limit <= 0:
        return []
    keys = minhash.band_keys(minhash.signatures([query]))[0].tolist()
    candidates = _candidates_with_shingles(keys, exclude_id)
    ids = [pid for pid, _ in candidates]
    scores = score_candidates(query, [hashes for _, hashes in candidates])
    matches = [SimilarMatch(petition_id=pid, similarity=round(float(score), 4))
               for pid, score in zip(ids, scores, strict=True) if score >= min_similarity]
    matches.sort(key=lambda m: (-m.similarity, -m.petition_id))
    return matches[:limit]


def similarity_between(*, text: str, petition_ids: list[int]) -> dict[int, float]:
    """The similarity of `text` to each of these indexed petitions (candidates found otherwise, e.g. by
    the same petitioner), on the same scale as similar_petitions: they are scored together with the
    text's own band candidates. Petitions not indexed, and text too short to judge, are left out."""
    query = _query_shingles(text)
    if query is None or not petition_ids:
        return {}
    keys = minhash.band_keys(minhash.signatures([query]))[0].tolist()
    wanted = {int(pid) for pid in petition_ids}
    pool = list(dict.fromkeys([*wanted, *_candidates(keys, None)]))
    stored = _stored(pool)
    ids = [pid for pid in pool if pid in stored]
    scores = score_candidates(query, [stored[pid] for pid in ids])
    return {pid: round(float(score), 4) for pid, score in zip(ids, scores, strict=True) if pid in wanted}


@dataclass(frozen=True)
class IndexStats:
    petitions: int
    band_rows: int
    buckets: int
    largest_buckets: list[int]  # sizes of the five largest band buckets
    buckets_over_limit: int  # buckets with more than BUCKET_LIMIT petitions (lookups read only the newest)


def index_stats() -> IndexStats:
    """Counts of the index; the bucket figures scan the band index once (seconds at a million petitions)."""
    table = connection.ops.quote_name(BandKey._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM (SELECT "key", count(*) AS n FROM {table} GROUP BY "key") AS s')
        buckets = cursor.fetchone()[0]
        cursor.execute(f'SELECT count(*) FROM {table} GROUP BY "key" ORDER BY count(*) DESC LIMIT 5')
        largest = [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT count(*) FROM (SELECT "key" FROM {table} GROUP BY "key" '
                       f"HAVING count(*) > {BUCKET_LIMIT:d}) AS s")
        over = cursor.fetchone()[0]
    return IndexStats(petitions=PetitionShingles.objects.count(), band_rows=BandKey.objects.count(),
                      buckets=buckets, largest_buckets=largest, buckets_over_limit=over)
