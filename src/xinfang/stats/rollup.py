"""Rollups of the heavy statistics sources: the same grouped queries, evaluated once per petition and added up.

Every figure of the petitions, clocks and evaluations counts petitions (or sums their 人次) with a condition on
the petition's own rows for a period, so the figure of a period is the sum over petitions of a 0/1 (or 人次)
*contribution*. The cells (RollupCell) hold those contributions added up by viewer node, calendar period
(month, quarter, year: distinct petitions do not add up across months) and the petition's channel, top-level
category and 责任单位. A contribution is computed by the declarations of xinfang.stats.indicators themselves,
restricted to a few petitions, so the cells equal the live figures by construction; `verify` checks it.

Maintenance (docs/STATISTICS.md, "Rollups"): before a write changes a petition's rows, `touch` takes the
petition's current contribution out of the cells and marks it dirty; `settle` adds the contributions of the
dirty petitions back from their new state. Readers settle first, so the cells always equal the sum over
petitions of their contribution now. Periods are stored "as closed" (evaluated as on the day after their
end) and read only once closed; running periods are always live.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.models import Count, F, Max, Min, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from xinfang.orgs.models import Org, User
from xinfang.orgs.selectors import org_subtree, user_scope_root
from xinfang.petitions.models import Petition
from xinfang.stats.indicators import (
    CLOCKS,
    EVALUATIONS,
    INDICATORS,
    INDICATORS_BY_KEY,
    PETITIONS,
    Indicator,
    Measure,
    Source,
    StatsQuery,
)
from xinfang.stats.models import RollupCell, RollupDirty, RollupNode, RollupState
from xinfang.workflow.models import Clock, Evaluation

# The sources read from the cells. The others (notices, late entries, 督办, 建议, refusals, the clocks by org)
# are small tables, or count rows for a unit of their own: they stay live.
HEAVY = (PETITIONS, CLOCKS, EVALUATIONS)
READABLE_BY = (None, "channel", "category", "unit")
ALL = 0  # the node of a reader without scope
# The petition's org columns that put it in a viewer's scope (petitions_visible_to).
SCOPE_COLUMNS = ("registering_org_id", "locality_id", "handling_org_id", "review_org_id", "re_review_org_id")
MAX_AGGREGATES = 400  # per query: SQLite allows 2,000 result columns
BATCH = 500  # petitions per contribution query


@dataclass(frozen=True)
class RollupView:
    """The cells a query may read: its reader's node, that scope's fingerprint, and the filters the cells hold."""

    node: int
    fingerprint: str = ""
    channel: str = ""
    category: int | None = None  # a top-level category
    unit: int | None = None  # None: any unit; 0: kept by the office


def enabled() -> bool:
    # Off in the test settings (each save would cost a query); the rollup's own tests turn it on.
    return getattr(settings, "XINFANG_STATS_ROLLUP", True)


def fingerprint(org_ids: Iterable[int]) -> str:
    return hashlib.sha256(",".join(str(pk) for pk in sorted(org_ids)).encode()).hexdigest()


def view_for(*, user: User | None, channel: str = "", category=None, unit=None, unsent: bool = False,
             org=None, hot_topic=None) -> RollupView | None:
    """The cells for a reader and filters, or None when the cells cannot answer (an org subtree, a hot topic,
    a subcategory, a system-only administrator)."""
    if not enabled() or org is not None or hot_topic is not None:
        return None
    if category is not None and category.parent_id is not None:
        return None
    unit_key = 0 if unsent else (unit.pk if unit is not None else None)
    category_key = category.pk if category is not None else None
    if user is None or user.is_superuser:
        return RollupView(ALL, "", channel, category_key, unit_key)
    if getattr(user, "is_system_only", False) or user.org_id is None:
        return None
    root = user_scope_root(user=user)
    ids = list(org_subtree(org=root).values_list("pk", flat=True))
    return RollupView(root.pk, fingerprint(ids), channel, category_key, unit_key)


# --- periods ---------------------------------------------------------------------------------------------


def period_of(kind: str, day: date) -> tuple[date, date]:
    """The calendar month, quarter or year containing `day`."""
    if kind == RollupCell.Kind.YEAR:
        return date(day.year, 1, 1), date(day.year, 12, 31)
    first_month = day.month if kind == RollupCell.Kind.MONTH else (day.month - 1) // 3 * 3 + 1
    start = date(day.year, first_month, 1)
    months = 1 if kind == RollupCell.Kind.MONTH else 3
    following = date(start.year + (first_month + months - 1) // 12, (first_month + months - 1) % 12 + 1, 1)
    return start, following - timedelta(days=1)


def period_kind(start: date, end: date) -> str | None:
    for kind in RollupCell.Kind.values:
        if period_of(kind, start) == (start, end):
            return kind
    return None


def periods_between(first: date, last: date, through: date) -> list[tuple[str, date, date]]:
    """Every stored period (ending by `through`) that overlaps [first, last]."""
    periods = []
    for kind in RollupCell.Kind.values:
        start, end = period_of(kind, first)
        while start <= last and end <= through:
            periods.append((kind, start, end))
            start, end = period_of(kind, end + timedelta(days=1))
    return periods


def closed_query(start: date, end: date) -> StatsQuery:
    # A closed period's figures depend only on the data: any day after its end gives the same (steps undone by
    # then settled on their due date, overdue as of the period's end).
    return StatsQuery(start=start, end=end, petitions=Petition.objects.all(), today=end + timedelta(days=1))


# --- the aggregates of one period ----------------------------------------------------------------------


def _heavy_measures() -> dict[Source, dict[str, Measure]]:
    measures: dict[Source, dict[str, Measure]] = {source: {} for source in HEAVY}
    for indicator in INDICATORS:
        for key, measure in indicator.measures().items():
            if measure.source in measures:
                measures[measure.source][key] = measure
    return measures


HEAVY_MEASURES = _heavy_measures()


def present_key(source: Source) -> str:
    """The count of petitions with a row of the source in the period: a group exists live iff it is not 0."""
    return f"__present_{source.name}"


def _aggregates(source: Source, q: StatsQuery, *, within: bool) -> dict[str, Any]:
    condition = source.where(q) if within else None
    aggregates: dict[str, Any] = {}
    for key, measure in HEAVY_MEASURES[source].items():
        aggregates.update(measure.aggregates(key, q, within=condition))
    aggregates[present_key(source)] = Count(source.petition_path or "pk", distinct=True, filter=condition)
    return aggregates


def _category_top(source: Source) -> Any:
    return Coalesce(source.petition_field("category__parent_id"), source.petition_field("category_id"))


# --- nodes ---------------------------------------------------------------------------------------------


def _node_roots() -> set[int]:
    """The orgs at the top of some active user's scope (the readers whose cells are kept)."""
    roots = set()
    users = User.objects.filter(is_active=True, is_superuser=False, org__isnull=False).select_related("org")
    for org_id, kind, parent_id in users.values_list("org_id", "org__kind", "org__parent_id").distinct():
        roots.add(parent_id if kind == Org.Kind.PETITION_OFFICE and parent_id is not None else org_id)
    return roots


