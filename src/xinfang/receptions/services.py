"""Writes of the receptions ledger: one function per use case, one transaction, audited, versioned.

A schedule (接访安排) is made, published for the portal (or withdrawn), held or cancelled; a reception (接访记录)
is recorded on a schedule or ad hoc, with its 批次, 人次, 涉及资金 and the leader's instructions; the petitions
registered there (or already registered) are linked to it, each with the leader's instruction. The history is
the prevention ledgers' LedgerVersion table (ledgers "reception_schedule" and "reception"); it never names a
petition (links are shown live, filtered per reader: Art 30). Who may do what: receptions.permissions.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from xinfang.audit.services import audit_record
from xinfang.orgs.models import Role, User
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.prevention.services_common import next_number, petitions_by_number, snapshot, version_append
from xinfang.prevention.services_common import check_version
from xinfang.prevention.services_disputes import MAX_AMOUNT
from xinfang.receptions.models import Reception, ReceptionKind, ReceptionPetition, ReceptionSchedule, TimeSlot
from xinfang.receptions.permissions import can_record_for, require_recorder

SCHEDULE_LEDGER = "reception_schedule"
RECEPTION_LEDGER = "reception"
SCHEDULE_FIELDS = ("number", "leader", "org", "scheduled_on", "slot", "place", "kind", "topics", "published",
                   "status", "cancel_reason")
RECEPTION_FIELDS = ("number", "schedule", "leader", "org", "received_on", "place", "kind", "batches",
                    "person_times", "amount", "summary", "instructions")
MAX_COUNT = 1_000_000


def _today() -> date:
    return timezone.localdate()


def _leader(*, leader_id: int, actor: User, errors: dict[str, str]) -> User | None:
    leader = User.objects.filter(pk=leader_id, is_active=True).select_related("org").first()
    if leader is None or leader.org_id is None or not leader.has_role(Role.LEADER):
        errors["leader"] = "接访领导应为在岗的领导干部"
        return None
    if not can_record_for(actor, leader.org_id):
        errors["leader"] = f"{leader}（{leader.org.name}）不在本单位范围内"
        return None
    return leader


# --- 接访安排 ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleInput:
    leader_id: int
    scheduled_on: date
    slot: str
    place: str
    kind: str
    topics: str = ""


def _schedule_clean(*, data: ScheduleInput, actor: User) -> User:
    errors: dict[str, str] = {}
    leader = _leader(leader_id=data.leader_id, actor=actor, errors=errors)
    if data.slot not in TimeSlot.values:
        errors["slot"] = "请选择时段（上午、下午、全天）"
    if data.kind not in ReceptionKind.values:
        errors["kind"] = "请选择接访方式（领导接访日、约访、下访）"
    if not data.place.strip():
        errors["place"] = "请填写接访地点"
    if errors:
        raise ValidationError(errors)
    return leader


def _schedule_snapshot(schedule: ReceptionSchedule) -> dict:
    return snapshot(schedule, fields=SCHEDULE_FIELDS)


def _schedule_apply(schedule: ReceptionSchedule, data: ScheduleInput, leader: User) -> None:
    schedule.leader, schedule.org, schedule.level = leader, leader.org, leader.org.level
    schedule.scheduled_on, schedule.slot, schedule.kind = data.scheduled_on, data.slot, data.kind
    schedule.place, schedule.topics = data.place.strip(), data.topics.strip()


@transaction.atomic
def schedule_create(*, data: ScheduleInput, actor: User) -> ReceptionSchedule:
    """Plan a reception: a 领导接访日, a 约访 or a 下访 of a leader in the actor's scope."""
    require_recorder(actor, action="安排领导接访")
    leader = _schedule_clean(data=data, actor=actor)
    schedule = ReceptionSchedule(number=next_number(series=SCHEDULE_LEDGER, mark="接访安排",
                                                    year=data.scheduled_on.year), recorded_by=actor)
    _schedule_apply(schedule, data, leader)
    schedule.full_clean()
    schedule.save()
    version_append(ledger=SCHEDULE_LEDGER, record=schedule, actor=actor, action="安排",
                   data=_schedule_snapshot(schedule))
    audit_record(actor=actor, action="receptions.schedule_create", target=schedule,
                 data={"number": schedule.number, "leader": leader.pk, "on": data.scheduled_on.isoformat()})
    return schedule


