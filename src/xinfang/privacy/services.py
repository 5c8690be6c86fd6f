"""Writes of the privacy app: one transaction each, permission-checked in the service, audited."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from xinfang.audit.services import audit_record
from xinfang.calendars.selectors import calendar_for_org
from xinfang.matching.models import IdentityKey
from xinfang.matching.services import identity_keys_refresh
from xinfang.orgs.models import User
from xinfang.petitions import crypto
from xinfang.petitions.models import Channel, Petitioner
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.petitions.validators import normalize_name, validate_phone
from xinfang.portal.models import PortalSubmission
from xinfang.prevention.services_common import next_number
from xinfang.privacy.models import Anonymisation, DataRequest, LegalHold, PetitionerCorrection
from xinfang.privacy.selectors import (
    FINISHED_STATES,
    holds_visible_to,
    is_office_reviewer,
    is_office_staff,
    petitioner_is_held,
    petitioners_due_for_anonymisation,
    petitioners_visible_to,
    requests_visible_to,
)

# PIPL Art 50 asks for a prompt answer without fixing a period; the office answers within 15 working days, after
# the 15 days the Regulation gives it to decide on a petition (Art 22), on the same calendar as its deadlines.
ANSWER_WORKING_DAYS = 15
ANONYMISED = "已匿名化"


def _require_staff(actor: User, action: str) -> None:
    if not is_office_staff(actor):
        raise PermissionDenied(f"“{action}”须由信访部门的登记员或审核员办理")


def _require_reviewer(actor: User, action: str) -> None:
    if not is_office_reviewer(actor):
        raise PermissionDenied(f"“{action}”须由信访部门的审核员决定")


def request_due_on(*, office, received_on: date) -> date:
    """The answer is due ANSWER_WORKING_DAYS working days after receipt, on the office's calendar."""
    return calendar_for_org(org=office).add_workdays(received_on, ANSWER_WORKING_DAYS).due


@dataclass
class RequestInput:
    petitioner_id: int
    kind: str
    received_on: date | None
    channel: str
    asked: str
    new_name: str = ""
    new_phone: str = ""
    new_address: str = ""


@transaction.atomic
def request_receive(*, data: RequestInput, actor: User) -> DataRequest:
    """Record a petitioner's request about their personal data; its due date follows from the office calendar."""
    _require_staff(actor, "登记个人信息权利申请")
    errors: dict[str, list[str]] = {}
    petitioner = petitioners_visible_to(user=actor).filter(pk=data.petitioner_id).first()
    if petitioner is None:
        errors["petitioner"] = ["信访人不存在或不在本单位范围内"]
    if data.kind not in DataRequest.Kind.values:
        errors["kind"] = ["请选择申请类型"]
    if data.channel not in Channel.values:
        errors["channel"] = ["请选择提出方式"]
    if data.received_on is None:
        errors["received_on"] = ["请填写收到日期"]
    elif data.received_on > timezone.localdate():
        errors["received_on"] = ["收到日期不能晚于今天"]
    if not data.asked.strip():
        errors["asked"] = ["请填写申请内容"]
    new_phone = data.new_phone.strip()
    if data.kind == DataRequest.Kind.CORRECTION:
        if not (data.new_name.strip() or new_phone or data.new_address.strip()):
            errors["new_name"] = ["更正申请须填写至少一项更正后的信息"]
        if new_phone:
            try:
                new_phone = validate_phone(new_phone)
            except ValidationError as error:
                errors["new_phone"] = error.messages
    elif data.new_name.strip() or new_phone or data.new_address.strip():
        errors["kind"] = ["只有更正申请填写更正后的信息"]
    if petitioner is not None and hasattr(petitioner, "anonymisation"):
        errors["petitioner"] = ["该信访人的个人信息已匿名化"]
    if errors:
        raise ValidationError(errors)
    office = actor.org
    request = DataRequest(
        number=next_number(series="privacy_request", mark="个信申", year=data.received_on.year),
        office=office, petitioner=petitioner, kind=data.kind, received_on=data.received_on,
        channel=data.channel, asked=data.asked.strip(), new_name=data.new_name.strip(), new_phone=new_phone,
        new_address=data.new_address.strip(),
        due_on=request_due_on(office=office, received_on=data.received_on), received_by=actor,
    )
    request.full_clean()
    request.save()
    # The audit entry names the request, never the petitioner's data or what they asked.
    audit_record(actor=actor, action="privacy.request_receive", target=request,
                 data={"number": request.number, "kind": request.kind, "petitioner": petitioner.pk,
                       "due_on": request.due_on})
    return request


def _locked_request(*, request_id: int, actor: User) -> DataRequest:
    request = requests_visible_to(user=actor).select_for_update(of=("self",)).filter(pk=request_id).first()
    if request is None:
        raise PermissionDenied("申请不存在或不在本单位范围内")
    return request


