"""The referrals ledgers' indicators, joined to the prevention section (prevention.indicators.SECTION).

访调对接 count and 涉及金额 by 移交日期; 调解成功 and its 到位金额 by 结果日期; the rate's denominator is the matters
referred in the period and its numerator those of them mediated by the period's end. 导入诉讼: 批次 (one row a
batch), 件数 (the sum of the batches' cases) and 万元, all by 导入日期. Keys are fixed (the reports' sentence).
"""

from collections.abc import Callable

from django.db.models import Q

from xinfang.prevention.referrals import Referral
from xinfang.prevention.selectors_referrals import litigations_visible_to, referrals_visible_to
from xinfang.stats.ledgers import Breakdown, Column, Ledger, LedgerIndicator, LedgerMeasure, LedgerQuery

Outcome = Referral.Outcome

REFERRALS = Ledger("referrals", "访调对接", referrals_visible_to, ("responsible_org_id",),
                   {"unit": "responsible_org_id", "path": "path"}, "prevention:referral-detail",
                   related=("responsible_org",), columns=(
                       Column("事项", lambda r: r.summary), Column("移交日期", lambda r: r.referred_on),
                       Column("对接渠道", lambda r: f"{r.get_path_display()}（{r.receiving_body}）"),
                       Column("责任单位", lambda r: r.responsible_org.name),
                       Column("结果", lambda r: f"{r.get_outcome_display()} · 涉及{r.amount_involved}万元"
                                                f" · 到位{r.amount_recovered}万元")))
LITIGATIONS = Ledger("litigations", "导入诉讼批次", litigations_visible_to, ("responsible_org_id",),
                     {"unit": "responsible_org_id"}, "prevention:litigation-detail", related=("responsible_org",),
                     columns=(
                         Column("批次", lambda r: r.title), Column("导入日期", lambda r: r.guided_on),
                         Column("受理法院", lambda r: r.court), Column("责任单位", lambda r: r.responsible_org.name),
                         Column("件数", lambda r: r.case_count), Column("金额（万元）", lambda r: r.amount)))
LEDGERS: tuple[Ledger, ...] = (REFERRALS, LITIGATIONS)

PERIOD_RULES: dict[str, str] = {
    "referral_referred": "按移交日期计入",
    "referral_mediated": "按结果日期计入，仅计结果为调解成功的",
    "referral_referred_mediated": "分母为期间内移交的；分子为其中截至期末调解成功的",
    "litigation_guided": "按导入诉讼日期计入",
}
DIMENSION_LABELS: dict[str, str] = {"path": "对接渠道"}


def _between(name: str) -> Callable[[LedgerQuery], Q]:
    return lambda q: Q(**{f"{name}__range": (q.start, q.end)})


def _mediated(q: LedgerQuery) -> Q:
    return _between("outcome_on")(q) & Q(outcome=Outcome.MEDIATED)


def _referred_and_mediated(q: LedgerQuery) -> Q:
    return _between("referred_on")(q) & Q(outcome=Outcome.MEDIATED, outcome_on__lte=q.end)


referred = LedgerMeasure(REFERRALS, _between("referred_on"))
guided = _between("guided_on")
INDICATORS: tuple[LedgerIndicator, ...] = (
    LedgerIndicator("referral_count", "访调对接件数", "期间内移交人民调解、法院诉前调解、行政调解或仲裁的事项件数",
                    "referral_referred", "count", referred),
    LedgerIndicator("referral_mediated", "调解成功件数", "期间内有结果且结果为调解成功的访调对接件数", "referral_mediated",
                    "count", LedgerMeasure(REFERRALS, _mediated)),
    LedgerIndicator("referral_mediation_rate", "调解成功率", "期间内移交的事项中截至期末调解成功的 ÷ 期间内移交的事项",
                    "referral_referred_mediated", "rate", LedgerMeasure(REFERRALS, _referred_and_mediated), referred,
                    unit_zh="%"),
    LedgerIndicator("referral_amount", "访调对接涉及金额（万元）", "期间内移交的事项涉及金额之和（万元，精确到分）",
                    "referral_referred", "amount",
                    LedgerMeasure(REFERRALS, _between("referred_on"), sum_field="amount_involved"), unit_zh="万元"),
    LedgerIndicator("referral_recovered", "调解到位金额（万元）", "期间内调解成功的事项兑现、追回金额之和（万元）",
                    "referral_mediated", "amount", LedgerMeasure(REFERRALS, _mediated, sum_field="amount_recovered"),
                    unit_zh="万元"),
    LedgerIndicator("litigation_count", "导入诉讼件数", "期间内引导进入诉讼程序的事项件数（各批次件数之和）",
                    "litigation_guided", "sum", LedgerMeasure(LITIGATIONS, guided, sum_field="case_count")),
    LedgerIndicator("litigation_batches", "导入诉讼批次", "期间内导入诉讼的批次数", "litigation_guided", "count",
                    LedgerMeasure(LITIGATIONS, guided), unit_zh="批"),
    LedgerIndicator("litigation_amount", "导入诉讼涉及金额（万元）", "期间内导入诉讼的批次涉及金额之和（万元）",
                    "litigation_guided", "amount", LedgerMeasure(LITIGATIONS, guided, sum_field="amount"),
                    unit_zh="万元"),
)

_REFERRAL_KEYS = ("referral_count", "referral_mediated", "referral_mediation_rate", "referral_amount",
                  "referral_recovered")
BREAKDOWNS: tuple[Breakdown, ...] = (
    Breakdown("path", "访调对接按对接渠道", _REFERRAL_KEYS),
    Breakdown("unit", "访调对接和导入诉讼按责任单位",
              _REFERRAL_KEYS + ("litigation_count", "litigation_batches", "litigation_amount")),
)


def group_labels(dimension: str, keys: list) -> dict | None:
    """Names of a breakdown's groups for this module's own dimensions; None for a dimension it does not know."""
    if dimension == "path":
        return dict(Referral.Path.choices)
    return None
