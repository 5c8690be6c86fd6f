"""超期 warnings of records with a due date: supervision records — a 督办, 三项建议, 约谈/限期整改 or 领导批示 whose due
date has passed with no answer (the unit's 回复, 书面答复, 整改情况报告, or the final 落实情况) — and the prevention
ledgers' — a 矛盾纠纷 past its 化解期限 not settled, a 群众信访问题清单 item past its 限时销号日期 not struck off, a
积案 past its 化解期限 not struck off.

Raised by the periodic deadline scan (services.deadlines_scan), once per record and due date (RecordWarning's
unique constraint; the warning, its notifications and its audit event in one transaction). Recipients: the
heads of the unit addressed (for a prevention record, its 责任单位) and the 督查督办员 of the issuing office (for a
批示, of the office that registered its matter; for a prevention record, the petition office nearest above its
责任单位), and a 积案's 包案领导 — each only if that user may see the record (its own selector: petitions_visible_to
underneath for supervision, so a record about an accusation never warns anyone in the accused unit, Art 30; the
prevention selectors' scope for the ledgers).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse

from xinfang.audit.services import audit_record
from xinfang.notifications.models import Notification, RecordWarning
from xinfang.orgs.models import Org, Role, User
from xinfang.prevention.backlog import BacklogCase, ProblemListItem
from xinfang.prevention.disputes import Dispute
from xinfang.prevention.selectors import disputes_visible_to
from xinfang.prevention.selectors_backlog import backlog_visible_to, problems_visible_to
from xinfang.supervision.accountability import Rectification
from xinfang.supervision.instructions import Instruction
from xinfang.supervision.records import Recommendation, Supervision
from xinfang.supervision.selectors_instructions import instructions_visible_to
from xinfang.supervision.selectors_records import records_visible

OPEN = "open"  # RecordStatus.OPEN and Instruction.Status.OPEN: nothing answered yet


def _office_of_unit(org_id: int) -> int | None:
    """The petition office nearest above the unit (the one whose parent is the unit's closest ancestor)."""
    org = Org.objects.filter(pk=org_id).first()
    if org is None:
        return None
    ancestors = org.ancestor_ids
    offices = Org.objects.filter(kind=Org.Kind.PETITION_OFFICE, is_active=True, parent_id__in=ancestors)
    nearest = max(offices, key=lambda office: ancestors.index(office.parent_id), default=None)
    return nearest.pk if nearest else None


@dataclass(frozen=True)
class RecordSpec:
    kind: str
    model: type
    label: str
    awaited: str  # what the unit owes
    page: str  # the record's page ("" for a 批示: its panel on the case page)
    unanswered: Q = field(default_factory=lambda: Q(status=OPEN))
    due_field: str = "due_on"
    unit_field: str = "target_org"
    office_id: Callable[[object], int | None] = lambda record: record.office_id
    visible: Callable[..., QuerySet] | None = None  # visible(user=) → the records the user sees
    extra_recipient_ids: Callable[[object], list[int]] = lambda record: []

    def due(self, record) -> date:
        return getattr(record, self.due_field)

    def unit(self, record) -> Org:
        return getattr(record, self.unit_field)


SPECS = (
    RecordSpec(RecordWarning.Kind.SUPERVISION, Supervision, "督办", "回复", "supervision:supervision-detail"),
    RecordSpec(RecordWarning.Kind.RECOMMENDATION, Recommendation, "三项建议", "书面答复",
               "supervision:recommendation-detail"),
    RecordSpec(RecordWarning.Kind.RECTIFICATION, Rectification, "约谈、限期整改", "报送整改情况",
               "supervision:rectification-detail"),
    RecordSpec(RecordWarning.Kind.INSTRUCTION, Instruction, "领导批示", "最终反馈落实情况", "",
               office_id=lambda record: record.petition.registering_org_id, visible=instructions_visible_to),
    # Still 化解中 or awaiting verification (as the list's 超期未化解 and the indicator prevention_dispute_overdue).
    RecordSpec(RecordWarning.Kind.DISPUTE, Dispute, "矛盾纠纷", "化解", "prevention:dispute-detail",
               unanswered=Q(status__in=(Dispute.Status.OPEN, Dispute.Status.REPORTED)), due_field="deadline", unit_field="responsible_org",
               office_id=lambda record: _office_of_unit(record.responsible_org_id), visible=disputes_visible_to),
    RecordSpec(RecordWarning.Kind.PROBLEM, ProblemListItem, "群众信访问题清单", "化解销号",
               "prevention:problem-detail", unanswered=Q(status=ProblemListItem.Status.OPEN),
               unit_field="responsible_org", office_id=lambda record: _office_of_unit(record.responsible_org_id),
               visible=problems_visible_to),
    RecordSpec(RecordWarning.Kind.BACKLOG, BacklogCase, "积案", "化解销号", "prevention:backlog-detail",
               unanswered=~Q(status=BacklogCase.Status.STRUCK_OFF), unit_field="responsible_org",
               office_id=lambda record: _office_of_unit(record.responsible_org_id), visible=backlog_visible_to,
               extra_recipient_ids=lambda record: [record.leader_id]),
)
SPECS_BY_KIND = {spec.kind: spec for spec in SPECS}


def _overdue(spec: RecordSpec, today: date) -> QuerySet:
    related = (spec.unit_field, "petition") if spec.model is Instruction else (spec.unit_field,)
    return (spec.model.objects.filter(spec.unanswered, **{f"{spec.due_field}__lt": today})
            .select_related(*related).order_by(spec.due_field, "pk"))


def _petition_id(record) -> int | None:
    # A notification names a matter only when the record is about exactly one (督办 on a case, 批示).
    return getattr(record, "petition_id", None)


def _sees(spec: RecordSpec, user: User, record) -> bool:
    visible = spec.visible(user=user) if spec.visible is not None else records_visible(type(record), user=user)
    return visible.filter(pk=record.pk).exists()


def record_warning_recipients(*, record, spec: RecordSpec | None = None) -> list[User]:
    spec = spec or next(spec for spec in SPECS if isinstance(record, spec.model))
    condition = Q(org_id=getattr(record, f"{spec.unit_field}_id"), roles__role=Role.HANDLING_ORG_HEAD)
    office_id = spec.office_id(record)
    if office_id is not None:
        condition |= Q(org_id=office_id, roles__role=Role.SUPERVISOR)
    extra = [pk for pk in spec.extra_recipient_ids(record) if pk is not None]
    if extra:
        condition |= Q(pk__in=extra)
    candidates = (User.objects.filter(is_active=True).filter(condition)
                  .select_related("org").distinct().order_by("pk"))
    return [user for user in candidates if _sees(spec, user, record)]


def _texts(spec: RecordSpec, record, today: date) -> tuple[str, str]:
    due = spec.due(record)
    # "积案〔2026〕3号" names its ledger already; "督〔2026〕1号" or "纠纷〔2026〕5号" get it added.
    title = f"【超期】{record.number}" + ("" if record.number.startswith(spec.label) else f" {spec.label}")
    body = (f"{spec.label} {record.number}（{spec.unit(record).name}）的期限已于 {due:%Y-%m-%d} 届满，"
            f"已超期 {(today - due).days} 天，尚未{spec.awaited}，请及时办理。")
    return title, body


def record_warning_raise(*, spec: RecordSpec, record, today: date) -> int | None:
    """Raise one record's warning and its notifications in one transaction; None if raised before (or answered
    meanwhile). Returns the number of notifications."""
    due = spec.due(record)
    with transaction.atomic():
        still = {spec.due_field: due, f"{spec.due_field}__lt": today}
        if not spec.model.objects.filter(spec.unanswered, pk=record.pk, **still).exists():
            return None
        warning, created = RecordWarning.objects.get_or_create(
            kind=spec.kind, record_id=record.pk, due_on=due, defaults={"number": record.number, "raised_on": today})
        if not created:
            return None
        title, body = _texts(spec, record, today)
        recipients = record_warning_recipients(record=record, spec=spec)
        Notification.objects.bulk_create([
            Notification(recipient=user, title=title, body=body, petition_id=_petition_id(record),
                         record_warning=warning)
            for user in recipients
        ])
        audit_record(actor=None, action="notifications.record_warning_raised", target=warning,
                     data={"kind": spec.kind, "record": record.pk, "number": record.number,
                           "due_on": due.isoformat(), "recipients": len(recipients)})
    return len(recipients)


def record_warnings_scan(*, today: date, pause: float = 0.0) -> tuple[int, int]:
    """Raise the warnings of every record overdue on `today` not yet warned; (warnings, notifications)."""
    warnings = notifications = 0
    for spec in SPECS:
        records = list(_overdue(spec, today))
        raised = set(RecordWarning.objects.filter(kind=spec.kind, record_id__in=[r.pk for r in records])
                     .values_list("record_id", "due_on"))
        for record in records:
            if (record.pk, spec.due(record)) in raised:
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