@transaction.atomic
def request_decide(*, request_id: int, grant: bool, reason: str, actor: User,
                   answered_on: date | None = None) -> DataRequest:
    """The office's 审核员 grants or refuses a request, with a reason; granting a correction applies it, granting a
    deletion anonymises the petitioner (refused while any of their matters is open or held)."""
    _require_reviewer(actor, "决定个人信息权利申请")
    request = _locked_request(request_id=request_id, actor=actor)
    if request.status != DataRequest.Status.RECEIVED:
        raise ValidationError({"status": [f"该申请已处理（{request.get_status_display()}），不能再次决定"]})
    answered_on = answered_on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = ["请填写决定理由"]
    if answered_on < request.received_on or answered_on > timezone.localdate():
        errors["answered_on"] = ["答复日期应在收到日期和今天之间"]
    if grant and request.kind == DataRequest.Kind.DELETION:
        petitioner = request.petitioner
        if Anonymisation.objects.filter(petitioner=petitioner).exists():
            errors["reason"] = ["该信访人的个人信息已匿名化"]
        elif petitioner_is_held(petitioner=petitioner):
            errors["reason"] = ["该信访人或其信访事项处于保全状态，不能删除"]
        elif petitioner.parties.exclude(petition__status__in=FINISHED_STATES).exists():
            # PIPL Art 47 ¶1(1)(3): deletion once the purpose is served; an open matter still needs the data.
            errors["reason"] = ["该信访人尚有未办结的信访事项，个人信息仍为办理所必需，不能删除"]
    if errors:
        raise ValidationError(errors)
    request.status = DataRequest.Status.GRANTED if grant else DataRequest.Status.REFUSED
    request.reason = reason.strip()
    request.handled_by = actor
    request.answered_on = answered_on
    request.full_clean()
    request.save()
    if grant and request.kind == DataRequest.Kind.CORRECTION:
        _apply_correction(request=request, actor=actor)
    if grant and request.kind == DataRequest.Kind.DELETION:
        _anonymise(petitioner=request.petitioner, cause=Anonymisation.Cause.DELETION,
                   batch=f"request-{request.number}", request=request)
    audit_record(actor=actor, action="privacy.request_decide", target=request,
                 data={"number": request.number, "kind": request.kind, "status": request.status,
                       "answered_on": answered_on, "overdue": answered_on > request.due_on})
    return request


def _apply_correction(*, request: DataRequest, actor: User) -> list[PetitionerCorrection]:
    """Correct name/phone/address, keeping each old value encrypted in PetitionerCorrection; indexes follow."""
    petitioner = Petitioner.objects.select_for_update().get(pk=request.petitioner_id)
    changes = []
    for field, new in (("name", request.new_name), ("phone", request.new_phone), ("address", request.new_address)):
        old = getattr(petitioner, field)
        if not new or new == old:
            continue
        changes.append(PetitionerCorrection.objects.create(
            petitioner=petitioner, request=request, field=field, old_value=old, new_value=new, actor=actor))
        setattr(petitioner, field, new)
    if not changes:
        return changes
    petitioner.name_index = crypto.blind_index(normalize_name(petitioner.name))
    petitioner.phone_index = crypto.blind_index(petitioner.phone)
    petitioner.save(update_fields=["name", "phone", "address", "name_index", "phone_index", "updated_at"])
    identity_keys_refresh(petitioners=[petitioner])  # name+address and name+birth keys follow the new values
    audit_record(actor=actor, action="petitioner.correct", target=petitioner,
                 data={"request": request.number, "fields": [change.field for change in changes]})
    return changes


def request_export_allowed(*, request: DataRequest) -> None:
    if request.kind != DataRequest.Kind.ACCESS or request.status != DataRequest.Status.GRANTED:
        raise PermissionDenied("只有已同意的查阅、复制申请可以导出信访人本人信息")


@transaction.atomic
def request_export_record(*, request_id: int, actor: User, rows: int) -> DataRequest:
    """Audit the copy handed over for an access request (the office's 审核员 downloads it for the petitioner)."""
    _require_reviewer(actor, "导出信访人本人信息")
    request = requests_visible_to(user=actor).filter(pk=request_id).first()
    if request is None:
        raise PermissionDenied("申请不存在或不在本单位范围内")
    request_export_allowed(request=request)
    audit_record(actor=actor, action="privacy.access_export", target=request,
                 data={"number": request.number, "petitioner": request.petitioner_id, "petitions": rows})
    return request


# --- legal holds -------------------------------------------------------------------------------------------


