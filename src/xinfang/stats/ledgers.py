"""The ledgers' indicators: figures counted from records that are not petitions (纠纷, 风险评估, 积案, 接访 …).

Each bounded context that keeps a ledger (prevention, receptions, order, publicity) declares, once, its ledgers
(a model's rows as a reader may see them, how they roll up an org subtree, their breakdowns) and its indicators
(a numerator, and for a rate a denominator, each one `Q` over one ledger's rows, or the sum of one field), and
registers them as a `LedgerSection` (`register_section`, from the app's `ready()`). The statistics dashboard,
`xinfang stats` and the drill-down pages read every registered section the same way:

- a figure is a conditional aggregate of every indicator of a ledger in one (grouped) query;
- its drill-down is the same rows filtered by the same `Q`, so the list's count equals the figure by construction
  (each app's tests check it on every key);
- rows are the reader's (the section's own `*_visible_to`), within an org's subtree, for an inclusive period;
- a rate with a zero denominator has no value ("—").
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from xinfang.orgs.models import Org, User
from xinfang.orgs.selectors import org_subtree
from xinfang.stats.indicators import percent

CENT = Decimal("0.01")


@dataclass(frozen=True)
class LedgerQuery:
    """What is counted: an inclusive period, the reader (None: everything), an org subtree (None: the scope)."""

    start: date
    end: date
    user: User | None = None
    org: Org | None = None
    today: date | None = None

    @property
    def as_of(self) -> date:
        return self.end if self.today is None else min(self.end, self.today)


@dataclass(frozen=True)
class Column:
    """One column of a ledger's drill-down list: a heading and what a record shows under it."""

    label: str
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class Ledger:
    name: str
    label: str  # what its drill-down lists
    visible: Callable[..., QuerySet]  # visible(user=…): the rows a reader may see (None: all)
    org_fields: tuple[str, ...]  # the subtree roll-up: a record belongs to an org through these fields
    dimensions: dict[str, str]  # breakdown name → field
    detail_url: str  # URL name of a record's page (one argument: its pk)
    columns: tuple[Column, ...] = ()  # the drill-down's columns after the record's number
    related: tuple[str, ...] = ()  # select_related for the drill-down

    def rows(self, q: LedgerQuery) -> QuerySet:
        return in_org(self.visible(user=q.user), org=q.org, fields=self.org_fields)


def in_org(queryset: QuerySet, *, org: Org | None, fields: tuple[str, ...]) -> QuerySet:
    """Records of an org's subtree (a township with its villages): the roll-up."""
    if org is None:
        return queryset
    ids = list(org_subtree(org=org).values_list("pk", flat=True))
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__in": ids})
    return queryset.filter(condition)


@dataclass(frozen=True)
class LedgerMeasure:
    """A count of a ledger's rows meeting `condition`, or the sum of one of their fields (人次, 万元)."""

    ledger: Ledger
    condition: Callable[[LedgerQuery], Q]
    sum_field: str = ""

    def records(self, q: LedgerQuery) -> QuerySet:
        return self.ledger.rows(q).filter(self.condition(q))

    def aggregate(self, q: LedgerQuery, model) -> Any:
        if not self.sum_field:
            return Count("pk", filter=self.condition(q))
        # The field's path may cross a relation (reception__person_times): read its type at the end of it.
        target = model
        for part in self.sum_field.split("__")[:-1]:
            target = target._meta.get_field(part).related_model
        output = target._meta.get_field(self.sum_field.split("__")[-1])
        zero = Decimal("0.00") if output.get_internal_type() == "DecimalField" else 0
        return Coalesce(Sum(self.sum_field, filter=self.condition(q)), zero, output_field=output)


@dataclass(frozen=True)
class LedgerIndicator:
    key: str
    name_zh: str
    definition_zh: str
    period_rule: str  # a key of its section's period_rules
    kind: str  # "count", "sum" (人次), "amount" (万元, two decimals) or "rate"
    numerator: LedgerMeasure
    denominator: LedgerMeasure | None = None
    unit_zh: str = "件"

    def measure(self, part: str = "numerator") -> LedgerMeasure:
        return self.denominator if part == "denominator" and self.denominator is not None else self.numerator

    def records(self, q: LedgerQuery, part: str = "numerator") -> QuerySet:
        """The records behind the figure (the drill-down); for a sum, the records whose field is summed."""
        return self.measure(part).records(q)


@dataclass(frozen=True)
class LedgerFigure:
    key: str
    kind: str
    value: int | Decimal | None
    numerator: int | Decimal
    denominator: int | None = None

    @property
    def display(self) -> str:
        if self.kind == "rate":
            return "—" if self.value is None else f"{self.value}%"
        if self.kind == "amount":
            return f"{self.value:.2f}"
        return f"{self.value}"


@dataclass(frozen=True)
class Breakdown:
    """A table of the section's figures page: the indicators broken down by one dimension."""

    dimension: str
    title: str
    keys: tuple[str, ...]


