"""Each petition's facts (facts.py), stored when its text is written and read with the candidate rows.

Running jieba on every candidate's text made the candidate stage slow the first time a process met a text
(≈ 1 ms each, 60–110 candidates a draft). The facts are written at registration (receivers.py), when a text
changes (post_save with a text field), by the bulk import (exchange.bulk) and by `xinfang matching facts`
(the seed's derived rebuild calls it). A petition without a usable row (old data, another extractor version,
another year of receipt) is read from its text as before: stored facts only make the judgement faster,
never different (tests/matching/test_stored_facts.py).

The row is compact JSON: the words with their counts, the concepts and facts, and the normalised text the
character trigrams come from (rebuilding the trigram set from it costs microseconds, storing the set would
take several times the space).
"""

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from multiprocessing import get_all_start_methods, get_context
from typing import NamedTuple

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from xinfang.db import insert_rows
from xinfang.matching.facts import FACTS_VERSION, Facts, facts_of, read_facts, trigrams_of
from xinfang.matching.models import MatterFacts
from xinfang.matching.text import petition_text
from xinfang.petitions.models import Petition

BATCH_SIZE = 2000
# What a stored row needs of its petition (the text, the year of receipt, whether its text is sealed).
PETITION_FIELDS = ("pk", "summary", "content", "demands", "received_at", "petition_type")


def encode(facts: Facts, normalized: str) -> str:
    return json.dumps({
        "w": facts.words, "c": sorted(facts.concepts), "a": sorted(facts.amounts), "r": sorted(facts.ranges),
        "ar": sorted(facts.areas), "m": sorted(facts.months), "y": sorted(facts.years), "fy": sorted(facts.fixed_years), "n": list(facts.names), "p": sorted(facts.people),
        "pl": list(facts.places), "d": facts.demand, "s": facts.surface, "t": normalized,
    }, ensure_ascii=False, separators=(",", ":"))


def decode(data: str) -> Facts:
    row = json.loads(data)
    return Facts(
        words=row["w"], concepts=frozenset(row["c"]), amounts=frozenset(row["a"]),
        ranges=frozenset(tuple(pair) for pair in row["r"]), areas=frozenset(row["ar"]), months=frozenset(row["m"]),
        years=frozenset(row["y"]), fixed_years=frozenset(row["fy"]), names=tuple(row["n"]), people=frozenset(row["p"]),
        places=tuple(row["pl"]), demand=row["d"], trigrams=trigrams_of(row["t"]), surface=row["s"],
    )


def year_of(received_at: datetime | None) -> int | None:
    """The year relative dates (去年4月) are read against: the local year of receipt, as the judgement reads it."""
    return timezone.localtime(received_at).year if received_at else None


def _data_of(item: tuple[int, str, int | None]) -> tuple[int, str]:
    pk, text, year = item
    return pk, encode(*read_facts(text, year))


def _items(petitions: list[Petition]) -> list[tuple[int, str, int | None]]:
    return [(p.pk, petition_text(p), year_of(p.received_at)) for p in petitions]


def _replace(petitions: list[Petition], computed: Iterable[tuple[int, str]]) -> int:
    """Replace these petitions' rows with the computed data, in one transaction; returns how many."""
    by_pk = {petition.pk: petition for petition in petitions}
    # The petition itself on the row: AccusationTextField seals the data of an accusation without a query.
    rows = [MatterFacts(petition=by_pk[pk], version=FACTS_VERSION, year=year_of(by_pk[pk].received_at), data=data)
            for pk, data in computed]
    with transaction.atomic():
        MatterFacts.objects.filter(petition_id__in=list(by_pk)).delete()
        insert_rows(MatterFacts, rows)
    return len(rows)


def facts_store(*, petitions: list[Petition]) -> int:
    """Write (or rewrite) the stored facts of these petitions, in the caller's transaction; returns how many."""
    return _replace(petitions, map(_data_of, _items(petitions))) if petitions else 0


def _pages(*, batch_size: int, missing_only: bool) -> Iterator[list[Petition]]:
    """Every petition (or those without a current row) in id order, one page at a time (bounded memory)."""
    last = 0
    while True:
        petitions = Petition.objects.filter(pk__gt=last).order_by("pk")
        if missing_only:
            # A LEFT JOIN walked in id order (NOT IN a subquery would read the whole table again for each page).
            petitions = petitions.filter(Q(matter_facts__isnull=True) | ~Q(matter_facts__version=FACTS_VERSION))
        page = list(petitions.only(*PETITION_FIELDS)[:batch_size])
        if not page:
            return
        yield page
        last = page[-1].pk


def facts_rebuild(*, missing_only: bool = False, workers: int = 1, batch_size: int = BATCH_SIZE,
                  progress: Callable[[int], None] | None = None) -> int:
    """Store the facts of every petition (or only of those without a current row); one transaction a batch.

    `workers` > 1 reads the texts in that many processes (jieba is pure Python: one core reads ≈ 2,000 demo texts
    a second); this process writes. Returns how many rows were written."""
    done = 0
    if "fork" not in get_all_start_methods():  # Windows: the workers could not share the loaded dictionary
        workers = 1
    if workers > 1:
        read_facts("预先载入词典")  # jieba's dictionary once, shared by the forked workers
    pool = get_context("fork").Pool(workers) if workers > 1 else None
    try:
        for page in _pages(batch_size=batch_size, missing_only=missing_only):
            items = _items(page)
            computed = (pool.map(_data_of, items, chunksize=max(1, len(items) // (workers * 4)))
                        if pool is not None else map(_data_of, items))
            done += _replace(page, computed)
            if progress is not None:
                progress(done)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    return done


def _current(row: MatterFacts | None, petition: Petition) -> bool:
    return row is not None and _current_values(row.version, row.year, petition.received_at)


def _current_values(version: int | None, year: int | None, received_at: datetime | None) -> bool:
    return version == FACTS_VERSION and year == year_of(received_at)


def petition_facts(petition: Petition, *, stored: MatterFacts | None = None) -> Facts:
    """The facts of a petition: its stored row when it is current, else read from its text now."""
    if _current(stored, petition):
        return decode(stored.data)
    return facts_of(petition_text(petition), year_of(petition.received_at))


class StoredRow(NamedTuple):
    """A petition's stored facts as read with values(): a LEFT JOIN gives None for a petition without a row."""

    pk: int
    received_at: datetime
    version: int | None
    year: int | None
    data: str | None


def facts_of_rows(rows: list[StoredRow]) -> dict[int, Facts]:
    """Facts of candidate rows read as values (the candidate stage): the stored ones, and for petitions
    without a current row their texts in one query, read now."""
    out: dict[int, Facts] = {}
    missing: list[StoredRow] = []
    for row in rows:
        if _current_values(row.version, row.year, row.received_at):
            out[row.pk] = decode(row.data)
        else:
            missing.append(row)
    if missing:
        texts = {p.pk: petition_text(p) for p in Petition.objects.filter(pk__in=[row.pk for row in missing])
                 .only("pk", "summary", "content", "demands", "petition_type")}
        for row in missing:
            out[row.pk] = facts_of(texts[row.pk], year_of(row.received_at))
    return out


def row_of(petition: Petition) -> MatterFacts | None:
    """The stored row loaded with the petition (select_related("matter_facts")), or None if it has none."""
    try:
        return petition.matter_facts
    except MatterFacts.DoesNotExist:
        return None


def stored_words(data: str) -> dict[str, int]:
    """Only the words of a stored row (the office's word weights need nothing else)."""
    return json.loads(data)["w"]
