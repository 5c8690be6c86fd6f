"""Who sees which refused Art 30 forwarding attempts (workflow.models.RefusedDestination) in the statistics,
and the lines of the drill-down of the other record sources (督办, 建议, 约谈/限期整改, 通报, 批示).

Only the registering office's 督查督办员 and 审核员 (for the matters their office registered) and superusers;
never the accused unit, nor anyone else who may see the matter (a township it is located in, a leader).
"""

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from xinfang.orgs.models import Role, User
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.supervision.accountability import Circular, Rectification
from xinfang.supervision.instructions import Instruction
from xinfang.supervision.records import Supervision
from xinfang.supervision.selectors_accountability import RECTIFICATION_STATES
from xinfang.supervision.selectors_instructions import STATES as INSTRUCTION_STATES
from xinfang.supervision.selectors_records import STATES
from xinfang.workflow.models import RefusedDestination

REFUSAL_READERS = (Role.SUPERVISOR, Role.REVIEWER)


def refused_destinations_visible_to(*, user: User | None) -> QuerySet[RefusedDestination]:
    """The refusal records `user` may count and list; None is the command line's administrator (all)."""
    records = RefusedDestination.objects.all()
    if user is None or user.is_superuser:
        return records
    if user.org_id is None or not user.has_role(*REFUSAL_READERS):
        return records.none()
    # petitions_visible_to as well: the registering office always sees its matters, but the rule stays one.
    return records.filter(petition__registering_org_id=user.org_id,
                          petition__in=petitions_visible_to(user=user).values("pk"))


# --- the record drill-down's lines (督办, 三项建议, 约谈/限期整改, 通报, 领导批示) --------------------------------
# The records differ in their fields (a 批示 has a leader's organ and a final response, a 通报 names several
# units and has no due date): each becomes the same line, so one template lists them all.

_RELATED = {Instruction: ("org", "target_org", "petition"), Supervision: ("office", "target_org", "petition")}


def record_lines_queryset(records: QuerySet) -> QuerySet:
    """The records of a drill-down with what their lines show, newest first."""
    model = records.model
    records = records.select_related(*_RELATED.get(model, ("office",)))
    if model is Circular:
        records = records.prefetch_related("units")
    elif model is not Instruction and model is not Supervision:
        records = records.select_related("target_org")
    return records.order_by("-issued_on", "-id")


def record_line(record, *, url: str, today: date) -> dict[str, Any]:
    """One line: number, kind, issuer, unit(s), dates, state and the case (or where to find the cases)."""
    line = {"record": record, "url": url, "number": record.number, "issued_on": record.issued_on, "petition": None,
            "petitions_note": "见详情"}
    if isinstance(record, Circular):
        return {**line, "title": record.get_kind_display(), "office": record.office.name,
                "units": "、".join(unit.name for unit in sorted(record.units.all(), key=lambda unit: unit.path)),
                "due_on": None, "answered_on": None,
                "state": record.get_status_display()}
    if isinstance(record, Instruction):
        # A 批示 has no page of its own: its panel on the case page (as the inbox links it).
        url = reverse("petition-detail", args=[record.petition_id]) + f"#instruction-{record.pk}"
        return {**line, "url": url, "title": "领导批示", "office": record.org.name, "units": record.target_org.name,
                "due_on": record.due_on, "answered_on": record.answered_on,
                "state": INSTRUCTION_STATES[record.state(today)], "petition": record.petition}
    states = RECTIFICATION_STATES if isinstance(record, Rectification) else STATES
    return {**line, "title": record.title, "office": record.office.name, "units": record.target_org.name,
            "due_on": record.due_on, "answered_on": record.responded_on, "state": states[record.state(today)],
            "petition": record.petition if isinstance(record, Supervision) else None,
            "petitions_note": "—（针对单位）" if isinstance(record, Supervision) else "见详情"}