@dataclass(frozen=True)
class LedgerSection:
    """One app's ledgers and indicators, as the dashboard, the command line and the drill-down read them."""

    key: str  # "prevention", "receptions" …
    title: str  # 矛盾预防
    ledgers: tuple[Ledger, ...]
    indicators: tuple[LedgerIndicator, ...]
    period_rules: dict[str, str]  # rule key → how a record counts in a period (shown with each figure)
    can_read: Callable[[User], bool]  # who may see the section's figures at all (rows still follow `visible`)
    dimension_labels: dict[str, str] = field(default_factory=dict)  # dimension → its Chinese name
    group_labels: Callable[[str, list], dict] = lambda dimension, keys: {}  # a breakdown's group keys → names
    breakdowns: tuple[Breakdown, ...] = ()
    tabs_template: str = ""  # the section's own tab bar, shown above its figures page ("" for none)

    def indicator(self, key: str) -> LedgerIndicator | None:
        return next((indicator for indicator in self.indicators if indicator.key == key), None)


_SECTIONS: dict[str, LedgerSection] = {}


def register_section(section: LedgerSection) -> None:
    """Called from an app's ready(); registering the same key again replaces it (a reloaded module)."""
    keys = {indicator.key for other in _SECTIONS.values() if other.key != section.key for indicator in other.indicators}
    clash = keys & {indicator.key for indicator in section.indicators}
    if clash:
        raise ValueError(f"indicator keys already registered by another section: {sorted(clash)}")
    _SECTIONS[section.key] = section


def sections() -> tuple[LedgerSection, ...]:
    return tuple(_SECTIONS.values())


def section_for(key: str) -> LedgerSection | None:
    return _SECTIONS.get(key)


def section_of_indicator(key: str) -> tuple[LedgerSection, LedgerIndicator] | None:
    for section in _SECTIONS.values():
        indicator = section.indicator(key)
        if indicator is not None:
            return section, indicator
    return None


def compute(q: LedgerQuery, indicators: Iterable[LedgerIndicator], *,
            by: str | None = None) -> dict[Any, dict[str, LedgerFigure]]:
    """{group: {key: figure}} (group None: the total); one grouped query per ledger.

    Under a breakdown only the indicators whose ledger has that dimension are given.
    """
    indicators = tuple(indicators)
    ledgers: list[Ledger] = []
    for indicator in indicators:
        for measure in (indicator.numerator, indicator.denominator):
            if measure is not None and measure.ledger not in ledgers:
                ledgers.append(measure.ledger)
    rows: dict[Any, dict[str, Any]] = {}
    wanted: list[LedgerIndicator] = []
    for ledger in ledgers:
        queryset = ledger.rows(q)
        aggregates: dict[str, Any] = {}
        for indicator in indicators:
            if by is not None and by not in indicator.numerator.ledger.dimensions:
                continue
            for part, measure in (("num", indicator.numerator), ("den", indicator.denominator)):
                if measure is not None and measure.ledger is ledger:
                    aggregates[f"{indicator.key}__{part}"] = measure.aggregate(q, queryset.model)
                    if indicator not in wanted:
                        wanted.append(indicator)
        if not aggregates:
            continue
        if by is None:
            rows.setdefault(None, {}).update(queryset.aggregate(**aggregates))
            continue
        name = ledger.dimensions[by]
        for row in queryset.values(name).order_by().annotate(**aggregates):
            rows.setdefault(row.pop(name), {}).update(row)
    if by is None:
        rows.setdefault(None, {})
    return {group: _figures(wanted, row) for group, row in rows.items()}


def _figures(indicators: Iterable[LedgerIndicator], row: dict[str, Any]) -> dict[str, LedgerFigure]:
    figures = {}
    for indicator in indicators:
        numerator = row.get(f"{indicator.key}__num") or 0
        if indicator.kind == "rate":
            denominator = row.get(f"{indicator.key}__den") or 0
            figures[indicator.key] = LedgerFigure(indicator.key, "rate", percent(numerator, denominator), numerator,
                                                  denominator)
        elif indicator.kind == "amount":  # SQLite's SUM drops the scale (36.5): 万元 keep two decimals
            amount = Decimal(numerator).quantize(CENT)
            figures[indicator.key] = LedgerFigure(indicator.key, "amount", amount, amount)
        else:
            figures[indicator.key] = LedgerFigure(indicator.key, indicator.kind, numerator, numerator)
    return figures


def compute_totals(q: LedgerQuery, indicators: Iterable[LedgerIndicator]) -> dict[str, LedgerFigure]:
    return compute(q, indicators)[None]


def empty_figure(indicator: LedgerIndicator) -> LedgerFigure:
    return LedgerFigure(indicator.key, indicator.kind, None if indicator.kind == "rate" else 0, 0, 0)


@dataclass(frozen=True)
class SectionFigures:
    section: LedgerSection
    figures: dict[str, LedgerFigure]

    def items(self) -> list[tuple[LedgerIndicator, LedgerFigure]]:
        return [(indicator, self.figures[indicator.key]) for indicator in self.section.indicators]


def sections_readable(user: User | None) -> tuple[LedgerSection, ...]:
    """The sections a reader may see (None: the command line's administrator, all of them)."""
    return tuple(section for section in sections() if user is None or section.can_read(user))


def sections_totals(q: LedgerQuery) -> list[SectionFigures]:
    """Every readable section's figures for the query: what the dashboard and `xinfang stats` show."""
    return [SectionFigures(section, compute_totals(q, section.indicators)) for section in sections_readable(q.user)]


def figure_as_json(indicator: LedgerIndicator, figure: LedgerFigure) -> dict[str, Any]:
    return {"name": indicator.name_zh, "unit": indicator.unit_zh,
            "value": None if figure.value is None else str(figure.value), "numerator": str(figure.numerator),
            "denominator": figure.denominator}
