"""The prevention ledgers' indicators (排查次数, 纠纷件数 … 应评未评件数), declared once, drillable to records.

Declared with the ledger engine (stats.ledgers) and registered as the section "prevention" (apps.ready): the
dashboard, `xinfang stats` and the drill-down read it from there. Each indicator is a numerator (and for a rate a denominator)
built from one `Q` over one ledger's rows; the figure is a conditional aggregate of every indicator of that
ledger in one grouped query, and the drill-down is the same rows filtered by the same `Q` — so the list's
count equals the figure by construction (tests/prevention/test_indicators.py checks it on every key).
Rows are the reader's (prevention.selectors *_visible_to), within an org's subtree (a township with its
villages), for an inclusive period. A rate with a zero denominator has no value ("—").
"""

from collections.abc import Callable

from django.db.models import Exists, Min, OuterRef, Q
from django.template.loader import render_to_string

from xinfang.orgs.models import Org
from xinfang.prevention import indicators_backlog, indicators_referrals
from xinfang.prevention.assessments import StabilityAssessment
from xinfang.prevention.disputes import Dispute, RiskLevel
from xinfang.prevention.lists import AssessmentKind, DisputeField
from xinfang.prevention.permissions import can_read
from xinfang.prevention.selectors import (
    assessments_visible_to,
    campaigns_visible_to,
    decisions_visible_to,
    disputes_visible_to,
    overdue_q,
)
from xinfang.stats.ledgers import (
    Breakdown,
    Column,
    Ledger,
    LedgerIndicator,
    LedgerMeasure,
    LedgerQuery,
    LedgerSection,
)


def _dispute_state(dispute) -> str:
    status = render_to_string("prevention/_dispute_status.html", {"dispute": dispute}).strip()
    return f"{dispute.person_times}人次 · {dispute.amount}万元 · {status}"


DISPUTES = Ledger("disputes", "矛盾纠纷", disputes_visible_to, ("locality_id",),
                  {"field": "field_id", "unit": "responsible_org_id", "level": "risk_level"},
                  "prevention:dispute-detail", related=("locality",), columns=(
                      Column("事项", lambda r: r.summary), Column("发现日期", lambda r: r.found_on),
                      Column("属地", lambda r: r.locality.name), Column("情况", _dispute_state)))
CAMPAIGNS = Ledger("campaigns", "矛盾纠纷排查", campaigns_visible_to, ("organiser_id",),
                   {"kind": "kind_id", "unit": "organiser_id"}, "prevention:campaign-detail",
                   related=("organiser", "kind"), columns=(
                       Column("排查", lambda r: r.title), Column("开始日期", lambda r: r.started_on),
                       Column("组织单位", lambda r: r.organiser.name), Column("类别", lambda r: r.kind.name)))
ASSESSMENTS = Ledger("assessments", "社会稳定风险评估", assessments_visible_to, ("deciding_org_id",),
                     {"kind": "kind_id", "conclusion": "conclusion", "level": "risk_level", "unit": "deciding_org_id"},
                     "prevention:assessment-detail", related=("deciding_org",), columns=(
                         Column("事项", lambda r: r.title), Column("评估日期", lambda r: r.assessed_on),
                         Column("决策机关", lambda r: r.deciding_org.name),
                         Column("情况", lambda r: f"{r.get_conclusion_display()} · {r.get_filing_display()}")))
DECISIONS = Ledger("decisions", "重大决策事项", decisions_visible_to, ("deciding_org_id",),
                   {"kind": "kind_id", "unit": "deciding_org_id"}, "prevention:decision-detail")
DIMENSION_LABELS = {"field": "纠纷领域", "unit": "责任单位", "level": "风险等级", "kind": "类别", "conclusion": "评估结论"}


