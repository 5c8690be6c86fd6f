"""Writes of the 积案/包案 ledger and the 群众信访问题清单: one function per use case, one transaction, audited,
versioned (LedgerVersion, ledger "backlog" / "problem").

A case is recorded (化解中) with its leader in charge (包案领导) and 专班; 台账 entries are appended; the unit
reports it resolved (报结: date and how); the petition office's reviewer verifies it — passed: struck off (销号,
with the date), not passed: back to 化解中 with the reason. A retold petition after 销号 is a 反流
(reflux_detect, from the matching app's repeat links). Who may do what: prevention.permissions.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from xinfang.audit.services import audit_record
from xinfang.orgs.models import Org, Role, User
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.prevention.backlog import (
    BACKLOG_LEDGER,
    PROBLEM_LEDGER,
    BacklogCase,
    BacklogEntry,
    BacklogReflux,
    ProblemListItem,
)
from xinfang.prevention.permissions import in_scope, require_office_reviewer, require_recorder
from xinfang.prevention.selectors_backlog import backlog_visible_to, problems_visible_to
from xinfang.prevention.services_common import check_version, next_number, snapshot, version_append

CASE_FIELDS = ("number", "summary", "source", "batch", "batch_number", "assigned_on", "responsible_org", "leader",
               "task_force", "due_on", "status", "reported_on", "resolution", "verified_by", "struck_off_on",
               "return_reason")
PROBLEM_FIELDS = ("number", "summary", "responsible_person", "responsible_org", "listed_on", "due_on", "status",
                  "struck_off_on", "note")


def _today() -> date:
    return timezone.localdate()




def _org_clean(errors: dict, *, org_id: int, actor: User, field: str = "responsible_org") -> Org | None:
    org = Org.objects.filter(pk=org_id, is_active=True).first()
    if org is None:
        errors[field] = "请选择责任单位"
    elif not in_scope(actor, org.pk):
        errors[field] = f"{org.name}不在本单位范围内"
    return org


# --- 积案 -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseInput:
    summary: str
    source: str
    assigned_on: date
    responsible_org_id: int
    leader_id: int
    due_on: date
    batch: str = ""
    batch_number: str = ""
    task_force: str = ""
    petition_id: int | None = None


def _case_clean(*, data: CaseInput, actor: User) -> dict:
    errors: dict[str, str] = {}
    values: dict = {}
    if not data.summary.strip():
        errors["summary"] = "请填写积案名称"
    if data.source not in BacklogCase.Source.values:
        errors["source"] = "请选择来源（上级交办、本级排查或领导接访）"
    if data.source == BacklogCase.Source.ASSIGNED and not data.batch.strip():
        errors["batch"] = "上级交办的，请填写交办批次（如“治重化积”）"
    values["responsible_org"] = _org_clean(errors, org_id=data.responsible_org_id, actor=actor)
    leader = User.objects.filter(pk=data.leader_id, is_active=True).first() if data.leader_id else None
    if leader is None or not leader.has_role(Role.LEADER):
        errors["leader"] = "包案领导应为领导干部"
    values["leader"] = leader
    if data.assigned_on > _today():
        errors["assigned_on"] = "交办（列入）日期不能晚于今天"
    if data.due_on < data.assigned_on:
        errors["due_on"] = "化解期限不能早于交办（列入）日期"
    values["petition"] = None
    if data.petition_id:
        values["petition"] = petitions_visible_to(user=actor).filter(pk=data.petition_id).first()
        if values["petition"] is None:
            errors["petition"] = "找不到信访件或无权查看"
    if errors:
        raise ValidationError(errors)
    return values


def _case_snapshot(case: BacklogCase) -> dict:
    # The petition is not in the history (its number is shown live, only to who may see it).
    return snapshot(case, fields=CASE_FIELDS)


def _apply(case: BacklogCase, data: CaseInput, values: dict) -> None:
    case.summary, case.source = data.summary.strip(), data.source
    case.batch, case.batch_number = data.batch.strip(), data.batch_number.strip()
    case.assigned_on, case.due_on, case.task_force = data.assigned_on, data.due_on, data.task_force.strip()
    case.responsible_org, case.leader = values["responsible_org"], values["leader"]


def _audit(case: BacklogCase, **extra) -> dict:
    return {"number": case.number, "version": case.version, "status": case.status, "leader": case.leader_id,
            "unit": case.responsible_org_id, **extra}


@transaction.atomic
def case_create(*, data: CaseInput, actor: User) -> BacklogCase:
    """Record a 积案 with its 包案领导 (from a petition, a list assigned from above, or the level's own screening)."""
    require_recorder(actor, action="登记积案")
    values = _case_clean(data=data, actor=actor)
    case = BacklogCase(number=next_number(series="backlog", mark="积案", year=data.assigned_on.year),
                       recorded_by=actor, recording_org=actor.org or values["responsible_org"],
                       petition=values["petition"])
    _apply(case, data, values)
    case.full_clean()
    case.save()
    version_append(ledger=BACKLOG_LEDGER, record=case, actor=actor, action="登记", data=_case_snapshot(case))
    audit_record(actor=actor, action="prevention.backlog_create", target=case,
                 data=_audit(case, petition=case.petition_id))
    return case


def _locked(*, case_id: int, actor: User) -> BacklogCase:
    case = backlog_visible_to(user=actor).select_for_update(of=("self",)).filter(pk=case_id).first()
    if case is None:
        raise PermissionDenied("积案不存在或不在本单位范围内")
    return case


@transaction.atomic
def case_update(*, case_id: int, data: CaseInput, actor: User, expected_version: int | None = None,
                note: str = "") -> BacklogCase:
    """Change a case's facts while it is 化解中; its petition link stays as it was made."""
    require_recorder(actor, action="修改积案")
    case = _locked(case_id=case_id, actor=actor)
    check_version(case, expected_version)
    if case.status != BacklogCase.Status.OPEN:
        raise ValidationError(f"{case.number}当前为“{case.get_status_display()}”，不能修改")
    before = _case_snapshot(case)
    values = _case_clean(data=CaseInput(**{**data.__dict__, "petition_id": None}), actor=actor)
    _apply(case, data, values)
    case.version += 1
    case.full_clean()
    case.save()
    version = version_append(ledger=BACKLOG_LEDGER, record=case, actor=actor, action="修改",
                             data=_case_snapshot(case), before=before, note=note.strip())
    audit_record(actor=actor, action="prevention.backlog_update", target=case,
                 data=_audit(case, changed=list(version.changes)))
    return case


@dataclass(frozen=True)
class EntryInput:
    done_on: date
    content: str
    done_by: str


@transaction.atomic
def entry_add(*, case_id: int, data: EntryInput, actor: User) -> BacklogEntry:
    """Append a line to the case's 台账 (what was done, when, by whom); lines are never changed."""
    require_recorder(actor, action="记录积案台账")
    case = _locked(case_id=case_id, actor=actor)
    errors = {}
    if not data.content.strip():
        errors["content"] = "请填写工作内容"
    if not data.done_by.strip():
        errors["done_by"] = "请填写办理人"
    if data.done_on > _today():
        errors["done_on"] = "日期不能晚于今天"
    elif data.done_on < case.assigned_on:
        errors["done_on"] = "日期不能早于交办（列入）日期"
    if errors:
        raise ValidationError(errors)
    entry = BacklogEntry.objects.create(case=case, done_on=data.done_on, content=data.content.strip(),
                                        done_by=data.done_by.strip(), recorded_by=actor)
    audit_record(actor=actor, action="prevention.backlog_entry", target=case,
                 data={"number": case.number, "entry": entry.pk, "done_on": entry.done_on.isoformat()})
    return entry


@transaction.atomic
def case_report(*, case_id: int, reported_on: date, resolution: str, actor: User) -> BacklogCase:
    """报结: the unit reports the case resolved, with the date and how; the office's reviewer then verifies."""
    require_recorder(actor, action="积案报结")
    case = _locked(case_id=case_id, actor=actor)
    if case.status != BacklogCase.Status.OPEN:
        raise ValidationError(f"{case.number}当前为“{case.get_status_display()}”，不能报结")
    errors = {}
    if not resolution.strip():
        errors["resolution"] = "请填写化解情况（如何化解）"
    if reported_on > _today():
        errors["reported_on"] = "报结日期不能晚于今天"
    elif reported_on < case.assigned_on:
        errors["reported_on"] = "报结日期不能早于交办（列入）日期"
    if errors:
        raise ValidationError(errors)
    before = _case_snapshot(case)
    case.status, case.reported_on, case.resolution = BacklogCase.Status.REPORTED, reported_on, resolution.strip()
    case.reported_by, case.return_reason = actor, ""
    case.version += 1
    case.full_clean()
    case.save()
    version_append(ledger=BACKLOG_LEDGER, record=case, actor=actor, action="报结", data=_case_snapshot(case),
                   before=before)
    audit_record(actor=actor, action="prevention.backlog_report", target=case, data=_audit(case))
    return case


@transaction.atomic
def case_verify(*, case_id: int, approve: bool, actor: User, reason: str = "",
                struck_off_on: date | None = None) -> BacklogCase:
    """核实: the office's reviewer strikes the reported case off (销号, with the date) or returns it (化解中)."""
    require_office_reviewer(actor, action="核实积案报结并销号")
    case = _locked(case_id=case_id, actor=actor)
    if case.status != BacklogCase.Status.REPORTED:
        raise ValidationError(f"{case.number}当前为“{case.get_status_display()}”，没有待核实的报结")
    if not approve and not reason.strip():
        raise ValidationError({"reason": "核实不通过的，请填写退回理由"})
    struck_off_on = struck_off_on or _today()
    if approve and (struck_off_on < case.reported_on or struck_off_on > _today()):
        raise ValidationError({"struck_off_on": "销号日期应在报结日期与今天之间"})
    before = _case_snapshot(case)
    if approve:
        case.status, case.verified_by, case.struck_off_on = BacklogCase.Status.STRUCK_OFF, actor, struck_off_on
    else:
        case.status, case.return_reason, case.reported_on = BacklogCase.Status.OPEN, reason.strip(), None
    case.version += 1
    case.full_clean()
    case.save()
    version_append(ledger=BACKLOG_LEDGER, record=case, actor=actor, action="核实销号" if approve else "核实不通过",
                   data=_case_snapshot(case), before=before, note=reason.strip())
    audit_record(actor=actor, action="prevention.backlog_strike_off" if approve else "prevention.backlog_return",
                 target=case, data=_audit(case, reason=reason.strip()))
    return case


# --- 反流 -----------------------------------------------------------------------------------------------


def reflux_detect(*, petition: Petition, matter_root_id: int, on: date | None = None) -> list[BacklogReflux]:
    """A petition just judged part of the matter rooted at `matter_root_id`: a 反流 of every struck-off case of
    that matter which it arrived after (received after the 销号 date). Recorded once per case and petition."""
    cases = (BacklogCase.objects.filter(status=BacklogCase.Status.STRUCK_OFF)
             .filter(Q(petition_id=matter_root_id) | Q(petition__first_petition_id=matter_root_id))
             .exclude(petition_id=petition.pk))
    received_on = timezone.localdate(petition.received_at)
    found = []
    for case in cases:
        if received_on <= case.struck_off_on:
            continue
        try:
            with transaction.atomic():
                reflux = BacklogReflux.objects.create(case=case, petition=petition, detected_on=on or _today())
        except IntegrityError:
            continue  # already recorded
        audit_record(actor=None, action="prevention.backlog_reflux", target=case,
                     data={"number": case.number, "petition": petition.pk})
        found.append(reflux)
    return found


# --- 群众信访问题清单 ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProblemInput:
    summary: str
    responsible_person: str
    responsible_org_id: int
    listed_on: date
    due_on: date
    note: str = ""


def _problem_clean(*, data: ProblemInput, actor: User) -> Org:
    errors: dict[str, str] = {}
    if not data.summary.strip():
        errors["summary"] = "请填写问题"
    if not data.responsible_person.strip():
        errors["responsible_person"] = "请填写责任人"
    org = _org_clean(errors, org_id=data.responsible_org_id, actor=actor)
    if data.listed_on > _today():
        errors["listed_on"] = "列入日期不能晚于今天"
    if data.due_on < data.listed_on:
        errors["due_on"] = "限时销号日期不能早于列入日期"
    if errors:
        raise ValidationError(errors)
    return org


def _problem_apply(item: ProblemListItem, data: ProblemInput, org: Org) -> None:
    item.summary, item.responsible_person = data.summary.strip(), data.responsible_person.strip()
    item.responsible_org, item.listed_on, item.due_on, item.note = org, data.listed_on, data.due_on, data.note.strip()


@transaction.atomic
def problem_create(*, data: ProblemInput, actor: User) -> ProblemListItem:
    require_recorder(actor, action="登记群众信访问题清单")
    org = _problem_clean(data=data, actor=actor)
    item = ProblemListItem(number=next_number(series="problem", mark="清单", year=data.listed_on.year),
                           recorded_by=actor, recording_org=actor.org or org)
    _problem_apply(item, data, org)
    item.full_clean()
    item.save()
    version_append(ledger=PROBLEM_LEDGER, record=item, actor=actor, action="登记",
                   data=snapshot(item, fields=PROBLEM_FIELDS))
    audit_record(actor=actor, action="prevention.problem_create", target=item, data={"number": item.number})
    return item


def _problem_locked(*, item_id: int, actor: User) -> ProblemListItem:
    item = problems_visible_to(user=actor).select_for_update(of=("self",)).filter(pk=item_id).first()
    if item is None:
        raise PermissionDenied("清单事项不存在或不在本单位范围内")
    return item


@transaction.atomic
def problem_update(*, item_id: int, data: ProblemInput, actor: User,
                   expected_version: int | None = None) -> ProblemListItem:
    require_recorder(actor, action="修改群众信访问题清单")
    item = _problem_locked(item_id=item_id, actor=actor)
    check_version(item, expected_version)
    if item.status == ProblemListItem.Status.STRUCK_OFF:
        raise ValidationError(f"{item.number}已销号，不能修改")
    before = snapshot(item, fields=PROBLEM_FIELDS)
    _problem_apply(item, data, _problem_clean(data=data, actor=actor))
    item.version += 1
    item.full_clean()
    item.save()
    version_append(ledger=PROBLEM_LEDGER, record=item, actor=actor, action="修改",
                   data=snapshot(item, fields=PROBLEM_FIELDS), before=before)
    audit_record(actor=actor, action="prevention.problem_update", target=item, data={"number": item.number})
    return item


@transaction.atomic
def problem_strike_off(*, item_id: int, struck_off_on: date, note: str, actor: User) -> ProblemListItem:
    """销号 of a listed matter: by the petition office's reviewer, with the date and how it was resolved."""
    require_office_reviewer(actor, action="问题清单销号")
    item = _problem_locked(item_id=item_id, actor=actor)
    if item.status == ProblemListItem.Status.STRUCK_OFF:
        raise ValidationError(f"{item.number}已销号")
    if struck_off_on < item.listed_on or struck_off_on > _today():
        raise ValidationError({"struck_off_on": "销号日期应在列入日期与今天之间"})
    if not note.strip():
        raise ValidationError({"note": "请填写化解情况"})
    before = snapshot(item, fields=PROBLEM_FIELDS)
    item.status, item.struck_off_on, item.note = ProblemListItem.Status.STRUCK_OFF, struck_off_on, note.strip()
    item.version += 1
    item.full_clean()
    item.save()
    version_append(ledger=PROBLEM_LEDGER, record=item, actor=actor, action="销号",
                   data=snapshot(item, fields=PROBLEM_FIELDS), before=before)
    audit_record(actor=actor, action="prevention.problem_strike_off", target=item, data={"number": item.number})
    return item
