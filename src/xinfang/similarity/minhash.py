"""Character n-gram shingles, MinHash signatures and LSH band keys, vectorised with numpy.

Everything here is a pure function of the normalised text, the constants below and the secret (set_secret),
with fixed seeds and no use of Python's `hash()` (salted per process), so a signature computed today in one
process equals one computed next year in another under the same key. Changing a constant changes every key: run
`xinfang similarity rebuild` afterwards (docs/SIMILARITY.md explains how they were chosen).
"""

from collections.abc import Sequence

import numpy as np

SHINGLE_SIZE = 3  # characters per shingle; measured against 2 in docs/SIMILARITY.md
# Longer texts keep only their MAX_SHINGLES smallest shingle hashes (a "bottom-k" sample: the same
# shingle is kept or dropped in every text, so two long texts still compare fairly) — a 50,000-character
# letter costs what a 1,000-shingle one does.
MAX_SHINGLES = 1_000
NUM_BANDS = 32
ROWS_PER_BAND = 2
NUM_PERM = NUM_BANDS * ROWS_PER_BAND
SEED = 0x5EED_2026_11_22

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S32 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(32)
# Shingles of several documents are hashed together up to this many (bounds the K × n work array).
_CHUNK_SHINGLES = 16_384
# A secret mixed into every shingle hash (set_secret): without it, anyone reading the index could hash a
# guessed phrase ("王副镇长") and see which petitions — accusations included — contain it. Zero until set.
_SECRET = np.uint64(0)


def set_secret(secret: int) -> None:
    """Key the shingle hashes for this process (the similarity app does it from the data key at start-up).

    A different secret gives different hashes: an index built under one must be rebuilt under another.
    """
    global _SECRET
    _SECRET = np.uint64(secret & 0xFFFF_FFFF_FFFF_FFFF)


