"""Writes of 约谈 and 限期整改: one function per use case, one transaction, audited, permissions checked here.

Built on the 督办 services (services_records): the same supervisor check, numbering, due dates from the policy's
[supervision.response] (keys `interview` and `rectification`), Art 30 check and closure.

Who may do what:
- record a 约谈 / issue a 限期整改, follow up, check (验收), close: a 督查督办员 of the issuing petition office;
- report the rectification (整改情况报告): the head of the unit addressed, and nobody else.
A check not passed sends the record back to the unit with a new due date; the earlier report and the check stay
in the history (RectificationEntry), which is never edited.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from xinfang.audit.services import audit_record
from xinfang.orgs.models import Org, User
from xinfang.supervision.accountability import Rectification, RectificationEntry
from xinfang.supervision.records import RecordSequence, RecordStatus
from xinfang.supervision.services_records import (
    SupervisionError,
    _answer_date,
    _audit_data,
    _check_target,
    _close,
    _due,
    _locked,
    _next_sequence,
    _require_office_supervisor,
    _require_unit_head,
    _today,
    _visible_petition,
    format_record_number,
    locked_for_note,
    require_supervisor,
)

# Each kind's number series and its policy key for the report's due date.
SERIES = {Rectification.Kind.INTERVIEW: RecordSequence.Series.INTERVIEW,
          Rectification.Kind.ORDER: RecordSequence.Series.RECTIFICATION}
POLICY_KEYS = {Rectification.Kind.INTERVIEW: "interview", Rectification.Kind.ORDER: "rectification"}


@dataclass(frozen=True)
class RectificationInput:
    kind: str
    target_org_id: int
    subject: str
    content: str  # 约谈事由, or the items to rectify (整改事项)
    requirements: str = ""
    interviewees: str = ""  # 约谈 only: names and posts, as text
    held_on: date | None = None  # 约谈 only
    petition_ids: tuple[int, ...] = ()
    issued_on: date | None = None
    due_on: date | None = None
    due_days: int | None = None  # working days; neither this nor due_on: the policy's period


def _checked_fields(data: RectificationInput, issued_on: date) -> tuple[str, date | None, str]:
    """(subject, held_on, interviewees) once the kind's own fields are present."""
    if data.kind not in Rectification.Kind.values:
        raise SupervisionError({"kind": "请选择约谈或限期整改"})
    subject = " ".join((data.subject or "").split())
    if not subject:
        raise SupervisionError({"subject": "请填写事由"})
    if not (data.content or "").strip():
        raise SupervisionError({"content": "请填写约谈事由" if data.kind == Rectification.Kind.INTERVIEW
                                else "请填写整改事项"})
    if data.kind == Rectification.Kind.ORDER:
        return subject, None, ""
    interviewees = (data.interviewees or "").strip()
    if not interviewees:
        raise SupervisionError({"interviewees": "请填写约谈对象的姓名和职务"})
    if data.held_on is None:
        raise SupervisionError({"held_on": "请填写约谈日期"})
    if data.held_on > issued_on:
        raise SupervisionError({"held_on": "约谈日期不能晚于记录日期"})
    return subject, data.held_on, interviewees


def rectification_issue(*, data: RectificationInput, actor: User) -> Rectification:
    """Record a 约谈 held with a unit's responsible persons, or issue a 限期整改 to a unit."""
    office = require_supervisor(actor, action="约谈" if data.kind == Rectification.Kind.INTERVIEW else "限期整改")
    issued_on = data.issued_on or _today()
    if issued_on > _today():
        raise SupervisionError({"issued_on": "签发日期不能晚于今天"})
    subject, held_on, interviewees = _checked_fields(data, issued_on)
    with transaction.atomic():
        target_org = Org.objects.filter(pk=data.target_org_id, is_active=True).first()
        if target_org is None:
            raise SupervisionError({"target_org": "责任单位不存在"})
        petitions = [_visible_petition(user=actor, petition_id=pk) for pk in dict.fromkeys(data.petition_ids)]
        _check_target(user=actor, office=office, target_org=target_org, petitions=petitions)
        # A 约谈's report is due counted from the interview; an order's from its issue.
        due_on, basis = _due(office=office, issued_on=held_on or issued_on, key=POLICY_KEYS[data.kind],
                             due_on=data.due_on, due_days=data.due_days)
        series = SERIES[data.kind]
        sequence = _next_sequence(org=office, year=issued_on.year, series=series)
        record = Rectification.objects.create(
            number=format_record_number(office=office, year=issued_on.year, sequence=sequence, series=series),
            year=issued_on.year, sequence=sequence, office=office, target_org=target_org, kind=data.kind,
            subject=subject[:200], content=data.content.strip(), requirements=(data.requirements or "").strip(),
            interviewees=interviewees, held_on=held_on, issued_by=actor, issued_on=issued_on, due_on=due_on,
            due_basis=basis,
        )
        record.petitions.set(petitions)
        audit_record(actor=actor, action="rectification.issue", target=record,
                     data=_audit_data(record, petitions=[petition.number for petition in petitions]))
    return record