def _build_nodes() -> list[tuple[int, frozenset[int]]]:
    RollupNode.objects.all().delete()
    nodes = []
    for root in sorted(_node_roots()):
        ids = list(org_subtree(org=Org.objects.get(pk=root)).values_list("pk", flat=True))
        RollupNode.objects.create(node=root, org_ids=ids, fingerprint=fingerprint(ids))
        nodes.append((root, frozenset(ids)))
    return nodes


def _nodes() -> list[tuple[int, frozenset[int]]]:
    return [(node.node, frozenset(node.org_ids)) for node in RollupNode.objects.all()]


class _Membership:
    """The nodes a petition counts for, from its scope columns (memoized: few distinct combinations)."""

    def __init__(self, nodes: list[tuple[int, frozenset[int]]]):
        self.nodes = nodes
        self.memo: dict[tuple, tuple[int, ...]] = {}

    def __call__(self, orgs: tuple) -> tuple[int, ...]:
        found = self.memo.get(orgs)
        if found is None:
            found = (ALL,) + tuple(node for node, ids in self.nodes if any(pk in ids for pk in orgs if pk))
            self.memo[orgs] = found
        return found


CellKey = tuple[int, str, date, str, str, int, int]  # node, kind, start, key, channel, category, unit


def _add(cells: dict[CellKey, int], membership: _Membership, dims: tuple, orgs: tuple, kind: str, start: date,
         values: dict[str, Any]) -> None:
    channel, category, unit = dims
    nodes = membership(orgs)
    for key, value in values.items():
        if value:
            for node in nodes:
                cells[(node, kind, start, key, channel or "", category or 0, unit or 0)] += value


# --- contributions ---------------------------------------------------------------------------------------


