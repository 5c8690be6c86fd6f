"""Writes of 督办 and 三项建议: one function per use case, one transaction, audited, permissions checked here.

Who may do what:
- issue, follow up, close: a 督查督办员 (Role.SUPERVISOR) of a petition office, for units and cases in the
  office's scope (the organ it works for: orgs.selectors.user_scope_root);
- answer (respond / reply): the head (Role.HANDLING_ORG_HEAD) of the unit addressed, and nobody else.
An accusation (检举控告) is never the subject of a 督办 or a 建议 addressed to the accused unit or a unit inside
it (Art 30): the office would be sending the accusation to the very unit it must be kept from.
"""

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from xinfang.audit.services import audit_record
from xinfang.calendars.selectors import calendar_for_org
from xinfang.orgs.models import Org, Role, User
from xinfang.orgs.selectors import user_scope_org_ids
from xinfang.petitions.models import Petition, PetitionType
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.supervision.records import (
    Recommendation,
    RecommendationFollowUp,
    RecordSequence,
    RecordStatus,
    Supervision,
)
from xinfang.workdays.calendar import UNIT_LABELS, Unit

ART_30 = "《信访工作条例》第三十条"
ART_40 = "《信访工作条例》第四十条"

# Response periods when the supervisor names neither a number of days nor a date. A county changes them in
# its XINFANG_POLICY_FILE: [supervision.response] letter = { length = 7, unit = "working_days" } …
DEFAULT_PERIODS: dict[str, tuple[int, Unit]] = {
    Supervision.Kind.PHONE: (3, Unit.WORKING_DAYS),
    Supervision.Kind.LETTER: (10, Unit.WORKING_DAYS),
    Supervision.Kind.ON_SITE: (5, Unit.WORKING_DAYS),
    Supervision.Kind.LISTED: (15, Unit.WORKING_DAYS),
    # 三项建议: the written reply on adoption (Art 40; the period is local policy).
    "recommendation": (30, Unit.CALENDAR_DAYS),
    # 领导批示 (services_instructions): the routed unit's final report on carrying the instruction out.
    "instruction": (5, Unit.WORKING_DAYS),
    # 约谈 and 限期整改 (services_accountability): the unit's rectification report, counted from the interview
    # or the order.
    "interview": (15, Unit.WORKING_DAYS),
    "rectification": (20, Unit.WORKING_DAYS),
}

# The mark between the office's prefix and the year in a record's number (清溪信督〔2026〕3号).
SERIES_MARKS = {
    RecordSequence.Series.SUPERVISION: "督",
    RecordSequence.Series.RECOMMENDATION: "建",
    RecordSequence.Series.INTERVIEW: "约",
    RecordSequence.Series.RECTIFICATION: "改",
    RecordSequence.Series.CIRCULAR: "通",
}


class SupervisionError(ValidationError):
    """An action the rules refuse; the message says why (and under which article)."""


@cache
def _policy_file_periods(path: str | None) -> dict[str, tuple[int, Unit]]:
    periods = dict(DEFAULT_PERIODS)
    if not path:
        return periods
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ImproperlyConfigured(f"cannot read XINFANG_POLICY_FILE {path}: {error}") from None
    for key, raw in data.get("supervision", {}).get("response", {}).items():
        try:
            periods[key] = (int(raw["length"]), Unit(raw["unit"]))
        except (KeyError, TypeError, ValueError) as error:
            raise ImproperlyConfigured(f"policy supervision.response.{key}: needs length and unit: {error}") from None
    return periods


def response_period(key: str) -> tuple[int, Unit]:
    """(length, unit) of the response period of a 督办 kind, or of "recommendation"."""
    return _policy_file_periods(getattr(settings, "XINFANG_POLICY_FILE", None) or None)[key]


def _due(*, office: Org, issued_on: date, key: str, due_on: date | None, due_days: int | None) -> tuple[date, str]:
    """The due date and how it was set: a date given, N working days given, or the policy's period."""
    if due_on is not None:
        if due_on < issued_on:
            raise SupervisionError({"due_on": "回复期限不能早于签发日期"})
        return due_on, "指定日期"
    if due_days is not None:
        if not 1 <= due_days <= 365:
            raise SupervisionError({"due_days": "工作日数应在1至365之间"})
        length, unit = due_days, Unit.WORKING_DAYS
    else:
        length, unit = response_period(key)
    deadline = calendar_for_org(org=office).add(issued_on, length, unit)
    return deadline.due, f"{length}{UNIT_LABELS[unit]}"


def _today() -> date:
    return timezone.localdate()


