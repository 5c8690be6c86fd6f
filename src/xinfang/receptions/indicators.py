"""The receptions ledger's indicators (接访场次, 批次, 人次, 件数, 办结件数, 办结率, 涉及资金), drillable to records.

Declared with the ledger engine (stats.ledgers) and registered as the section "receptions" (apps.ready): the
dashboard, `xinfang stats` and /stats/ledgers/receptions/ read it from there. Two ledgers: the receptions
(批次, 人次, 涉及资金 are sums of their fields) and the live links of their petitions (件数; 办结件数 the links
whose petition's procedure was finished as of the period's end — `finished_as_of`). Both follow
the reader's scope; the links also the petitions the reader may see (Art 30), so a hidden petition is not even
counted. A reception counts in the period of its 接访日期, its petitions with it.
"""

from collections.abc import Callable
from datetime import date

from django.db.models import Exists, OuterRef, Q

from xinfang.orgs.models import Org, User
from xinfang.receptions.models import ReceptionKind
from xinfang.receptions.permissions import can_read
from xinfang.receptions.selectors import reception_links_visible_to, receptions_visible_to
from xinfang.stats.ledgers import (
    Breakdown,
    Column,
    Ledger,
    LedgerIndicator,
    LedgerMeasure,
    LedgerQuery,
    LedgerSection,
)
from xinfang.workflow.models import Clock

RECEPTIONS = Ledger("receptions", "领导接访", receptions_visible_to, ("org_id",),
                    {"leader": "leader_id", "kind": "kind", "level": "level"}, "receptions:reception-detail",
                    related=("leader", "org"), columns=(
                        Column("接访日期", lambda r: r.received_on), Column("接访领导", lambda r: str(r.leader)),
                        Column("方式", lambda r: r.get_kind_display()),
                        Column("情况", lambda r: f"{r.batches}批次 · {r.person_times}人次 · {r.amount}万元")))
LINKS = Ledger("reception_petitions", "领导接访信访件", reception_links_visible_to, ("reception__org_id",),
               {"leader": "reception__leader_id", "kind": "reception__kind", "level": "reception__level"},
               "receptions:link-detail", related=("petition", "reception", "reception__leader"), columns=(
                   Column("接访", lambda r: r.reception.number), Column("接访日期", lambda r: r.reception.received_on),
                   Column("接访领导", lambda r: str(r.reception.leader)),
                   Column("办理状态", lambda r: r.petition.get_status_display())))
DIMENSION_LABELS = {"leader": "接访领导", "kind": "接访方式", "level": "层级"}
PERIOD_RULES = {
    "received": "按接访日期计入",
    "received_finished": "按接访日期计入；办结指关联信访件截至期末（期末晚于今天的，截至今天）已出具处理意见书或调解协议，"
                         "且当时没有正在办理的复查、复核",
}
# The clocks that mean "still pending" on a day: being handled, or a review / re-review under way.
PENDING_CLOCKS = (Clock.Kind.HANDLING, Clock.Kind.REVIEW_DECISION, Clock.Kind.RE_REVIEW_DECISION)


def _received(name: str) -> Callable[[LedgerQuery], Q]:
    return lambda q: Q(**{f"{name}__range": (q.start, q.end)})


def finished_as_of(day: date, petition: str = "petition_id") -> Q:
    """办结 on `day`, read from the petition's clocks as the statistics read 办结 (stats.indicators._completed):

    its handling clock stopped (处理意见书 or 调解协议) by that day, and no handling, review or re-review clock
    was running then. On today this is receptions.models.FINISHED_STATUSES; for a past period it is the state at
    the period's end, so that a period's 办结率 does not change as later cases finish. Voided clocks (started by
    a corrected action) count nowhere, as in the statistics.
    """
    clocks = Clock.objects.filter(petition=OuterRef(petition), voided=False)
    decided = clocks.filter(kind=Clock.Kind.HANDLING, stopped_on__lte=day)
    pending = clocks.filter(kind__in=PENDING_CLOCKS, started_on__lte=day).filter(
        Q(stopped_on__isnull=True) | Q(stopped_on__gt=day))
    return Q(Exists(decided)) & ~Q(Exists(pending))


def _finished(q: LedgerQuery) -> Q:
    return _received("reception__received_on")(q) & finished_as_of(q.as_of)


def _build() -> tuple[LedgerIndicator, ...]:
    held = _received("received_on")
    linked = LedgerMeasure(LINKS, _received("reception__received_on"))
    return (
        LedgerIndicator("receptions_held", "接访场次", "期间内领导接访、约访、下访的场次", "received", "count",
                        LedgerMeasure(RECEPTIONS, held), unit_zh="场次"),
        LedgerIndicator("receptions_batches", "接访批次", "期间内领导接访接待的来访批次之和", "received", "sum",
                        LedgerMeasure(RECEPTIONS, held, sum_field="batches"), unit_zh="批次"),
        LedgerIndicator("receptions_person_times", "接访人次", "期间内领导接访接待的来访人次之和", "received", "sum",
                        LedgerMeasure(RECEPTIONS, held, sum_field="person_times"), unit_zh="人次"),
        LedgerIndicator("receptions_petitions", "接访件数", "期间内领导接访登记或关联的信访事项件数", "received", "count",
                        linked),
        LedgerIndicator("receptions_petitions_finished", "办结件数", "期间内领导接访的信访事项中截至期末已办结的件数",
                        "received_finished", "count", LedgerMeasure(LINKS, _finished)),
        LedgerIndicator("receptions_finish_rate", "办结率", "期间内领导接访的信访事项中截至期末已办结的 ÷ 期间内领导接访的信访事项",
                        "received_finished", "rate", LedgerMeasure(LINKS, _finished), linked, unit_zh="%"),
        LedgerIndicator("receptions_amount", "涉及资金（万元）", "期间内领导接访涉及资金之和（万元，精确到分）", "received",
                        "amount", LedgerMeasure(RECEPTIONS, held, sum_field="amount"), unit_zh="万元"),
    )


INDICATORS: tuple[LedgerIndicator, ...] = _build()
ALL_KEYS = tuple(indicator.key for indicator in INDICATORS)


def _group_labels(dimension: str, keys: list) -> dict:
    if dimension == "leader":
        return {user.pk: f"{user}（{user.org.name}）" if user.org_id else str(user)
                for user in User.objects.filter(pk__in=keys).select_related("org")}
    if dimension == "kind":
        return dict(ReceptionKind.choices)
    return dict(Org.Level.choices)


SECTION = LedgerSection(
    key="receptions", title="领导接访", ledgers=(RECEPTIONS, LINKS), indicators=INDICATORS,
    period_rules=PERIOD_RULES, can_read=can_read, dimension_labels=DIMENSION_LABELS, group_labels=_group_labels,
    tabs_template="receptions/_tabs.html",
    breakdowns=(
        Breakdown("leader", "按接访领导", ALL_KEYS),
        Breakdown("kind", "按接访方式（领导接访日、约访、下访）", ALL_KEYS),
        Breakdown("level", "按层级", ALL_KEYS),
    ))
