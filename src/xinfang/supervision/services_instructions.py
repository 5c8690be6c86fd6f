"""Writes of 领导批示: record, respond (落实情况), close; one transaction each, audited, permissions checked here.

Who may do what:
- record: a leader (Role.LEADER) or a superuser, on a matter they can see, routed to a unit in their scope that
  can see the matter — never, for an accusation, the accused unit or a unit inside it (Art 30);
- respond: the head (Role.HANDLING_ORG_HEAD) of the routed unit: progress entries, then one final response;
- close (办结): after the final response, the leader who instructed or a 督查督办员 of the registering office.
Recording notifies the routed unit's heads and the registering office's supervisors; the final response
notifies the leader and those supervisors (in-app; the worker's scan e-mails undelivered notifications).
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from xinfang.audit.services import audit_record
from xinfang.notifications.models import Notification
from xinfang.orgs.models import Org, Role, User
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.supervision.instructions import Instruction, InstructionResponse
from xinfang.supervision.records import RecordSequence
from xinfang.supervision.selectors_instructions import unit_sees_petition
from xinfang.supervision.services_records import (
    SupervisionError,
    _check_target,
    _due,
    _next_sequence,
)


class InstructionError(SupervisionError):
    """A 批示 action the rules refuse; the message says why."""


def can_instruct(user: User) -> bool:
    return user.is_superuser or user.has_role(Role.LEADER)


def _is_unit_head(user: User, instruction: Instruction) -> bool:
    return user.org_id == instruction.target_org_id and user.has_role(Role.HANDLING_ORG_HEAD)


def _is_closer(user: User, instruction: Instruction) -> bool:
    office_supervisor = user.org_id == instruction.petition.registering_org_id and user.has_role(Role.SUPERVISOR)
    return user.pk == instruction.leader_id or office_supervisor


def may_respond(user: User, instruction: Instruction) -> bool:
    """The routed unit's head, while no final response is in (the case page asks the same)."""
    return instruction.status == Instruction.Status.OPEN and _is_unit_head(user, instruction)


def may_close(user: User, instruction: Instruction) -> bool:
    """After the final response: the leader who instructed, or a supervisor of the registering office."""
    return instruction.status == Instruction.Status.ANSWERED and _is_closer(user, instruction)


def _today() -> date:
    return timezone.localdate()


def _format_number(*, org: Org, year: int, sequence: int) -> str:
    """清溪区批〔2026〕3号: the leader's organ's prefix, 批, the year and the sequence, as offices number them."""
    return f"{org.display_prefix}批〔{year}〕{sequence}号"


def _notify(*, recipients: list[User], petition: Petition, title: str, body: str) -> int:
    # The body names the matter and the dates, not the instruction's words: e-mail leaves the intranet, and
    # the case page (checked against the reader's scope) shows the rest.
    Notification.objects.bulk_create([
        Notification(recipient=user, title=title, body=body, petition=petition) for user in recipients])
    return len(recipients)


def _recipients(*, petition: Petition, query: Q, actor: User) -> list[User]:
    """Active users matching `query` who can see the matter (Art 30), each once, never the actor."""
    candidates = (User.objects.filter(is_active=True).filter(query).exclude(pk=actor.pk)
                  .select_related("org").distinct().order_by("pk"))
    return [user for user in candidates if petitions_visible_to(user=user).filter(pk=petition.pk).exists()]


def _office_supervisors(petition: Petition) -> Q:
    return Q(org_id=petition.registering_org_id, roles__role=Role.SUPERVISOR)


# --- record -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class InstructionInput:
    petition_id: int
    text: str
    target_org_id: int | None = None  # default: the matter's handling org, or the registering office
    priority: str = Instruction.Priority.NORMAL
    issued_on: date | None = None
    due_on: date | None = None
    due_days: int | None = None  # working days; neither this nor due_on: the policy's period


def _target(*, data: InstructionInput, petition: Petition) -> Org:
    if data.target_org_id:
        target = Org.objects.filter(pk=data.target_org_id, is_active=True).first()
        if target is None:
            raise InstructionError({"target_org": "落实单位不存在"})
        return target
    return petition.handling_org or petition.registering_org