def _next_sequence(*, org: Org, year: int, series: str) -> int:
    sequence = RecordSequence.objects.select_for_update().filter(org=org, year=year, series=series).first()
    if sequence is None:
        try:
            with transaction.atomic():
                RecordSequence.objects.create(org=org, year=year, series=series, last_value=0)
        except IntegrityError:
            pass  # created by a concurrent issue; lock theirs
        sequence = RecordSequence.objects.select_for_update().get(org=org, year=year, series=series)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return sequence.last_value


def format_record_number(*, office: Org, year: int, sequence: int, series: str) -> str:
    """清溪信督〔2026〕3号 / 清溪信建〔2026〕1号: 机关代字〔年份〕序号号, as offices number their letters."""
    mark = SERIES_MARKS[series]
    return f"{office.display_prefix}{mark}〔{year}〕{sequence}号"


# --- who may act ------------------------------------------------------------------------------

def require_supervisor(user: User, *, action: str) -> Org:
    """The petition office the user supervises for; PermissionDenied unless a 督查督办员 of a petition office."""
    org = user.org
    if org is None or org.kind != Org.Kind.PETITION_OFFICE or not user.has_role(Role.SUPERVISOR):
        raise PermissionDenied(f"“{action}”须由信访部门的督查督办员办理")
    return org


def _require_office_supervisor(user: User, record, *, action: str) -> None:
    office = require_supervisor(user, action=action)
    if office.pk != record.office_id:
        raise PermissionDenied(f"“{action}”须由签发{record.number}的信访部门（{record.office.name}）的督查督办员办理")


def _require_unit_head(user: User, record, *, action: str) -> None:
    if user.org_id != record.target_org_id or not user.has_role(Role.HANDLING_ORG_HEAD):
        raise PermissionDenied(f"“{action}”须由责任单位（{record.target_org.name}）负责人办理")


def _check_target(*, user: User, office: Org, target_org: Org, petitions: list[Petition]) -> None:
    scope = user_scope_org_ids(user=user)
    if scope is not None and target_org.pk not in scope:
        raise SupervisionError({"target_org": f"{target_org.name}不在{office.name}的督办范围内"})
    if target_org.kind == Org.Kind.PETITION_OFFICE and target_org.pk == office.pk:
        raise SupervisionError({"target_org": "不能向本机关督办"})
    for petition in petitions:
        if (petition.petition_type == PetitionType.ACCUSATION and petition.complained_org_id is not None
                and petition.complained_org_id in target_org.ancestor_ids):
            raise SupervisionError({"target_org": (
                f"信访件{petition.number}为检举控告件，{target_org.name}是被检举控告单位或其下属单位，"
                f"不得向其督办或提出建议（{ART_30}：不得将检举控告材料转给被检举控告的对象或单位）")})


def _visible_petition(*, user: User, petition_id: int) -> Petition:
    try:
        return petitions_visible_to(user=user).select_related("handling_org", "complained_org").get(pk=petition_id)
    except Petition.DoesNotExist:
        raise SupervisionError({"petition": "信访事项不存在或不在本机关范围内"}) from None


def _audit_data(record, **extra) -> dict:
    data = {"number": record.number, "kind": record.kind, "target_org": record.target_org_id,
            "due_on": record.due_on, "status": record.status}
    data.update(extra)
    return data


# --- 督办 -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SupervisionInput:
    kind: str
    target_org_id: int | None = None  # default: the case's handling org
    petition_id: int | None = None
    letter_kind: str = ""
    subject: str = ""
    requirements: str = ""
    issued_on: date | None = None
    due_on: date | None = None
    due_days: int | None = None  # working days; neither this nor due_on: the policy's period for the kind


def supervision_issue(*, data: SupervisionInput, actor: User) -> Supervision:
    """Issue a 督办 on a case (or on a unit) to the unit that must act."""
    office = require_supervisor(actor, action="督办")
    if data.kind not in Supervision.Kind.values:
        raise SupervisionError({"kind": "请选择督办方式"})
    letter_kind = data.letter_kind
    if data.kind == Supervision.Kind.LETTER:
        if letter_kind not in Supervision.LetterKind.values:
            raise SupervisionError({"letter_kind": "发函督办须选择督办提醒函或督办函"})
    else:
        letter_kind = ""
    issued_on = data.issued_on or _today()
    if issued_on > _today():
        raise SupervisionError({"issued_on": "签发日期不能晚于今天"})
    with transaction.atomic():
        petition = _visible_petition(user=actor, petition_id=data.petition_id) if data.petition_id else None
        if data.target_org_id:
            target_org = Org.objects.filter(pk=data.target_org_id, is_active=True).first()
            if target_org is None:
                raise SupervisionError({"target_org": "责任单位不存在"})
        elif petition is not None and petition.handling_org_id:
            target_org = petition.handling_org
        else:
            raise SupervisionError({"target_org": "请选择责任单位"})
        _check_target(user=actor, office=office, target_org=target_org, petitions=[petition] if petition else [])
        subject = " ".join((data.subject or "").split())
        if not subject:
            if petition is None:
                raise SupervisionError({"subject": "请填写督办事项"})
            subject = f"信访件{petition.number}的办理"
        due_on, basis = _due(office=office, issued_on=issued_on, key=data.kind, due_on=data.due_on,
                             due_days=data.due_days)
        sequence = _next_sequence(org=office, year=issued_on.year, series=RecordSequence.Series.SUPERVISION)
        record = Supervision.objects.create(
            number=format_record_number(office=office, year=issued_on.year, sequence=sequence,
                                        series=RecordSequence.Series.SUPERVISION),
            year=issued_on.year, sequence=sequence, office=office, target_org=target_org, kind=data.kind,
            letter_kind=letter_kind, petition=petition, subject=subject[:200], requirements=data.requirements.strip(),
            issued_by=actor, issued_on=issued_on, due_on=due_on, due_basis=basis,
        )
        audit_record(actor=actor, action="supervision.issue", target=record,
                     data=_audit_data(record, petition=petition.number if petition else "",
                                      letter_kind=letter_kind))
    return record


