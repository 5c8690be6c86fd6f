"""Character n-gram shingles, MinHash signatures and LSH band keys, vectorised with numpy.

Everything here is a pure function of the normalised text and the constants below, with fixed seeds
and no use of Python's `hash()` (salted per process), so a signature computed today in one process
equals one computed next year in another. Changing a constant changes every key: run
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
ROWS_PER_BAND = 4
NUM_PERM = NUM_BANDS * ROWS_PER_BAND
SEED = 0x5EED_2026_11_22

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S32 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(32)
# Shingles of several documents are hashed together up to this many (bounds the K × n work array).
_CHUNK_SHINGLES = 16_384


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


# One seed per permutation of the MinHash, and one per band so equal rows in different bands differ.
_PERM_SEEDS = _seeds(NUM_PERM, 1)[:, None]
_BAND_SEEDS = _seeds(NUM_BANDS, 2)[None, :]

EMPTY = np.empty(0, dtype=np.uint32)


def shingle_hashes(normalized: str, *, size: int = SHINGLE_SIZE, limit: int = MAX_SHINGLES) -> np.ndarray:
    """The sorted, distinct 32-bit hashes of the text's character n-grams (at most `limit`, the smallest).

    A text shorter than `size` characters is one shingle, itself; an empty text has none.
    """
    if not normalized:
        return EMPTY
    codes = np.frombuffer(normalized.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    if len(codes) < size:
        size = len(codes)
    # Code points need 21 bits, so up to three characters pack exactly into one 64-bit number.
    grams = np.zeros(len(codes) - size + 1, dtype=np.uint64)
    for offset in range(size):
        grams <<= np.uint64(21)
        grams |= codes[offset: len(codes) - size + 1 + offset]
    hashes = np.unique((mix64(grams) >> _S32).astype(np.uint32))
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
        values = np.concatenate(chunk).astype(np.uint64)[None, :] ^ _PERM_SEEDS  # (K, n)
        hashed = (mix64(values) >> _S32).astype(np.uint32)
        offsets = np.cumsum([0] + [len(s) for s in chunk[:-1]])
        out[start:stop] = np.minimum.reduceat(hashed, offsets, axis=1).T
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
    hits = np.isin(np.concatenate(others), query, assume_unique=True).astype(np.int64)
    inter = np.add.reduceat(hits, np.concatenate(([0], np.cumsum(lengths)[:-1])))
    return inter / (len(query) + lengths - inter)
