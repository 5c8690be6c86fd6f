"""The prevention ledgers' indicators (排查次数, 纠纷件数 … 应评未评件数), declared once, drillable to records.

As in the statistics registry (stats.indicators), each indicator is a numerator (and for a rate a denominator)
built from one `Q` over one ledger's rows; the figure is a conditional aggregate of every indicator of that
ledger in one grouped query, and the drill-down is the same rows filtered by the same `Q` — so the list's
count equals the figure by construction (tests/prevention/test_indicators.py checks it on every key).
Rows are the reader's (prevention.selectors *_visible_to), within an org's subtree (a township with its
villages), for an inclusive period. A rate with a zero denominator has no value ("—").
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from xinfang.orgs.models import Org, User
from xinfang.prevention.assessments import StabilityAssessment
from xinfang.prevention.disputes import Dispute
from xinfang.prevention.selectors import (
    assessments_visible_to,
    campaigns_visible_to,
    decisions_visible_to,
    disputes_visible_to,
    in_org,
)
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
class Ledger:
    name: str
    label: str  # what its drill-down lists
    visible: Callable[..., QuerySet]
    org_fields: tuple[str, ...]  # the subtree roll-up: a record belongs to an org through these fields
    dimensions: dict[str, str]  # breakdown name → field
    detail_url: str  # URL name of a record's page


DISPUTES = Ledger("disputes", "矛盾纠纷", disputes_visible_to, ("locality_id",),
                  {"field": "field_id", "unit": "responsible_org_id", "level": "risk_level"},
                  "prevention:dispute-detail")
CAMPAIGNS = Ledger("campaigns", "矛盾纠纷排查", campaigns_visible_to, ("organiser_id",),
                   {"kind": "kind_id", "unit": "organiser_id"}, "prevention:campaign-detail")
ASSESSMENTS = Ledger("assessments", "社会稳定风险评估", assessments_visible_to, ("deciding_org_id",),
                     {"kind": "kind_id", "conclusion": "conclusion", "level": "risk_level", "unit": "deciding_org_id"},
                     "prevention:assessment-detail")
DECISIONS = Ledger("decisions", "重大决策事项", decisions_visible_to, ("deciding_org_id",),
                   {"kind": "kind_id", "unit": "deciding_org_id"}, "prevention:decision-detail")
LEDGERS = (CAMPAIGNS, DISPUTES, ASSESSMENTS, DECISIONS)
DIMENSION_LABELS = {"field": "纠纷领域", "unit": "责任单位", "level": "风险等级", "kind": "类别", "conclusion": "评估结论"}


def ledger_rows(ledger: Ledger, q: LedgerQuery) -> QuerySet:
    return in_org(ledger.visible(user=q.user), org=q.org, fields=ledger.org_fields)


@dataclass(frozen=True)
class LedgerMeasure:
    """A count of a ledger's rows meeting `condition`, or the sum of one of their fields (人次, 万元)."""

    ledger: Ledger
    condition: Callable[[LedgerQuery], Q]
    sum_field: str = ""

    def records(self, q: LedgerQuery) -> QuerySet:
        return ledger_rows(self.ledger, q).filter(self.condition(q))

    def aggregate(self, key: str, q: LedgerQuery) -> Any:
        if self.sum_field:
            zero = Decimal("0.00") if self.sum_field == "amount" else 0
            return Coalesce(Sum(self.sum_field, filter=self.condition(q)), zero,
                            output_field=Dispute._meta.get_field(self.sum_field))
        return Count("pk", filter=self.condition(q))


@dataclass(frozen=True)
class LedgerIndicator:
    key: str
    name_zh: str
    definition_zh: str
    period_rule: str  # a key of PERIOD_RULES
    kind: str  # "count", "sum" (人次), "amount" (万元) or "rate"
    numerator: LedgerMeasure
    denominator: LedgerMeasure | None = None
    unit_zh: str = "件"
    group: str = "prevention"

    def measure(self, part: str = "numerator") -> LedgerMeasure:
        return self.denominator if part == "denominator" and self.denominator is not None else self.numerator

    def records(self, q: LedgerQuery, part: str = "numerator") -> QuerySet:
        """The records behind the figure (the drill-down); for a sum, the records whose field is summed."""
        return self.measure(part).records(q)


PERIOD_RULES = {
    "campaign_started": "按排查开始日期计入",
    "found": "按发现日期计入",
    "settled": "按化解日期计入，仅计信访部门审核员已核实为已化解的",
    "found_settled": "分母为期间内发现的纠纷；分子为其中截至期末已化解（审核员已核实）的",
    "assessed": "按评估日期计入",
    "filed": "按报备日期计入（未报备的不计）",
    "reviewed": "按备案审查日期计入",
    "decided": "按决策（拟决策）日期计入；截至期末应当评估而没有评估的为应评未评",
}


def _between(name: str) -> Callable[[LedgerQuery], Q]:
    return lambda q: Q(**{f"{name}__range": (q.start, q.end)})


def _settled_in_period(q: LedgerQuery) -> Q:
    return Q(status=Dispute.Status.SETTLED, settled_on__range=(q.start, q.end))


def _found_and_settled(q: LedgerQuery) -> Q:
    return _between("found_on")(q) & Q(status=Dispute.Status.SETTLED, settled_on__lte=q.end)


def _unassessed(q: LedgerQuery) -> Q:
    assessed = StabilityAssessment.objects.filter(decision=OuterRef("pk"), assessed_on__lte=q.as_of)
    return _between("decided_on")(q) & Q(requires_assessment=True) & ~Q(Exists(assessed))