def _entry(record: Rectification, *, kind: str, text: str, actor: User, noted_on: date, **extra) -> RectificationEntry:
    return RectificationEntry.objects.create(rectification=record, kind=kind, text=text, noted_on=noted_on,
                                             noted_by=actor, **extra)


def rectification_report(*, rectification_id: int, report: str, actor: User,
                         reported_on: date | None = None) -> Rectification:
    """The unit's head reports the rectification (整改情况报告)."""
    with transaction.atomic():
        record = _locked(Rectification, rectification_id)
        _require_unit_head(actor, record, action="报送整改情况")
        if record.status != RecordStatus.OPEN:
            state = "已办结" if record.status == RecordStatus.CLOSED else "已报送整改情况，待验收"
            raise SupervisionError(f"{record.number}{state}，不能再次报送")
        text = (report or "").strip()
        if not text:
            raise SupervisionError({"report": "请填写整改情况"})
        record.responded_on = _answer_date(reported_on, record)
        record.responded_by = actor
        record.status = RecordStatus.ANSWERED
        record.save(update_fields=["responded_on", "responded_by", "status", "updated_at"])
        entry = _entry(record, kind=RectificationEntry.Kind.REPORT, text=text, actor=actor,
                       noted_on=record.responded_on)
        audit_record(actor=actor, action="rectification.report", target=record,
                     data=_audit_data(record, entry=entry.pk, responded_on=record.responded_on,
                                      late=record.answered_late()))
    return record


def rectification_follow_up(*, rectification_id: int, note: str, actor: User) -> RectificationEntry:
    """The supervisor's note on how the unit is rectifying (跟踪督促), any time before the close."""
    with transaction.atomic():
        record, text = locked_for_note(Rectification, rectification_id, actor=actor, note=note, action="跟踪督促")
        entry = _entry(record, kind=RectificationEntry.Kind.FOLLOW_UP, text=text, actor=actor, noted_on=_today())
        audit_record(actor=actor, action="rectification.follow_up", target=record,
                     data=_audit_data(record, entry=entry.pk))
    return entry


def rectification_check(*, rectification_id: int, passed: bool, note: str, actor: User,
                        due_on: date | None = None, due_days: int | None = None) -> Rectification:
    """验收 of the reported rectification: passed (may be closed), or not — back to the unit, due again.

    The new due date is a date, N working days from today on the office's calendar, or the policy's period.
    """
    with transaction.atomic():
        record = _locked(Rectification, rectification_id)
        _require_office_supervisor(actor, record, action="整改验收")
        if record.status != RecordStatus.ANSWERED:
            state = "已办结" if record.status == RecordStatus.CLOSED else "尚未报送整改情况"
            raise SupervisionError(f"{record.number}{state}，不能验收")
        last = record.last_check()
        if last is not None and last.passed:
            raise SupervisionError(f"{record.number}已验收通过，可以办结")
        text = (note or "").strip()
        if not text:
            raise SupervisionError({"note": "请填写验收意见"})
        today = _today()
        if passed:
            entry = _entry(record, kind=RectificationEntry.Kind.CHECK, text=text, actor=actor, noted_on=today,
                           passed=True)
        else:
            new_due, basis = _due(office=record.office, issued_on=today, key=POLICY_KEYS[record.kind],
                                  due_on=due_on, due_days=due_days)
            entry = _entry(record, kind=RectificationEntry.Kind.CHECK, text=text, actor=actor, noted_on=today,
                           passed=False, due_on_before=record.due_on, due_on_after=new_due)
            record.status = RecordStatus.OPEN
            record.due_on = new_due
            record.due_basis = f"验收未通过，重新整改：{basis}"
            record.responded_on = None
            record.responded_by = None
            record.save(update_fields=["status", "due_on", "due_basis", "responded_on", "responded_by",
                                       "updated_at"])
        audit_record(actor=actor, action="rectification.check", target=record,
                     data=_audit_data(record, entry=entry.pk, passed=passed))
    return record


def rectification_close(*, rectification_id: int, actor: User, note: str = "") -> Rectification:
    """The supervisor closes: a 约谈 once the report is in, a 限期整改 once it has passed the check."""
    with transaction.atomic():
        record = _locked(Rectification, rectification_id)
        _require_office_supervisor(actor, record, action="整改办结")
        if record.status == RecordStatus.ANSWERED and not record.may_close():
            raise SupervisionError(f"{record.number}尚未验收通过，不能办结")
        return _close(Rectification, rectification_id, actor=actor, note=note, action="整改办结",
                      audit_action="rectification.close", unanswered="尚未报送整改情况")