PERIOD_RULES = {
    "campaign_started": "按排查开始日期计入",
    "found": "按发现日期计入",
    "found_batches": "按发现日期计入；同一批次的纠纷计一个批次（计在其中最先登记的一件上），没有批次的一件计一个批次",
    "dispute_overdue": "截至期末（期末晚于今天的截至今天）已过化解期限仍未化解（化解中或待核实）的，不论发现日期",
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


def _batches(q: LedgerQuery) -> Q:
    """One row per 批次: every dispute without a batch, and of each batch its first recorded dispute among the
    reader's rows of the period (so the drill-down lists exactly the batches counted)."""
    found = _between("found_on")(q)
    firsts = (DISPUTES.rows(q).filter(found, batch__isnull=False).values("batch_id")
              .annotate(first=Min("pk")).values("first"))
    return found & (Q(batch__isnull=True) | Q(pk__in=firsts))


def _overdue(q: LedgerQuery) -> Q:
    # Not settled by the period's end: still open or awaiting verification, or settled (verified) only later.
    return Q(deadline__lt=q.as_of) & (overdue_q(q.as_of) | Q(status=Dispute.Status.SETTLED, settled_on__gt=q.as_of))


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
        LedgerIndicator("prevention_dispute_batches", "纠纷批次", "期间内发现的矛盾纠纷的批次数：同一集体事项（同一批次）"
                        "的纠纷计一批，没有批次的一件计一批", "found_batches", "count",
                        LedgerMeasure(DISPUTES, _batches), unit_zh="批"),
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
        LedgerIndicator("prevention_dispute_overdue", "超期未化解件数", "截至期末已过化解期限仍未化解的矛盾纠纷件数",
                        "dispute_overdue", "count", LedgerMeasure(DISPUTES, _overdue)),
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


def _group_labels(dimension: str, keys: list) -> dict:
    for module in (indicators_backlog, indicators_referrals):
        labels = module.group_labels(dimension, keys)
        if labels is not None:
            return labels
    if dimension == "field":
        return dict(DisputeField.objects.filter(pk__in=keys).values_list("pk", "name"))
    if dimension == "kind":
        return dict(AssessmentKind.objects.filter(pk__in=keys).values_list("pk", "name"))
    if dimension == "unit":
        return dict(Org.objects.filter(pk__in=keys).values_list("pk", "name"))
    if dimension == "level":
        return dict(RiskLevel.choices)
    return dict(StabilityAssessment.Conclusion.choices)


_DISPUTE_FIGURES = ("prevention_disputes", "prevention_dispute_batches", "prevention_dispute_person_times",
                    "prevention_dispute_amount", "prevention_disputes_settled", "prevention_dispute_resolution_rate",
                    "prevention_dispute_overdue")
# 积案/包案 and 访调对接 declare their ledgers in modules of their own (indicators_backlog, indicators_referrals).
SECTION = LedgerSection(
    key="prevention", title="矛盾预防",
    ledgers=(CAMPAIGNS, DISPUTES, ASSESSMENTS, DECISIONS) + indicators_backlog.LEDGERS + indicators_referrals.LEDGERS,
    indicators=INDICATORS + indicators_backlog.INDICATORS + indicators_referrals.INDICATORS,
    period_rules={**PERIOD_RULES, **indicators_backlog.PERIOD_RULES, **indicators_referrals.PERIOD_RULES},
    dimension_labels={**DIMENSION_LABELS, **indicators_backlog.DIMENSION_LABELS,
                      **indicators_referrals.DIMENSION_LABELS},
    can_read=can_read, group_labels=_group_labels,
    tabs_template="prevention/_tabs.html",
    breakdowns=(
        Breakdown("field", "矛盾纠纷按纠纷领域", _DISPUTE_FIGURES),
        Breakdown("unit", "矛盾纠纷按责任单位", _DISPUTE_FIGURES),
        Breakdown("level", "矛盾纠纷按风险等级", ("prevention_disputes", "prevention_dispute_amount",
                                           "prevention_disputes_settled", "prevention_dispute_resolution_rate")),
        Breakdown("kind", "社会稳定风险评估按类别", ("prevention_assessments", "prevention_assessments_approve",
                                              "prevention_assessments_defer", "prevention_assessments_reject",
                                              "prevention_filings")),
    ) + indicators_backlog.BREAKDOWNS + indicators_referrals.BREAKDOWNS)