def _locked(visible, *, pk: int, actor: User, missing: str):
    """The record locked, if the actor sees it and may record for its leader's org; else one refusal for both."""
    record = visible(user=actor).select_for_update(of=("self",)).filter(pk=pk).first()
    if record is None or not can_record_for(actor, record.org_id):
        raise PermissionDenied(missing)
    return record


def _schedule_locked(*, schedule_id: int, actor: User) -> ReceptionSchedule:
    from xinfang.receptions.selectors import schedules_visible_to

    return _locked(schedules_visible_to, pk=schedule_id, actor=actor, missing="接访安排不存在或不在本单位范围内")


def _schedule_changed(schedule: ReceptionSchedule, *, actor: User, action: str, before: dict, audit: str,
                      note: str = "") -> ReceptionSchedule:
    schedule.version += 1
    schedule.full_clean()
    schedule.save()
    version = version_append(ledger=SCHEDULE_LEDGER, record=schedule, actor=actor, action=action,
                             data=_schedule_snapshot(schedule), before=before, note=note)
    audit_record(actor=actor, action=f"receptions.{audit}", target=schedule,
                 data={"number": schedule.number, "version": schedule.version, "changed": list(version.changes)})
    return schedule


@transaction.atomic
def schedule_update(*, schedule_id: int, data: ScheduleInput, actor: User,
                    expected_version: int | None = None) -> ReceptionSchedule:
    """Change a planned reception (not one held or cancelled); the previous state stays in its history."""
    require_recorder(actor, action="修改领导接访安排")
    schedule = _schedule_locked(schedule_id=schedule_id, actor=actor)
    check_version(schedule, expected_version)
    if schedule.status != ReceptionSchedule.Status.PLANNED:
        raise ValidationError(f"{schedule.number}{schedule.get_status_display()}，不能修改")
    before = _schedule_snapshot(schedule)
    _schedule_apply(schedule, data, _schedule_clean(data=data, actor=actor))
    return _schedule_changed(schedule, actor=actor, action="修改", before=before, audit="schedule_update")


@transaction.atomic
def schedule_publish(*, schedule_id: int, publish: bool, actor: User) -> ReceptionSchedule:
    """Publish the schedule for the public list (portal), or withdraw it."""
    require_recorder(actor, action="公布领导接访安排")
    schedule = _schedule_locked(schedule_id=schedule_id, actor=actor)
    if publish and schedule.status == ReceptionSchedule.Status.CANCELLED:
        raise ValidationError(f"{schedule.number}已取消，不能公布")
    if schedule.published == publish:
        raise ValidationError(f"{schedule.number}{'已' if publish else '未'}公布")
    before = _schedule_snapshot(schedule)
    schedule.published = publish
    return _schedule_changed(schedule, actor=actor, action="公布" if publish else "撤回公布", before=before,
                             audit="schedule_publish" if publish else "schedule_withdraw")


@transaction.atomic
def schedule_cancel(*, schedule_id: int, reason: str, actor: User) -> ReceptionSchedule:
    """Cancel a planned reception (it leaves the public list); the reason is kept."""
    require_recorder(actor, action="取消领导接访安排")
    schedule = _schedule_locked(schedule_id=schedule_id, actor=actor)
    if schedule.status != ReceptionSchedule.Status.PLANNED:
        raise ValidationError(f"{schedule.number}{schedule.get_status_display()}，不能取消")
    if not reason.strip():
        raise ValidationError({"reason": "请填写取消原因"})
    before = _schedule_snapshot(schedule)
    schedule.status, schedule.cancel_reason, schedule.published = (ReceptionSchedule.Status.CANCELLED,
                                                                   reason.strip()[:300], False)
    return _schedule_changed(schedule, actor=actor, action="取消", before=before, audit="schedule_cancel",
                             note=reason.strip())