def _build() -> tuple[LedgerIndicator, ...]:
    found = LedgerMeasure(DISPUTES, _between("found_on"))
    assessed = _between("assessed_on")
    items = [
        LedgerIndicator("prevention_campaigns", "排查次数", "期间内开始的矛盾纠纷排查（全县大排查、专项排查等）次数",
                        "campaign_started", "count", LedgerMeasure(CAMPAIGNS, _between("started_on")), unit_zh="次"),
        LedgerIndicator("prevention_disputes", "纠纷件数", "期间内发现（排查发现、网格员上报、热线反映等）并登记的矛盾纠纷件数",
                        "found", "count", found),
        LedgerIndicator("prevention_dispute_person_times", "纠纷人次", "期间内发现的矛盾纠纷涉及人次之和", "found", "sum",
                        LedgerMeasure(DISPUTES, _between("found_on"), sum_field="person_times"), unit_zh="人次"),
        LedgerIndicator("prevention_dispute_amount", "涉及金额（万元）", "期间内发现的矛盾纠纷涉及金额之和（万元，精确到分）",
                        "found", "amount", LedgerMeasure(DISPUTES, _between("found_on"), sum_field="amount"),
                        unit_zh="万元"),
        LedgerIndicator("prevention_disputes_settled", "化解件数", "期间内化解、经信访部门审核员核实的矛盾纠纷件数",
                        "settled", "count", LedgerMeasure(DISPUTES, _settled_in_period)),
        LedgerIndicator("prevention_dispute_resolution_rate", "化解率",
                        "期间内发现的矛盾纠纷中截至期末已化解（经核实）的 ÷ 期间内发现的矛盾纠纷", "found_settled", "rate",
                        LedgerMeasure(DISPUTES, _found_and_settled), found, unit_zh="%"),
        LedgerIndicator("prevention_assessments", "风险评估件数", "期间内完成的社会稳定风险评估件数", "assessed", "count",
                        LedgerMeasure(ASSESSMENTS, assessed)),
    ]
    for conclusion in StabilityAssessment.Conclusion:
        items.append(LedgerIndicator(
            f"prevention_assessments_{conclusion.value}", f"评估结论为{conclusion.label}件数",
            f"期间内评估结论为“{conclusion.label}”的社会稳定风险评估件数", "assessed", "count",
            LedgerMeasure(ASSESSMENTS, lambda q, value=conclusion.value: assessed(q) & Q(conclusion=value))))
    items += [
        LedgerIndicator("prevention_filings", "备案件数", "期间内向信访部门报备的社会稳定风险评估件数", "filed", "count",
                        LedgerMeasure(ASSESSMENTS, lambda q: _between("filed_on")(q)
                                      & ~Q(filing=StabilityAssessment.Filing.NOT_FILED))),
        LedgerIndicator("prevention_filings_passed", "备案通过件数", "期间内经信访部门审查、备案通过的社会稳定风险评估件数",
                        "reviewed", "count",
                        LedgerMeasure(ASSESSMENTS, lambda q: _between("reviewed_on")(q)
                                      & Q(filing=StabilityAssessment.Filing.PASSED))),
        LedgerIndicator("prevention_unassessed_decisions", "应评未评件数",
                        "期间内登记的应当进行社会稳定风险评估的重大决策事项中，截至期末没有评估的件数", "decided", "count",
                        LedgerMeasure(DECISIONS, _unassessed)),
    ]
    return tuple(items)


INDICATORS: tuple[LedgerIndicator, ...] = _build()
INDICATORS_BY_KEY = {indicator.key: indicator for indicator in INDICATORS}


@dataclass(frozen=True)
class LedgerFigure:
    key: str
    value: int | Decimal | None
    numerator: int | Decimal
    denominator: int | None = None

    @property
    def display(self) -> str:
        indicator = INDICATORS_BY_KEY[self.key]
        if indicator.kind == "rate":
            return "—" if self.value is None else f"{self.value}%"
        if indicator.kind == "amount":
            return f"{self.value:.2f}"
        return f"{self.value}"


def compute(q: LedgerQuery, *, by: str | None = None,
            indicators: Iterable[LedgerIndicator] = INDICATORS) -> dict[Any, dict[str, LedgerFigure]]:
    """{group: {key: figure}} (group None: the total); one grouped query per ledger.

    Under a breakdown only the indicators whose ledger has that dimension are given.
    """
    indicators = tuple(indicators)
    rows: dict[Any, dict[str, Any]] = {}
    wanted = []
    for ledger in LEDGERS:
        aggregates: dict[str, Any] = {}
        for indicator in indicators:
            if by is not None and by not in indicator.numerator.ledger.dimensions:
                continue
            for part, measure in (("num", indicator.numerator), ("den", indicator.denominator)):
                if measure is not None and measure.ledger is ledger:
                    aggregates[f"{indicator.key}__{part}"] = measure.aggregate(indicator.key, q)
                    if indicator not in wanted:
                        wanted.append(indicator)
        if not aggregates:
            continue
        queryset = ledger_rows(ledger, q)
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
            figures[indicator.key] = LedgerFigure(indicator.key, percent(numerator, denominator), numerator,
                                                  denominator)
        elif indicator.kind == "amount":  # SQLite's SUM drops the scale (36.5): 万元 keep two decimals
            amount = Decimal(numerator).quantize(CENT)
            figures[indicator.key] = LedgerFigure(indicator.key, amount, amount)
        else:
            figures[indicator.key] = LedgerFigure(indicator.key, numerator, numerator)
    return figures


def compute_totals(q: LedgerQuery, indicators: Iterable[LedgerIndicator] = INDICATORS) -> dict[str, LedgerFigure]:
    return compute(q, indicators=indicators)[None]
