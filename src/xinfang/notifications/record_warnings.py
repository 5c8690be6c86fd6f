"""超期 warnings for supervision records: a 督办, 三项建议, 约谈/限期整改 or 领导批示 whose due date has passed with no
answer (the unit's 回复, 书面答复, 整改情况报告, or the final 落实情况).

Raised by the periodic deadline scan (services.deadlines_scan), once per record and due date (RecordWarning's
unique constraint; the warning, its notifications and its audit event in one transaction). Recipients: the
heads of the unit addressed and the 督查督办员 of the issuing office (for a 批示, of the office that registered
its matter) — each only if that user may see the record (its own selector: petitions_visible_to underneath,
so a record about an accusation never warns anyone in the accused unit, Art 30).
"""

import time
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse

from xinfang.audit.services import audit_record
from xinfang.notifications.models import Notification, RecordWarning
from xinfang.orgs.models import Role, User
from xinfang.supervision.accountability import Rectification
from xinfang.supervision.instructions import Instruction
from xinfang.supervision.records import Recommendation, Supervision
from xinfang.supervision.selectors_instructions import instructions_visible_to
from xinfang.supervision.selectors_records import records_visible

OPEN = "open"  # RecordStatus.OPEN and Instruction.Status.OPEN: nothing answered yet


@dataclass(frozen=True)
class RecordSpec:
    kind: str
    model: type
    label: str
    awaited: str  # what the unit owes
    page: str  # the record's page ("" for a 批示: its panel on the case page)


SPECS = (
    RecordSpec(RecordWarning.Kind.SUPERVISION, Supervision, "督办", "回复", "supervision:supervision-detail"),
    RecordSpec(RecordWarning.Kind.RECOMMENDATION, Recommendation, "三项建议", "书面答复",
               "supervision:recommendation-detail"),
    RecordSpec(RecordWarning.Kind.RECTIFICATION, Rectification, "约谈、限期整改", "报送整改情况",
               "supervision:rectification-detail"),
    RecordSpec(RecordWarning.Kind.INSTRUCTION, Instruction, "领导批示", "最终反馈落实情况", ""),
)
SPECS_BY_KIND = {spec.kind: spec for spec in SPECS}


def _overdue(spec: RecordSpec, today: date) -> QuerySet:
    related = ("target_org", "petition") if spec.model is Instruction else ("target_org",)
    return spec.model.objects.filter(status=OPEN, due_on__lt=today).select_related(*related).order_by("due_on", "pk")


def _office_id(record) -> int:
    return record.petition.registering_org_id if isinstance(record, Instruction) else record.office_id


def _petition_id(record) -> int | None:
    # A notification names a matter only when the record is about exactly one (督办 on a case, 批示).
    return getattr(record, "petition_id", None)


def _sees(user: User, record) -> bool:
    visible = (instructions_visible_to(user=user) if isinstance(record, Instruction)
               else records_visible(type(record), user=user))
    return visible.filter(pk=record.pk).exists()


def record_warning_recipients(*, record) -> list[User]:
    candidates = (User.objects.filter(is_active=True)
                  .filter(Q(org_id=record.target_org_id, roles__role=Role.HANDLING_ORG_HEAD)
                          | Q(org_id=_office_id(record), roles__role=Role.SUPERVISOR))
                  .select_related("org").distinct().order_by("pk"))
    return [user for user in candidates if _sees(user, record)]


def _texts(spec: RecordSpec, record, today: date) -> tuple[str, str]:
    title = f"【超期】{record.number} {spec.label}"
    body = (f"{spec.label} {record.number}（{record.target_org.name}）的期限已于 {record.due_on:%Y-%m-%d} 届满，"
            f"已超期 {(today - record.due_on).days} 天，尚未{spec.awaited}，请及时办理。")
    return title, body


def record_warning_raise(*, spec: RecordSpec, record, today: date) -> int | None:
    """Raise one record's warning and its notifications in one transaction; None if raised before (or answered
    meanwhile). Returns the number of notifications."""
    with transaction.atomic():
        if not spec.model.objects.filter(pk=record.pk, status=OPEN, due_on=record.due_on, due_on__lt=today).exists():
            return None
        warning, created = RecordWarning.objects.get_or_create(
            kind=spec.kind, record_id=record.pk, due_on=record.due_on,
            defaults={"number": record.number, "raised_on": today})
        if not created:
            return None
        title, body = _texts(spec, record, today)
        recipients = record_warning_recipients(record=record)
        Notification.objects.bulk_create([
            Notification(recipient=user, title=title, body=body, petition_id=_petition_id(record),
                         record_warning=warning)
            for user in recipients
        ])
        audit_record(actor=None, action="notifications.record_warning_raised", target=warning,
                     data={"kind": spec.kind, "record": record.pk, "number": record.number,
                           "due_on": record.due_on.isoformat(), "recipients": len(recipients)})
    return len(recipients)


def record_warnings_scan(*, today: date, pause: float = 0.0) -> tuple[int, int]:
    """Raise the warnings of every record overdue on `today` not yet warned; (warnings, notifications)."""
    warnings = notifications = 0
    for spec in SPECS:
        records = list(_overdue(spec, today))
        raised = set(RecordWarning.objects.filter(kind=spec.kind, record_id__in=[r.pk for r in records])
                     .values_list("record_id", "due_on"))
        for record in records:
            if (record.pk, record.due_on) in raised:
                continue
            sent = record_warning_raise(spec=spec, record=record, today=today)
            if sent is not None:
                warnings += 1
                notifications += sent
                if pause:
                    time.sleep(pause)
    return warnings, notifications


def record_warning_url(warning: RecordWarning, *, petition_id: int | None) -> str:
    spec = SPECS_BY_KIND[warning.kind]
    if not spec.page:
        return reverse("petition-detail", args=[petition_id]) + f"#instruction-{warning.record_id}"
    return reverse(spec.page, args=[warning.record_id])