def mix64(values: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: a fixed, well-mixing bijection on uint64 (wraps modulo 2**64)."""
    z = values.astype(np.uint64, copy=True)
    z ^= z >> _S30
    z *= _M1
    z ^= z >> _S27
    z *= _M2
    z ^= z >> _S31
    return z


def _seeds(count: int, salt: int) -> np.ndarray:
    return mix64(np.arange(count, dtype=np.uint64) + np.uint64((SEED ^ salt) & 0xFFFF_FFFF_FFFF_FFFF))


# The MinHash's permutations are multiply-shift hashes ((a·x + b) mod 2**64) >> 32 with odd a: the
# shingle hashes are well mixed already, and this is three cheap numpy operations per element instead
# of a full mix. One seed per band as well, so equal rows in different bands give different keys.
_PERM_A = (_seeds(NUM_PERM, 1) | np.uint64(1))[:, None]
_PERM_B = _seeds(NUM_PERM, 3)[:, None]
_BAND_SEEDS = _seeds(NUM_BANDS, 2)[None, :]


def configure(*, shingle_size: int, bands: int, rows: int) -> None:
    """Other parameters for this process (the benchmark compares them); an index built with one set
    of parameters must be looked up with the same set."""
    global SHINGLE_SIZE, NUM_BANDS, ROWS_PER_BAND, NUM_PERM, _PERM_A, _PERM_B, _BAND_SEEDS
    if not 1 <= shingle_size <= 3:
        raise ValueError("shingle_size must be 1, 2 or 3 (three 21-bit code points fill 63 bits)")
    SHINGLE_SIZE, NUM_BANDS, ROWS_PER_BAND, NUM_PERM = shingle_size, bands, rows, bands * rows
    _PERM_A = (_seeds(NUM_PERM, 1) | np.uint64(1))[:, None]
    _PERM_B = _seeds(NUM_PERM, 3)[:, None]
    _BAND_SEEDS = _seeds(NUM_BANDS, 2)[None, :]

EMPTY = np.empty(0, dtype=np.uint32)


def shingle_hashes(normalized: str, *, size: int | None = None, limit: int = MAX_SHINGLES) -> np.ndarray:
    """The sorted, distinct 32-bit hashes of the text's character n-grams (at most `limit`, the smallest).

    A text shorter than `size` characters is one shingle, itself; an empty text has none.
    """
    if not normalized:
        return EMPTY
    size = size or SHINGLE_SIZE
    codes = np.frombuffer(normalized.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    if len(codes) < size:
        size = len(codes)
    # Code points need 21 bits, so up to three characters pack exactly into one 64-bit number.
    grams = np.zeros(len(codes) - size + 1, dtype=np.uint64)
    for offset in range(size):
        grams <<= np.uint64(21)
        grams |= codes[offset: len(codes) - size + 1 + offset]
    hashes = np.unique((mix64(grams ^ _SECRET) >> _S32).astype(np.uint32))
    return hashes[:limit]


def signatures(shingle_sets: Sequence[np.ndarray]) -> np.ndarray:
    """MinHash signatures, shape (len(shingle_sets), NUM_PERM) uint32; every set must be non-empty."""
    out = np.empty((len(shingle_sets), NUM_PERM), dtype=np.uint32)
    start = 0
    while start < len(shingle_sets):
        stop, total = start, 0
        while stop < len(shingle_sets) and (stop == start or total + len(shingle_sets[stop]) <= _CHUNK_SHINGLES):
            total += len(shingle_sets[stop])
            stop += 1
        chunk = shingle_sets[start:stop]
        values = _PERM_A * np.concatenate(chunk).astype(np.uint64)[None, :]  # (K, n), wraps modulo 2**64
        values += _PERM_B
        values >>= _S32
        offsets = np.cumsum([0] + [len(s) for s in chunk[:-1]])
        out[start:stop] = np.minimum.reduceat(values, offsets, axis=1).T
        start = stop
    return out


def band_keys(signature_rows: np.ndarray) -> np.ndarray:
    """One signed 64-bit key per band, shape (m, NUM_BANDS) int64; the band's number is mixed in."""
    rows = signature_rows.reshape(len(signature_rows), NUM_BANDS, ROWS_PER_BAND).astype(np.uint64)
    keys = np.broadcast_to(_BAND_SEEDS, rows.shape[:2]).copy()
    for row in range(ROWS_PER_BAND):
        keys = mix64(keys ^ rows[:, :, row])
    return keys.view(np.int64)


def jaccard(query: np.ndarray, others: Sequence[np.ndarray]) -> np.ndarray:
    """Exact Jaccard similarity of one sorted shingle-hash set with each of several (all non-empty)."""
    if not len(others):
        return np.empty(0)
    lengths = np.fromiter((len(o) for o in others), dtype=np.int64, count=len(others))
    hits = np.isin(np.concatenate(others), query).astype(np.int64)  # not assume_unique: sets overlap
    inter = np.add.reduceat(hits, np.concatenate(([0], np.cumsum(lengths)[:-1])))
    return inter / (len(query) + lengths - inter)


def _weighted_overlap(query: np.ndarray, others: Sequence[np.ndarray], power: float
                      ) -> tuple[np.ndarray, float, np.ndarray]:
    """(shared weight with each other text, the query's total weight, each other text's total weight).

    A shingle's weight is log(1 + n / df) ** power, with n = 1 + len(others) texts compared and df = how
    many of them hold it (weighted_dice says why).
    """
    lengths = np.fromiter((len(o) for o in others), dtype=np.int64, count=len(others))
    flat = np.concatenate(others)
    every = np.concatenate((flat, query))
    # The same as np.unique(..., return_inverse=True), in half the time: that sorts by argsort, slower than a
    # plain sort followed by a binary search of each element in the distinct values.
    universe, df = np.unique(every, return_counts=True)
    inverse = np.searchsorted(universe, every)
    weights = np.log1p((len(others) + 1) / df)
    if power != 1:
        weights **= power
    weights = weights[inverse]  # per element: others' shingles, then the query's
    flat_w = weights[: len(flat)]
    in_query = np.zeros(len(universe), dtype=bool)
    in_query[inverse[len(flat):]] = True
    hits = in_query[inverse[: len(flat)]]
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    inter = np.add.reduceat(np.where(hits, flat_w, 0.0), offsets)
    total = np.add.reduceat(flat_w, offsets)
    return inter, float(weights[len(flat):].sum()), total


def weighted_jaccard(query: np.ndarray, others: Sequence[np.ndarray]) -> np.ndarray:
    """Jaccard similarity with each shingle weighted by its rarity among the texts compared (all non-empty).

    Weight = log(1 + n / df), df counting the query and the n - 1 others that hold the shingle. The
    score of the first version (SCORING = "idf"), kept for comparison: weighted_dice replaced it.
    """
    if not len(others):
        return np.empty(0)
    inter, query_total, totals = _weighted_overlap(query, others, 1)
    return inter / (query_total + totals - inter)


def weighted_dice(query: np.ndarray, others: Sequence[np.ndarray], *, power: float = 2) -> np.ndarray:
    """Dice similarity, 2·shared ÷ (both texts' weight), with each shingle weighted by its rarity among the
    texts compared (all non-empty): weight = log(1 + n / df) ** power, n = the query and its others, df =
    how many of them hold the shingle.

    What all these look-alike texts share (a kind of complaint's usual wording, a village's name) weighs
    little, what only the query and one other share (names, dates, amounts, the petitioner's own story)
    weighs most; squaring the weight sharpens that contrast, which is what separates a reworded repeat
    from another matter of the same kind among a million (docs/SIMILARITY.md). Identical texts score 1,
    disjoint ones 0.
    """
    if not len(others):
        return np.empty(0)
    inter, query_total, totals = _weighted_overlap(query, others, power)
    return 2 * inter / (query_total + totals)
