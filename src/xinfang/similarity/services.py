"""Writes of the near-duplicate index: index one petition, many (imports, rebuilds), or all of them.

Indexing is idempotent: re-indexing a petition removes exactly its old band keys (recomputed from its
stored shingles, so no second index on the band table is needed) and writes the new ones.
"""

from collections.abc import Callable, Iterable, Iterator
from itertools import islice

import numpy as np
from django.db import connection, transaction

from xinfang.similarity import minhash
from xinfang.similarity.models import BandKey, PetitionShingles
from xinfang.similarity.text import normalize_text, petition_text

__all__ = ["index_petition", "index_petitions", "index_rebuild", "normalize_text", "petition_text"]

DEFAULT_BATCH_SIZE = 2_000


def _batches(rows: Iterable[tuple[int, str]], size: int) -> Iterator[list[tuple[int, str]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


_KEY = '"key"'  # a keyword in SQLite (allowed unquoted there, but quoted it is safe everywhere)


def _remove(petition_ids: list[int]) -> None:
    """Delete the shingles and band keys of these petitions (those that have any)."""
    old = list(PetitionShingles.objects.filter(petition_id__in=petition_ids).values_list("petition_id", "hashes"))
    if not old:
        return
    keys = minhash.band_keys(minhash.signatures([np.frombuffer(bytes(h), dtype="<u4") for _, h in old]))
    band_table = _table(BandKey)
    with connection.cursor() as cursor:
        for (petition_id, _), petition_keys in zip(old, keys, strict=True):
            marks = ", ".join(["%s"] * len(petition_keys))
            # (key, petition_id) is the band table's only index, and it covers this delete.
            cursor.execute(f"DELETE FROM {band_table} WHERE {_KEY} IN ({marks}) AND petition_id = %s",
                           [*petition_keys.tolist(), petition_id])
    PetitionShingles.objects.filter(petition_id__in=[petition_id for petition_id, _ in old]).delete()


def _write(batch: list[tuple[int, str]], *, replace: bool) -> int:
    """Index one batch in one transaction; returns how many petitions got shingles."""
    ids, sets = [], []
    batch = list(dict((int(petition_id), text) for petition_id, text in batch).items())  # one id twice: the last
    for petition_id, text in batch:
        hashes = minhash.shingle_hashes(normalize_text(text or ""))
        if len(hashes):  # only punctuation or nothing: not indexed, it could only match by accident
            ids.append(int(petition_id))
            sets.append(hashes)
    with transaction.atomic():
        if replace:
            _remove([int(petition_id) for petition_id, _ in batch])
        if not ids:
            return 0
        keys = minhash.band_keys(minhash.signatures(sets)).ravel()
        owners = np.repeat(np.array(ids, dtype=np.int64), minhash.NUM_BANDS)
        order = np.argsort(keys, kind="stable")  # in key order: fewer B-tree pages touched per batch
        band_rows = list(zip(keys[order].tolist(), owners[order].tolist(), strict=True))
        with connection.cursor() as cursor:
            # Raw executemany: a million petitions make 32 million band rows, too many for model instances.
            cursor.executemany(f"INSERT INTO {_table(PetitionShingles)} (petition_id, hashes) VALUES (%s, %s)",
                               [(pid, h.astype("<u4").tobytes()) for pid, h in zip(ids, sets, strict=True)])
            cursor.executemany(f"INSERT INTO {_table(BandKey)} ({_KEY}, petition_id) VALUES (%s, %s)", band_rows)
    return len(ids)


def index_petitions(rows: Iterable[tuple[int, str]], *, batch_size: int = DEFAULT_BATCH_SIZE,
                    replace: bool = True, progress: Callable[[int], None] | None = None) -> int:
    """Index (petition id, text) pairs in batches, one transaction each; returns how many were indexed.

    `replace=False` skips looking for old entries: only for an index known to be empty (a rebuild).
    """
    indexed = done = 0
    for batch in _batches(rows, batch_size):
        indexed += _write(batch, replace=replace)
        done += len(batch)
        if progress is not None:
            progress(done)
    return indexed


def index_petition(*, petition_id: int, text: str) -> None:
    """Index (or re-index) one petition's text, inside the caller's transaction if there is one."""
    _write([(petition_id, text)], replace=True)


def index_clear() -> None:
    """Empty the index (both tables)."""
    with transaction.atomic():
        BandKey.objects.all().delete()
        PetitionShingles.objects.all().delete()


def _petition_rows(batch_size: int) -> Iterator[tuple[int, str]]:
    """Every petition's (id, text), read in id order one batch at a time (bounded memory)."""
    from xinfang.petitions.models import Petition

    last = 0
    while True:
        page = list(Petition.objects.filter(pk__gt=last).order_by("pk")
                    .only("pk", "summary", "content", "demands")[:batch_size])
        if not page:
            return
        for petition in page:
            yield petition.pk, petition_text(petition)
        last = page[-1].pk


def index_rebuild(*, batch_size: int = DEFAULT_BATCH_SIZE, progress: Callable[[int], None] | None = None) -> int:
    """Empty the index and index every petition again; returns how many were indexed.

    One transaction per batch: on a large database lookups meanwhile see a partial index, so run it
    when registrations are quiet (each registration indexes itself anyway).
    """
    index_clear()
    # replace=True although the index was just emptied: a registration meanwhile indexes itself.
    return index_petitions(_petition_rows(batch_size), batch_size=batch_size, replace=True, progress=progress)