def _spans(ids: list[int], through: date) -> dict[int, tuple[date, date]]:
    """For each petition, the days its rows may count on: receipt to the last date of its clocks and
    ratings, or to `through` while a step is still running (it may be overdue in every month after)."""
    spans: dict[int, list[date]] = {}
    for pk, received_at in Petition.objects.filter(pk__in=ids).values_list("pk", "received_at"):
        day = timezone.localtime(received_at).date()
        spans[pk] = [day, day]
    clocks = (Clock.objects.filter(petition_id__in=ids).values("petition_id").order_by()
              .annotate(first=Min("started_on"), stopped=Max("stopped_on"), due=Max("statutory_due"),
                        running=Count("pk", filter=Q(stopped_on__isnull=True))))
    for row in clocks:
        span = spans.get(row["petition_id"])
        if span is None:
            continue
        last = through if row["running"] else max(day for day in (row["stopped"], row["due"]) if day)
        span[0], span[1] = min(span[0], row["first"]), max(span[1], last)
    ratings = (Evaluation.objects.filter(petition_id__in=ids).values("petition_id").order_by()
               .annotate(first=Min("rated_on"), last=Max("rated_on")))
    for row in ratings:
        span = spans.get(row["petition_id"])
        if span is not None:
            span[0], span[1] = min(span[0], row["first"]), max(span[1], row["last"])
    return {pk: (first, last) for pk, (first, last) in spans.items()}


def _profiles(ids: list[int]) -> dict[int, tuple[tuple, tuple]]:
    rows = (Petition.objects.filter(pk__in=ids).annotate(top=_category_top(PETITIONS))
            .values_list("pk", "channel", "top", "handling_org_id", *SCOPE_COLUMNS))
    return {row[0]: ((row[1], row[2], row[3]), tuple(row[4:])) for row in rows}


def contributions(petition_ids: Iterable[int], *, through: date, nodes=None) -> dict[CellKey, int]:
    """The cells' share of these petitions as they are now: the grouped queries, grouped by petition."""
    membership = _Membership(nodes if nodes is not None else _nodes())
    cells: dict[CellKey, int] = defaultdict(int)
    ids = sorted(set(petition_ids))
    for offset in range(0, len(ids), BATCH):
        batch = ids[offset:offset + BATCH]
        profiles = _profiles(batch)
        spans = _spans(list(profiles), through)
        periods = sorted({period for first, last in spans.values() for period in periods_between(first, last, through)})
        for source in HEAVY:
            per_query = max(1, MAX_AGGREGATES // (2 * len(HEAVY_MEASURES[source]) + 1))  # a minus each, at most
            for chunk_start in range(0, len(periods), per_query):
                chunk = periods[chunk_start:chunk_start + per_query]
                _contribution_rows(source, list(profiles), chunk, profiles, membership, cells)
    return cells


def _contribution_rows(source: Source, ids: list[int], chunk, profiles, membership, cells) -> None:
    aggregates = {}
    for index, (_kind, start, end) in enumerate(chunk):
        for key, aggregate in _aggregates(source, closed_query(start, end), within=True).items():
            aggregates[f"p{index}_{key}"] = aggregate
    path = source.petition_path or "pk"
    rows = source.model.objects.filter(**{f"{path}__in": ids}).values(path).order_by().annotate(**aggregates)
    for row in rows:
        pk = row.pop(path)
        dims, orgs = profiles[pk]
        by_period: dict[int, dict[str, Any]] = defaultdict(dict)
        for name, value in row.items():
            index, key = name[1:].split("_", 1)
            by_period[int(index)][key] = value
        for index, values in by_period.items():
            kind, start, _end = chunk[index]
            _add(cells, membership, dims, orgs, kind, start, values)


def period_cells(kind: str, start: date, end: date, nodes, cells: dict[CellKey, int]) -> None:
    """Every petition's share of one period, by the live grouped queries grouped by the petition's profile."""
    membership = _Membership(nodes)
    q = closed_query(start, end)
    for source in HEAVY:
        group = {"g_channel": F(source.petition_field("channel")), "g_category": _category_top(source)}
        group.update({f"g_{column}": F(source.petition_field(column)) for column in SCOPE_COLUMNS})
        rows = source.rows(q).annotate(**group).values(*group).order_by().annotate(**_aggregates(source, q,
                                                                                               within=False))
        for row in rows:
            dims = (row.pop("g_channel"), row.pop("g_category"), row["g_handling_org_id"])
            orgs = tuple(row.pop(f"g_{column}") for column in SCOPE_COLUMNS)
            _add(cells, membership, dims, orgs, kind, start, row)


# --- writing the cells ---------------------------------------------------------------------------------


def _lock() -> None:
    # Maintenance takes a contribution out and puts one back: on PostgreSQL two transactions must not
    # interleave those steps (SQLite already runs one writer at a time).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {RollupDirty._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")


def _apply(cells: dict[CellKey, int], sign: int) -> None:
    table = RollupCell._meta.db_table
    columns = "node, kind, start, key, channel, category, unit, value"
    sql = (f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
           f"ON CONFLICT (node, kind, start, key, channel, category, unit) "
           f"DO UPDATE SET value = {table}.value + excluded.value")
    rows = [(node, kind, start.isoformat(), key, channel, category, unit, sign * value)
            for (node, kind, start, key, channel, category, unit), value in cells.items() if value]
    with connection.cursor() as cursor:
        for offset in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[offset:offset + 5000])