def _locked(model, pk: int):
    try:
        return model.objects.select_for_update().select_related("office", "target_org").get(pk=pk)
    except model.DoesNotExist:
        raise SupervisionError("记录不存在") from None


def _answer_date(value: date | None, record) -> date:
    day = value or _today()
    if day > _today():
        raise SupervisionError({"responded_on": "回复日期不能晚于今天"})
    if day < record.issued_on:
        raise SupervisionError({"responded_on": "回复日期不能早于签发日期"})
    return day


def supervision_respond(*, supervision_id: int, response: str, actor: User,
                        responded_on: date | None = None) -> Supervision:
    """The unit's head records how the matter was handled (办理情况)."""
    with transaction.atomic():
        record = _locked(Supervision, supervision_id)
        _require_unit_head(actor, record, action="回复督办")
        if record.status != RecordStatus.OPEN:
            raise SupervisionError(f"{record.number}已{record.get_status_display()}，不能再次回复")
        text = (response or "").strip()
        if not text:
            raise SupervisionError({"response": "请填写办理情况"})
        record.response = text
        record.responded_on = _answer_date(responded_on, record)
        record.responded_by = actor
        record.status = RecordStatus.ANSWERED
        record.save(update_fields=["response", "responded_on", "responded_by", "status", "updated_at"])
        audit_record(actor=actor, action="supervision.respond", target=record,
                     data=_audit_data(record, responded_on=record.responded_on, late=record.answered_late()))
    return record


def _close(model, pk: int, *, actor: User, note: str, action: str, audit_action: str, unanswered: str):
    """The supervisor closes an answered record (办结): one transaction, audited."""
    with transaction.atomic():
        record = _locked(model, pk)
        _require_office_supervisor(actor, record, action=action)
        if record.status != RecordStatus.ANSWERED:
            state = "已办结" if record.status == RecordStatus.CLOSED else unanswered
            raise SupervisionError(f"{record.number}{state}，不能办结")
        record.status = RecordStatus.CLOSED
        record.closed_by = actor
        record.closed_on = _today()
        record.closing_note = (note or "").strip()
        record.save(update_fields=["status", "closed_by", "closed_on", "closing_note", "updated_at"])
        audit_record(actor=actor, action=audit_action, target=record, data=_audit_data(record))
    return record


def supervision_close(*, supervision_id: int, actor: User, note: str = "") -> Supervision:
    """The supervisor closes an answered 督办 (办结)."""
    return _close(Supervision, supervision_id, actor=actor, note=note, action="督办办结",
                  audit_action="supervision.close", unanswered="尚未回复")


def supervision_letter_export(*, supervision: Supervision, actor: User) -> bytes:
    """The 督办函 / 督办提醒函 as Word; written to the audit log (the letter names a case and a unit)."""
    from xinfang.supervision.letters import render_supervision_letter

    if supervision.kind != Supervision.Kind.LETTER:
        raise SupervisionError("只有发函督办才有督办函")
    data = render_supervision_letter(supervision=supervision)
    with transaction.atomic():
        audit_record(actor=actor, action="supervision.letter_download", target=supervision,
                     data={"number": supervision.number, "letter_kind": supervision.letter_kind})
    return data


# --- 三项建议 (Art 40) -------------------------------------------------------------------------

@dataclass(frozen=True)
class RecommendationInput:
    kind: str
    target_org_id: int
    subject: str
    content: str
    petition_ids: tuple[int, ...] = ()
    issued_on: date | None = None
    due_on: date | None = None
    due_days: int | None = None