# --- 接访记录 ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceptionInput:
    leader_id: int
    received_on: date
    place: str
    kind: str
    batches: int
    person_times: int
    amount: Decimal = Decimal("0.00")
    summary: str = ""
    instructions: str = ""
    schedule_id: int | None = None
    petition_numbers: tuple[str, ...] = field(default_factory=tuple)


def _reception_clean(*, data: ReceptionInput, actor: User, current: Reception | None = None) -> dict:
    """The validated values of a reception (or a ValidationError naming every field that is wrong)."""
    errors: dict[str, str] = {}
    values: dict = {"leader": _leader(leader_id=data.leader_id, actor=actor, errors=errors), "schedule": None}
    if data.kind not in ReceptionKind.values:
        errors["kind"] = "请选择接访方式（领导接访日、约访、下访）"
    if not data.place.strip():
        errors["place"] = "请填写接访地点"
    if data.received_on > _today():
        errors["received_on"] = "接访日期不能晚于今天"
    for name, label in (("batches", "批次"), ("person_times", "人次")):
        number = getattr(data, name)
        if not isinstance(number, int) or isinstance(number, bool) or not 0 <= number <= MAX_COUNT:
            errors[name] = f"{label}应为不小于0的整数"
    if "batches" not in errors and "person_times" not in errors and data.person_times < data.batches:
        errors["person_times"] = "人次不能少于批次（每批至少1人）"
    if not isinstance(data.amount, Decimal) or data.amount < 0 or data.amount != data.amount.quantize(
            Decimal("0.01")) or data.amount > MAX_AMOUNT:
        errors["amount"] = "涉及资金应为不小于0、最多两位小数的数（万元）"
    if data.schedule_id:
        from xinfang.receptions.selectors import schedules_visible_to

        schedule = schedules_visible_to(user=actor).filter(pk=data.schedule_id).first()
        held_here = current is not None and current.schedule_id == data.schedule_id
        if schedule is None:
            errors["schedule"] = "接访安排不存在或不在本单位范围内"
        elif schedule.status != ReceptionSchedule.Status.PLANNED and not held_here:
            errors["schedule"] = f"{schedule.number}{schedule.get_status_display()}，不能再登记接访"
        elif values["leader"] is not None and schedule.leader_id != values["leader"].pk:
            errors["leader"] = f"接访安排{schedule.number}的接访领导是{schedule.leader}"
        values["schedule"] = schedule
    try:
        values["petitions"] = petitions_by_number(user=actor, numbers=data.petition_numbers)
    except ValidationError as error:
        errors.update({key: messages[0] for key, messages in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    return values


def _reception_apply(reception: Reception, data: ReceptionInput, values: dict) -> None:
    leader = values["leader"]
    reception.schedule, reception.leader, reception.org, reception.level = (values["schedule"], leader, leader.org,
                                                                            leader.org.level)
    reception.received_on, reception.place, reception.kind = data.received_on, data.place.strip(), data.kind
    reception.batches, reception.person_times, reception.amount = data.batches, data.person_times, data.amount
    reception.summary, reception.instructions = data.summary.strip(), data.instructions.strip()


def _reception_snapshot(reception: Reception) -> dict:
    return snapshot(reception, fields=RECEPTION_FIELDS)


def _hold(schedule: ReceptionSchedule | None, *, actor: User) -> None:
    if schedule is None or schedule.status == ReceptionSchedule.Status.HELD:
        return
    locked = ReceptionSchedule.objects.select_for_update().get(pk=schedule.pk)
    before = _schedule_snapshot(locked)
    locked.status = ReceptionSchedule.Status.HELD
    _schedule_changed(locked, actor=actor, action="已接访", before=before, audit="schedule_held")


def _audit(reception: Reception, **extra) -> dict:
    return {"number": reception.number, "version": reception.version, "leader": reception.leader_id,
            "batches": reception.batches, "person_times": reception.person_times, "amount": str(reception.amount),
            **extra}


def _link(reception: Reception, petitions, *, actor: User) -> list[int]:
    have = set(ReceptionPetition.objects.filter(reception=reception, unlinked_at__isnull=True)
               .values_list("petition_id", flat=True))
    added = [petition for petition in petitions if petition.pk not in have]
    ReceptionPetition.objects.bulk_create([ReceptionPetition(reception=reception, petition=petition, linked_by=actor)
                                           for petition in added])
    return [petition.pk for petition in added]


@transaction.atomic
def reception_create(*, data: ReceptionInput, actor: User) -> Reception:
    """Record a reception held (on its schedule, which becomes 已接访, or ad hoc), with petitions already known."""
    require_recorder(actor, action="登记领导接访")
    values = _reception_clean(data=data, actor=actor)
    reception = Reception(number=next_number(series=RECEPTION_LEDGER, mark="接访", year=data.received_on.year),
                          recorded_by=actor, recording_org=actor.org or values["leader"].org)
    _reception_apply(reception, data, values)
    reception.full_clean()
    reception.save()
    _hold(values["schedule"], actor=actor)
    linked = _link(reception, values["petitions"], actor=actor)
    version_append(ledger=RECEPTION_LEDGER, record=reception, actor=actor, action="登记",
                   data=_reception_snapshot(reception))
    audit_record(actor=actor, action="receptions.reception_create", target=reception,
                 data=_audit(reception, linked=linked))
    return reception


def _reception_locked(*, reception_id: int, actor: User) -> Reception:
    from xinfang.receptions.selectors import receptions_visible_to

    return _locked(receptions_visible_to, pk=reception_id, actor=actor, missing="接访记录不存在或不在本单位范围内")


@transaction.atomic
def reception_update(*, reception_id: int, data: ReceptionInput, actor: User, expected_version: int | None = None,
                     note: str = "") -> Reception:
    """Change a reception's facts (petitions are linked and unlinked one by one); the history keeps each version."""
    require_recorder(actor, action="修改领导接访记录")
    reception = _reception_locked(reception_id=reception_id, actor=actor)
    check_version(reception, expected_version)
    before = _reception_snapshot(reception)
    values = _reception_clean(data=data, actor=actor, current=reception)
    if reception.schedule_id and values["schedule"] is None:
        raise ValidationError({"schedule": "按接访安排登记的接访，不能取消与接访安排的关联"})
    _reception_apply(reception, data, values)
    reception.version += 1
    reception.full_clean()
    reception.save()
    _hold(values["schedule"], actor=actor)
    linked = _link(reception, values["petitions"], actor=actor)
    version = version_append(ledger=RECEPTION_LEDGER, record=reception, actor=actor, action="修改",
                             data=_reception_snapshot(reception), before=before, note=note.strip())
    audit_record(actor=actor, action="receptions.reception_update", target=reception,
                 data=_audit(reception, changed=list(version.changes), linked=linked))
    return reception


def _link_version(reception: Reception, *, actor: User, action: str) -> None:
    # The history says that a petition was linked, never which (the reader of the history may not see it).
    reception.version += 1
    reception.save(update_fields=["version", "updated_at"])
    data = _reception_snapshot(reception)
    version_append(ledger=RECEPTION_LEDGER, record=reception, actor=actor, action=action, data=data, before=data)


@transaction.atomic
def reception_petition_link(*, reception_id: int, petition: Petition, actor: User,
                            instruction: str = "") -> ReceptionPetition:
    """Link a petition the actor may see (registered from the reception, or earlier) with the leader's instruction."""
    require_recorder(actor, action="关联接访信访件")
    reception = _reception_locked(reception_id=reception_id, actor=actor)
    if not petitions_visible_to(user=actor).filter(pk=petition.pk).exists():
        raise ValidationError({"petition_number": "找不到信访件或无权查看"})
    if ReceptionPetition.objects.filter(reception=reception, petition=petition, unlinked_at__isnull=True).exists():
        raise ValidationError({"petition_number": f"{petition.number}已关联到{reception.number}"})
    link = ReceptionPetition.objects.create(reception=reception, petition=petition, linked_by=actor,
                                            instruction=instruction.strip())
    _link_version(reception, actor=actor, action="关联信访件")
    audit_record(actor=actor, action="receptions.petition_link", target=reception,
                 data={"number": reception.number, "petition": petition.pk, "link": link.pk})
    return link


def reception_link_by_number(*, reception_id: int, number: str, actor: User,
                             instruction: str = "") -> ReceptionPetition:
    """关联已登记事项: the petition named by its number, if the actor may see it."""
    if not number.strip():
        raise ValidationError({"petition_number": "请填写信访件编号"})
    (petition,) = petitions_by_number(user=actor, numbers=[number], field="petition_number")
    return reception_petition_link(reception_id=reception_id, petition=petition, actor=actor,
                                   instruction=instruction)


def reception_link_registered(*, reception_id: int, petition: Petition, actor: User) -> ReceptionPetition:
    """The registration page's step: link the petition just registered, or refuse the whole registration."""
    try:
        return reception_petition_link(reception_id=reception_id, petition=petition, actor=actor)
    except PermissionDenied as error:
        raise ValidationError({NON_FIELD_ERRORS: f"未能关联领导接访记录：{error}"}) from None
    except ValidationError as error:
        raise ValidationError({NON_FIELD_ERRORS: [f"未能关联领导接访记录：{message}"
                                                  for message in error.messages]}) from None


def _link_locked(*, link_id: int, actor: User) -> ReceptionPetition:
    from xinfang.receptions.selectors import reception_links_visible_to

    link = reception_links_visible_to(user=actor).select_related("reception").filter(pk=link_id).first()
    if link is None:
        raise PermissionDenied("关联的信访件不存在或无权查看")
    _reception_locked(reception_id=link.reception_id, actor=actor)
    return ReceptionPetition.objects.select_for_update().get(pk=link.pk)


@transaction.atomic
def reception_instruction_set(*, link_id: int, instruction: str, actor: User) -> ReceptionPetition:
    """The leader's 批示 on one petition of the reception (replaced; the audit trail keeps each)."""
    require_recorder(actor, action="登记领导批示")
    link = _link_locked(link_id=link_id, actor=actor)
    if not instruction.strip():
        raise ValidationError({"instruction": "请填写领导批示"})
    if len(instruction.strip()) > 2000:
        raise ValidationError({"instruction": "领导批示不超过2000字"})
    previous = link.instruction
    link.instruction = instruction.strip()
    link.save(update_fields=["instruction"])
    _link_version(link.reception, actor=actor, action="登记领导批示")
    audit_record(actor=actor, action="receptions.instruction_set", target=link.reception,
                 data={"petition": link.petition_id, "link": link.pk, "before": previous, "after": link.instruction})
    return link


@transaction.atomic
def reception_petition_unlink(*, link_id: int, actor: User) -> ReceptionPetition:
    """Undo a link made by mistake; the row stays (unlinked_at, unlinked_by)."""
    require_recorder(actor, action="取消关联接访信访件")
    link = _link_locked(link_id=link_id, actor=actor)
    link.unlinked_at, link.unlinked_by = timezone.now(), actor
    link.save(update_fields=["unlinked_at", "unlinked_by"])
    _link_version(link.reception, actor=actor, action="取消关联信访件")
    audit_record(actor=actor, action="receptions.petition_unlink", target=link.reception,
                 data={"petition": link.petition_id, "link": link.pk})
    return link