def instruction_record(*, data: InstructionInput, actor: User) -> Instruction:
    """A leader's 批示 on a matter, routed to a unit, due by a date; the unit's heads and the office are told."""
    if not can_instruct(actor):
        raise PermissionDenied("“领导批示”须由领导干部办理")
    text = (data.text or "").strip()
    if not text:
        raise InstructionError({"text": "请填写批示内容"})
    if data.priority not in Instruction.Priority.values:
        raise InstructionError({"priority": "请选择紧急程度"})
    issued_on = data.issued_on or _today()
    if issued_on > _today():
        raise InstructionError({"issued_on": "批示日期不能晚于今天"})
    with transaction.atomic():
        petition = (petitions_visible_to(user=actor).select_related("handling_org", "registering_org__parent")
                    .filter(pk=data.petition_id).first())
        if petition is None:
            raise InstructionError({"petition": "信访事项不存在或不在本人范围内"})
        if issued_on < timezone.localdate(petition.received_at):
            raise InstructionError({"issued_on": "批示日期不能早于信访事项的收到日期"})
        # A superuser outside every org instructs in the name of the government the registering office works for.
        org = actor.org or petition.registering_org.parent or petition.registering_org
        target = _target(data=data, petition=petition)
        # The records' check: the leader's scope, and Art 30 (never the accused unit for an accusation).
        _check_target(user=actor, office=org, target_org=target, petitions=[petition])
        if not unit_sees_petition(org=target, petition=petition):
            raise InstructionError({"target_org": f"{target.name}不在该信访事项的办理范围内（看不到该事项），"
                                                  "请交责任单位、属地或登记的信访部门落实"})
        # The records' rule: a date, N working days, or the policy's `instruction` period, on the leader's calendar.
        due_on, basis = _due(office=org, issued_on=issued_on, key="instruction", due_on=data.due_on,
                             due_days=data.due_days)
        sequence = _next_sequence(org=org, year=issued_on.year, series=RecordSequence.Series.INSTRUCTION)
        instruction = Instruction.objects.create(
            number=_format_number(org=org, year=issued_on.year, sequence=sequence), year=issued_on.year,
            sequence=sequence, org=org, petition=petition, leader=actor, text=text, target_org=target,
            priority=data.priority, issued_on=issued_on, due_on=due_on, due_basis=basis)
        recipients = _recipients(petition=petition, actor=actor, query=(
            Q(org_id=target.pk, roles__role=Role.HANDLING_ORG_HEAD) | _office_supervisors(petition)))
        urgency = "" if data.priority == Instruction.Priority.NORMAL else f"【{instruction.get_priority_display()}】"
        sent = _notify(recipients=recipients, petition=petition,
                       title=f"【领导批示】{urgency}{petition.number} 交{target.name}落实",
                       body=(f"{actor}于{issued_on:%Y-%m-%d}对信访事项{petition.number}作出批示（{instruction.number}），"
                             f"交{target.name}落实，请于{due_on:%Y-%m-%d}前反馈落实情况。"))
        audit_record(actor=actor, action="instruction.record", target=instruction, data={
            "number": instruction.number, "petition": petition.number, "target_org": target.pk,
            "due_on": due_on, "due_basis": basis, "priority": data.priority, "notified": sent})
    return instruction


# --- respond and close ------------------------------------------------------------------------

def _locked_visible(*, instruction_id: int, actor: User, action: str) -> Instruction:
    """The instruction, row-locked; PermissionDenied when the actor cannot see its matter (as if missing)."""
    instruction = Instruction.objects.select_for_update().filter(pk=instruction_id).first()
    if instruction is None or not petitions_visible_to(user=actor).filter(pk=instruction.petition_id).exists():
        raise PermissionDenied(f"“{action}”：批示不存在或不在本人范围内")
    return instruction


def instruction_respond(*, instruction_id: int, text: str, final: bool, actor: User,
                        responded_on: date | None = None) -> InstructionResponse:
    """The routed unit's head reports how the instruction is carried out: progress, or the final response."""
    action = "反馈批示落实情况"
    with transaction.atomic():
        instruction = _locked_visible(instruction_id=instruction_id, actor=actor, action=action)
        if not _is_unit_head(actor, instruction):
            raise PermissionDenied(f"“{action}”须由落实单位（{instruction.target_org.name}）负责人办理")
        if instruction.status != Instruction.Status.OPEN:
            raise InstructionError(f"{instruction.number}{instruction.get_status_display()}，不能再反馈")
        body = (text or "").strip()
        if not body:
            raise InstructionError({"text": "请填写落实情况"})
        day = responded_on or _today()
        if day > _today():
            raise InstructionError({"responded_on": "反馈日期不能晚于今天"})
        if day < instruction.issued_on:
            raise InstructionError({"responded_on": "反馈日期不能早于批示日期"})
        kind = InstructionResponse.Kind.FINAL if final else InstructionResponse.Kind.PROGRESS
        response = InstructionResponse.objects.create(instruction=instruction, kind=kind, text=body,
                                                      responded_on=day, responded_by=actor)
        sent = 0
        if final:
            instruction.status = Instruction.Status.ANSWERED
            instruction.answered_on = day
            instruction.save(update_fields=["status", "answered_on", "updated_at"])
            petition = instruction.petition
            recipients = _recipients(petition=petition, actor=actor,
                                     query=Q(pk=instruction.leader_id) | _office_supervisors(petition))
            sent = _notify(recipients=recipients, petition=petition,
                           title=f"【批示反馈】{petition.number} {instruction.target_org.name}已反馈落实情况",
                           body=(f"{instruction.number}（信访事项{petition.number}）：{instruction.target_org.name}"
                                 f"于{day:%Y-%m-%d}报送最终落实情况，请审阅并办结。"))
        audit_record(actor=actor, action="instruction.respond", target=instruction, data={
            "number": instruction.number, "kind": kind, "responded_on": day, "response": response.pk,
            "late": final and instruction.answered_late(), "notified": sent})
    return response


def instruction_close(*, instruction_id: int, actor: User, note: str = "") -> Instruction:
    """办结 after the final response: the leader who instructed, or a supervisor of the registering office."""
    action = "批示办结"
    with transaction.atomic():
        instruction = _locked_visible(instruction_id=instruction_id, actor=actor, action=action)
        if not _is_closer(actor, instruction):
            office = instruction.petition.registering_org.name
            raise PermissionDenied(f"“{action}”须由批示领导或{office}的督查督办员办理")
        if instruction.status != Instruction.Status.ANSWERED:
            state = "已办结" if instruction.status == Instruction.Status.CLOSED else "尚未报送最终落实情况"
            raise InstructionError(f"{instruction.number}{state}，不能办结")
        instruction.status = Instruction.Status.CLOSED
        instruction.closed_by = actor
        instruction.closed_on = _today()
        instruction.closing_note = (note or "").strip()
        instruction.save(update_fields=["status", "closed_by", "closed_on", "closing_note", "updated_at"])
        audit_record(actor=actor, action="instruction.close", target=instruction,
                     data={"number": instruction.number, "closed_on": instruction.closed_on})
    return instruction