def _through() -> date | None:
    """The day through which periods are stored, or None when the rollup is not built (read on the primary)."""
    return RollupState.objects.using(DEFAULT_DB_ALIAS).filter(built=True).values_list("through", flat=True).first()


def touch(petition_ids: Iterable[int | None]) -> None:
    """Before a write: take these petitions' current contributions out of the cells (and their first
    petitions': a repeat decides its first petition's 化解), and mark them dirty until `settle`."""
    ids = {pk for pk in petition_ids if pk}
    if not ids or not enabled():
        return
    through = _through()
    if through is None:
        return
    with transaction.atomic():
        _lock()
        ids |= set(Petition.objects.filter(pk__in=ids, first_petition__isnull=False)
                   .values_list("first_petition_id", flat=True))
        clean = ids - set(RollupDirty.objects.filter(petition_id__in=ids).values_list("petition_id", flat=True))
        if clean:
            _apply(contributions(clean, through=through), -1)
            RollupDirty.objects.bulk_create([RollupDirty(petition_id=pk) for pk in clean])


def touch_petitions(petitions: Iterable[Petition]) -> None:
    """`touch` for petitions about to be written in bulk: their ids (new ones count nothing yet) and the first
    petitions they point at."""
    touch(pk for petition in petitions for pk in (petition.pk, petition.first_petition_id))


def mark_new(petition_id: int) -> None:
    """A petition just created: nothing of it is in the cells; its contribution is added at `settle`."""
    if enabled() and _through() is not None:
        RollupDirty.objects.get_or_create(petition_id=petition_id)


def invalidate() -> None:
    """Writes the rollup does not follow (bulk seeding): read live until the next rebuild."""
    if enabled():
        RollupState.objects.filter(built=True).update(built=False)


def settle() -> int:
    """Add the dirty petitions' contributions back from their current state; the number settled."""
    if not enabled():
        return 0
    through = _through()
    if through is None:
        return 0
    settled = 0
    with transaction.atomic():
        _lock()
        ids = list(RollupDirty.objects.values_list("petition_id", flat=True))
        if ids:
            nodes = _nodes()
            for offset in range(0, len(ids), BATCH):
                batch = ids[offset:offset + BATCH]
                _apply(contributions(batch, through=through, nodes=nodes), +1)
                RollupDirty.objects.filter(petition_id__in=batch).delete()
                settled += len(batch)
    return settled


# --- building and checking -----------------------------------------------------------------------------


def _first_day() -> date | None:
    days = [timezone.localtime(value).date() if hasattr(value, "tzinfo") else value for value in (
        Petition.objects.aggregate(day=Min("received_at"))["day"],
        Clock.objects.aggregate(day=Min("started_on"))["day"],
        Evaluation.objects.aggregate(day=Min("rated_on"))["day"]) if value is not None]
    return min(days) if days else None


def live_cells(*, through: date, nodes) -> dict[CellKey, int]:
    """Every cell, computed from the live grouped queries, period by period."""
    cells: dict[CellKey, int] = defaultdict(int)
    first = _first_day()
    if first is not None:
        for kind, start, end in periods_between(first, through, through):
            period_cells(kind, start, end, nodes, cells)
    return cells


def rebuild(*, today: date | None = None) -> int:
    """Recompute every cell from the live queries (seeding, bulk imports, `xinfang stats rollup`); the number of
    cells. Periods are stored through yesterday."""
    through = (today or timezone.localdate()) - timedelta(days=1)
    with transaction.atomic():
        _lock()
        RollupCell.objects.all().delete()
        RollupDirty.objects.all().delete()
        nodes = _build_nodes()
        cells = live_cells(through=through, nodes=nodes)
        _apply(cells, +1)
        RollupState.objects.all().delete()
        RollupState.objects.create(built=True, through=through, built_at=timezone.now())
    return sum(1 for value in cells.values() if value)


@dataclass(frozen=True)
class Difference:
    cell: CellKey
    stored: int
    live: int


