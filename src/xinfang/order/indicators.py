"""The 信访秩序 section's figures: 违法信访行为起数, 涉及人数, by Art 26 kind, persons by Art 47 measure.

Declared with the ledger engine (stats.ledgers). `can_read` is order.permissions.can_read, so the dashboard, the
figures page and the drill-down refuse everyone else; the rows are order.selectors' (an unauthorised user: none).
Each figure computed or drilled for a reader leaves an audit event ("order.stats_read", in `_logged`).
"""

from django.db.models import Exists, OuterRef, Q

from xinfang.order.models import ConductKind, MeasureKind, OrderMeasure
from xinfang.order.permissions import can_read
from xinfang.order.selectors import incidents_visible_to, persons_visible_to
from xinfang.order.services import read_logged
from xinfang.orgs.models import Org
from xinfang.stats.ledgers import Breakdown, Column, Ledger, LedgerIndicator, LedgerMeasure, LedgerQuery, LedgerSection


def _logged(visible, what: str):
    def rows(*, user=None):
        if user is not None and can_read(user):  # anyone else gets no rows (selectors), and nothing to log
            read_logged(actor=user, what="stats_read", ledger=what)
        return visible(user=user)
    return rows


INCIDENTS = Ledger("order_incidents", "违法信访行为", _logged(incidents_visible_to, "incidents"), ("locality_id",),
                   {"kind": "kind", "unit": "locality_id"}, "order:incident-detail", related=("locality",), columns=(
                       Column("发生日期", lambda r: r.occurred_on), Column("行为类型", lambda r: r.get_kind_display()),
                       Column("属地", lambda r: r.locality.name)))
PERSONS = Ledger("order_persons", "违法信访行为涉及人员", _logged(persons_visible_to, "persons"),
                 ("incident__locality_id",), {"kind": "incident__kind", "unit": "incident__locality_id"},
                 "order:person-detail", related=("incident", "incident__locality"), columns=(
                     Column("姓名", lambda r: r.masked_name), Column("事件", lambda r: r.incident.number),
                     Column("发生日期", lambda r: r.incident.occurred_on)))

PERIOD_RULES = {
    "occurred": "按行为发生日期计入",
    "measure": "按措施采取日期计入；同一人在期间内被采取同类措施多次的计1人",
}
MEASURE_LABELS = {
    MeasureKind.DISSUADE: "劝阻人数", MeasureKind.CRITICISE: "批评教育人数", MeasureKind.ADMONISH: "训诫人数",
    MeasureKind.PUBLIC_SECURITY_PENALTY: "治安管理处罚人数", MeasureKind.CRIMINAL_COERCION: "刑事强制措施人数",
}


def _occurred(q: LedgerQuery) -> Q:
    return Q(occurred_on__range=(q.start, q.end))


def _person_occurred(q: LedgerQuery) -> Q:
    return Q(incident__occurred_on__range=(q.start, q.end))


def _measured(kind: str):
    def condition(q: LedgerQuery) -> Q:
        taken = OrderMeasure.objects.filter(person=OuterRef("pk"), kind=kind, taken_on__range=(q.start, q.end))
        return Q(Exists(taken))
    return condition


def _build() -> tuple[LedgerIndicator, ...]:
    items = [
        LedgerIndicator("order_incidents", "违法信访行为起数", "期间内发生并登记的违法信访行为（条例第二十六条）起数",
                        "occurred", "count", LedgerMeasure(INCIDENTS, _occurred), unit_zh="起"),
        LedgerIndicator("order_persons", "涉及人数", "期间内发生的违法信访行为涉及的人数（每起按人计）", "occurred",
                        "count", LedgerMeasure(PERSONS, _person_occurred), unit_zh="人"),
    ]
    for kind in ConductKind:
        items.append(LedgerIndicator(
            f"order_kind_{kind.value}", f"{kind.label}起数", f"期间内发生的“{kind.label}”违法信访行为起数", "occurred",
            "count", LedgerMeasure(INCIDENTS, lambda q, value=kind.value: _occurred(q) & Q(kind=value)), unit_zh="起"))
    for kind in MeasureKind:
        items.append(LedgerIndicator(
            f"order_measure_{kind.value}", MEASURE_LABELS[kind], f"期间内被采取“{kind.label}”措施的人数（条例第四十七条）",
            "measure", "count", LedgerMeasure(PERSONS, _measured(kind.value)), unit_zh="人"))
    return tuple(items)


INDICATORS = _build()


def _group_labels(dimension: str, keys: list) -> dict:
    if dimension == "kind":
        return dict(ConductKind.choices)
    return dict(Org.objects.filter(pk__in=keys).values_list("pk", "name"))


SECTION = LedgerSection(
    key="order", title="信访秩序", ledgers=(INCIDENTS, PERSONS), indicators=INDICATORS, period_rules=PERIOD_RULES,
    can_read=can_read, dimension_labels={"kind": "行为类型", "unit": "属地"}, group_labels=_group_labels,
    breakdowns=(Breakdown("unit", "违法信访行为按属地", ("order_incidents", "order_persons")),))