@transaction.atomic
def hold_place(*, actor: User, reason: str, petition_id: int | None = None,
               petitioner_id: int | None = None) -> LegalHold:
    """Keep a matter or a petitioner out of anonymisation (诉讼、复查、调查 …): the office's 审核员, audited."""
    _require_reviewer(actor, "保全（暂停匿名化）")
    errors: dict[str, list[str]] = {}
    if (petition_id is None) == (petitioner_id is None):
        errors["petition"] = ["请选择一件信访事项或一名信访人"]
    petition = petitioner = None
    if petition_id is not None:
        petition = petitions_visible_to(user=actor).filter(pk=petition_id).first()
        if petition is None:
            errors["petition"] = ["信访事项不存在或不在本单位范围内"]
    if petitioner_id is not None:
        petitioner = petitioners_visible_to(user=actor).filter(pk=petitioner_id).first()
        if petitioner is None:
            errors["petitioner"] = ["信访人不存在或不在本单位范围内"]
    if not reason.strip():
        errors["reason"] = ["请填写保全理由"]
    if errors:
        raise ValidationError(errors)
    hold = LegalHold.objects.create(petition=petition, petitioner=petitioner, office=actor.org,
                                    reason=reason.strip(), placed_by=actor, placed_at=timezone.now())
    audit_record(actor=actor, action="privacy.hold_place", target=hold,
                 data={"petition": petition.number if petition else None,
                       "petitioner": petitioner.pk if petitioner else None})
    return hold


@transaction.atomic
def hold_release(*, hold_id: int, actor: User, reason: str) -> LegalHold:
    """Release a hold with a reason (the office's 审核员, audited); retention applies again from the next run."""
    _require_reviewer(actor, "解除保全")
    hold = holds_visible_to(user=actor).select_for_update(of=("self",)).filter(pk=hold_id).first()
    if hold is None:
        raise PermissionDenied("保全记录不存在或不在本单位范围内")
    if hold.released_at is not None:
        raise ValidationError({"reason": ["该保全已解除"]})
    if not reason.strip():
        raise ValidationError({"reason": ["请填写解除理由"]})
    hold.released_at = timezone.now()
    hold.released_by = actor
    hold.release_reason = reason.strip()
    hold.save(update_fields=["released_at", "released_by", "release_reason"])
    audit_record(actor=actor, action="privacy.hold_release", target=hold,
                 data={"petition": hold.petition_id, "petitioner": hold.petitioner_id})
    return hold


# --- retention ---------------------------------------------------------------------------------------------


def _anonymise(*, petitioner: Petitioner, cause: str, batch: str, request: DataRequest | None = None) -> None:
    # Only the person's identity goes: kind, the petitions, their categories, localities and counts stay, so
    # every statistic reads the same. The blind indexes go too: nobody can be matched to this record again.
    petitioner.name = ANONYMISED
    petitioner.id_number = ""
    petitioner.phone = ""
    petitioner.address = ""
    petitioner.name_index = petitioner.id_number_index = petitioner.phone_index = ""
    petitioner.save(update_fields=["name", "id_number", "phone", "address", "name_index", "id_number_index",
                                   "phone_index", "updated_at"])
    IdentityKey.objects.filter(petitioner=petitioner).delete()
    # A correction's history and a request's new values are the same person's data.
    for correction in petitioner.corrections.all():
        correction.old_value = correction.new_value = ""
        correction.save(update_fields=["old_value", "new_value"])
    for data_request in petitioner.data_requests.all():
        data_request.asked = ANONYMISED
        data_request.new_name = data_request.new_phone = data_request.new_address = ""
        data_request.save(update_fields=["asked", "new_name", "new_phone", "new_address", "updated_at"])
    # The portal's progress look-up pairs a matter with the phone's blind index: nobody may look it up by phone.
    PortalSubmission.objects.filter(petition__parties__petitioner=petitioner).update(phone_index="")
    Anonymisation.objects.create(petitioner=petitioner, cause=cause, batch=batch, request=request)


@dataclass
class AnonymiseReport:
    batch: str
    petitioners: int
    dry_run: bool


def anonymise_due(*, dry_run: bool = False, batch_size: int = 500, now: datetime | None = None) -> AnonymiseReport:
    """Anonymise every petitioner due (selectors.petitioners_due_for_anonymisation): one transaction and one
    audit event per batch, so an interrupted run keeps what it did and a rerun continues."""
    batch = timezone.now().strftime("%Y%m%d%H%M%S") + "-" + uuid.uuid4().hex[:6]
    if dry_run:
        return AnonymiseReport(batch=batch, petitioners=petitioners_due_for_anonymisation(now=now).count(),
                               dry_run=True)
    done = 0
    while True:
        with transaction.atomic():
            # Locked and re-checked in one query: a hold placed meanwhile keeps its petitioner out.
            due = list(petitioners_due_for_anonymisation(now=now).select_for_update(of=("self",))[:batch_size])
            if not due:
                break
            ids = [petitioner.pk for petitioner in due]
            for petitioner in due:
                _anonymise(petitioner=petitioner, cause=Anonymisation.Cause.RETENTION, batch=batch)
            audit_record(actor=None, action="privacy.anonymise", target=None,
                         data={"batch": batch, "petitioners": ids})
            done += len(ids)
    return AnonymiseReport(batch=batch, petitioners=done, dry_run=False)