def verify(*, repair: bool = False) -> list[Difference]:
    """Compare every stored cell with the live computation; with `repair`, rewrite the cells that differ."""
    settle()
    through = _through()
    if through is None:
        return []
    with transaction.atomic():
        _lock()
        nodes = _nodes()
        live = live_cells(through=through, nodes=nodes)
        stored = {(c.node, c.kind, c.start, c.key, c.channel, c.category, c.unit): c.value
                  for c in RollupCell.objects.exclude(value=0).iterator(chunk_size=10_000)}
        differences = [Difference(cell, stored.get(cell, 0), live.get(cell, 0))
                       for cell in sorted(set(stored) | {cell for cell, value in live.items() if value},
                                          key=lambda cell: (cell[0], cell[1], cell[2], cell[3:]))
                       if stored.get(cell, 0) != live.get(cell, 0)]
        if repair and differences:
            _apply({d.cell: d.live - d.stored for d in differences}, +1)
    return differences


# --- reading ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reader:
    view: RollupView
    kind: str
    start: date

    def rows(self, source: Source, aggregates: Iterable[str], *, by: str | None) -> dict[Any, dict[str, int]]:
        """The source's aggregates as compute's grouped query would give them: {group: {key: value}}."""
        keys = list(aggregates)
        present = present_key(source)
        # From the primary, where `reader` has just settled: a replica's cells may still miss the contributions
        # of petitions dirty at its (older) moment, so they would not equal any state of the data.
        cells = RollupCell.objects.using(DEFAULT_DB_ALIAS).filter(node=self.view.node, kind=self.kind,
                                                                  start=self.start, key__in=keys + [present])
        if self.view.channel:
            cells = cells.filter(channel=self.view.channel)
        if self.view.category is not None:
            cells = cells.filter(category=self.view.category)
        if self.view.unit is not None:
            cells = cells.filter(unit=self.view.unit)
        column = {None: None, "channel": "channel", "category": "category", "unit": "unit"}[by]
        fields = ("key",) if column is None else ("key", column)
        groups: dict[Any, dict[str, int]] = defaultdict(dict)
        for row in cells.values(*fields).order_by().annotate(total=Sum("value")):
            group = None if column is None else row[column]
            if column in ("category", "unit") and group == 0:
                group = None
            groups[group][row["key"]] = row["total"]
        result = {group: {key: values.get(key, 0) for key in keys} for group, values in groups.items()
                  if values.get(present, 0) > 0}
        if by is None:
            result.setdefault(None, {key: 0 for key in keys})
        return result


def reader(q: StatsQuery, *, by: str | None, indicators: Iterable[Indicator]) -> Reader | None:
    """The cells that answer (q, by) exactly, or None: then everything is computed live."""
    view = q.view
    if view is None or by not in READABLE_BY or q.hidden or not enabled():
        return None
    kind = period_kind(q.start, q.end)
    if kind is None or q.end >= q.today:
        return None
    if any(INDICATORS_BY_KEY.get(indicator.key) is not indicator for indicator in indicators):
        return None
    through = _through()
    if through is None or q.end > through:
        return None
    if view.node != ALL:
        stored = (RollupNode.objects.using(DEFAULT_DB_ALIAS).filter(node=view.node)
                  .values_list("fingerprint", flat=True).first())
        if stored != view.fingerprint:
            return None
    settle()
    return Reader(view, kind, q.start)


def touch_update(petitions, changes: dict[str, Any]) -> None:
    """`touch` before a Petition QuerySet.update: the petitions updated, and a new first petition they get."""
    if enabled() and _through() is not None:
        touch([*petitions.values_list("pk", flat=True), changes.get("first_petition_id"),
               getattr(changes.get("first_petition"), "pk", changes.get("first_petition"))])


def is_built() -> bool:
    return _through() is not None


def advance(*, today: date | None = None) -> int:
    """Store the periods that closed since the rollup was built or last advanced (run hourly by the worker:
    stats.tasks); the number of periods added."""
    through = _through()
    new_through = (today or timezone.localdate()) - timedelta(days=1)
    if through is None or new_through <= through:
        return 0
    with transaction.atomic():
        _lock()
        # Settled first: the new periods are computed from the data as it is, dirty petitions included, and a
        # later settle would add those petitions' share of the new periods a second time.
        settle()
        first = _first_day()
        periods = [period for period in periods_between(first, new_through, new_through) if period[2] > through] \
            if first is not None else []
        nodes = _nodes()
        cells: dict[CellKey, int] = defaultdict(int)
        for kind, start, end in periods:
            period_cells(kind, start, end, nodes, cells)
        _apply(cells, +1)
        RollupState.objects.filter(built=True).update(through=new_through)
    return len(periods)