def recommendation_issue(*, data: RecommendationInput, actor: User) -> Recommendation:
    """A recommendation to improve work, improve policy or pursue accountability (Art 40)."""
    office = require_supervisor(actor, action="提出建议")
    if data.kind not in Recommendation.Kind.values:
        raise SupervisionError({"kind": "请选择建议类别"})
    subject = " ".join((data.subject or "").split())
    if not subject:
        raise SupervisionError({"subject": "请填写建议事项"})
    if not (data.content or "").strip():
        raise SupervisionError({"content": "请填写发现的问题和建议内容"})
    issued_on = data.issued_on or _today()
    if issued_on > _today():
        raise SupervisionError({"issued_on": "签发日期不能晚于今天"})
    with transaction.atomic():
        target_org = Org.objects.filter(pk=data.target_org_id, is_active=True).first()
        if target_org is None:
            raise SupervisionError({"target_org": "责任单位不存在"})
        petitions = [_visible_petition(user=actor, petition_id=pk) for pk in dict.fromkeys(data.petition_ids)]
        _check_target(user=actor, office=office, target_org=target_org, petitions=petitions)
        due_on, basis = _due(office=office, issued_on=issued_on, key="recommendation", due_on=data.due_on,
                             due_days=data.due_days)
        sequence = _next_sequence(org=office, year=issued_on.year, series=RecordSequence.Series.RECOMMENDATION)
        record = Recommendation.objects.create(
            number=format_record_number(office=office, year=issued_on.year, sequence=sequence,
                                        series=RecordSequence.Series.RECOMMENDATION),
            year=issued_on.year, sequence=sequence, office=office, target_org=target_org, kind=data.kind,
            subject=subject[:200], content=data.content.strip(), issued_by=actor, issued_on=issued_on,
            due_on=due_on, due_basis=basis,
        )
        record.petitions.set(petitions)
        audit_record(actor=actor, action="recommendation.issue", target=record,
                     data=_audit_data(record, petitions=[petition.number for petition in petitions],
                                      article=ART_40))
    return record


def recommendation_reply(*, recommendation_id: int, adoption: str, reply: str, actor: User,
                         replied_on: date | None = None) -> Recommendation:
    """The unit's written reply: adopted, partly or not, and why (Art 40)."""
    with transaction.atomic():
        record = _locked(Recommendation, recommendation_id)
        _require_unit_head(actor, record, action="答复建议")
        if record.status != RecordStatus.OPEN:
            raise SupervisionError(f"{record.number}已{record.get_status_display()}，不能再次答复")
        if adoption not in Recommendation.Adoption.values:
            raise SupervisionError({"adoption": "请选择采纳情况"})
        text = (reply or "").strip()
        if not text:
            raise SupervisionError({"reply": "请填写书面答复（采纳情况及理由）"})
        record.adoption = adoption
        record.reply = text
        record.responded_on = _answer_date(replied_on, record)
        record.responded_by = actor
        record.status = RecordStatus.ANSWERED
        record.save(update_fields=["adoption", "reply", "responded_on", "responded_by", "status", "updated_at"])
        audit_record(actor=actor, action="recommendation.reply", target=record,
                     data=_audit_data(record, adoption=adoption, responded_on=record.responded_on,
                                      late=record.answered_late()))
    return record


def locked_for_note(model, pk: int, *, actor: User, note: str, action: str):
    """(record, text) for a supervisor's note on a record of the actor's office that is not closed; the text is
    required. Call inside the note's transaction (the row stays locked)."""
    record = _locked(model, pk)
    _require_office_supervisor(actor, record, action=action)
    if record.status == RecordStatus.CLOSED:
        raise SupervisionError(f"{record.number}已办结")
    text = (note or "").strip()
    if not text:
        raise SupervisionError({"note": f"请填写{action}情况"})
    return record, text


def recommendation_follow_up(*, recommendation_id: int, note: str, actor: User) -> RecommendationFollowUp:
    """The supervisor's note on how the recommendation is carried out (跟踪落实)."""
    with transaction.atomic():
        record, text = locked_for_note(Recommendation, recommendation_id, actor=actor, note=note, action="跟踪落实")
        follow_up = RecommendationFollowUp.objects.create(recommendation=record, noted_on=_today(), note=text,
                                                          noted_by=actor)
        audit_record(actor=actor, action="recommendation.follow_up", target=record,
                     data=_audit_data(record, follow_up=follow_up.pk))
    return follow_up


def recommendation_close(*, recommendation_id: int, actor: User, note: str = "") -> Recommendation:
    """The supervisor closes a recommendation the unit has replied to."""
    return _close(Recommendation, recommendation_id, actor=actor, note=note, action="建议办结",
                  audit_action="recommendation.close", unanswered="尚未答复")
