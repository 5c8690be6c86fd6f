"""Registration of petitions on every channel: one transaction per registration."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from xinfang.audit.services import audit_record
from xinfang.orgs.models import Org, Role, User
from xinfang.orgs.permissions import require_role
from xinfang.petitions import crypto
from xinfang.petitions.attachments import attachment_content, check_upload
from xinfang.petitions.exceptions import StorageFailed
from xinfang.petitions.reveal_approvals import require_approval
from xinfang.petitions.models import (
    Attachment,
    Category,
    Channel,
    HotTopic,
    NumberSequence,
    Petition,
    PetitionEvent,
    PetitionParty,
    PetitionStatus,
    PetitionType,
    Petitioner,
    Urgency,
)
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.petitions.signals import petition_registered
from xinfang.petitions.validators import (
    normalize_name,
    registration_bounds,
    validate_id_number,
    validate_phone,
    validate_uscc,
)

REGISTER_ROLES = (Role.INTAKE_CLERK, Role.REVIEWER)  # not the 系统管理员: he reads no petition (三权分立)
# A clerk's clock may run a little ahead of the server's; beyond this, "received" is in the future.
CLOCK_TOLERANCE = timedelta(minutes=5)
# The same clerk registering the same person or the same text again within this is questioned (issue 12 item 7):
# a browser Back then Save, or a second clerk's tab, sends a new form that no idempotency key can recognise.
DUPLICATE_WINDOW = timedelta(minutes=10)


@dataclass
class PetitionerInput:
    name: str
    kind: str = Petitioner.Kind.PERSON
    id_number: str = ""
    phone: str = ""
    address: str = ""
    is_representative: bool = False


@dataclass
class UploadInput:
    name: str
    data: bytes


@dataclass
class PetitionInput:
    channel: str
    received_at: datetime
    summary: str
    content: str
    category_id: int
    petition_type: str
    locality_id: int
    petitioners: list[PetitionerInput]
    person_times: int | None = None
    demands: str = ""
    complained_org_id: int | None = None
    amount_involved: Decimal | None = None
    hot_topic_codes: list[str] = field(default_factory=list)
    litigation_related: bool = False
    urgency: str = Urgency.NORMAL
    source_reference: str = ""
    attachments: list[UploadInput] = field(default_factory=list)
    # The clerk has seen the possible-duplicate warning and says this is another matter (see PossibleDuplicate).
    confirm_not_duplicate: bool = False


class PossibleDuplicate(ValidationError):
    """The registration looks like one the same clerk saved minutes ago; nothing was saved.

    A ValidationError on the field `confirm_not_duplicate`, so a caller that does not know it still shows a
    field error; `earlier` holds (petition, reasons) for the warning.
    """

    def __init__(self, earlier: list[tuple[Petition, list[str]]]):
        self.earlier = earlier
        names = "、".join(f"{petition.number}（{'；'.join(reasons)}）" for petition, reasons in earlier)
        minutes = int(DUPLICATE_WINDOW.total_seconds() // 60)
        super().__init__({"confirm_not_duplicate": [
            f"{minutes}分钟内您已登记过相同的事项：{names}。如确认不是重复登记，请勾选“确认不是重复登记”后再保存。"
        ]})


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def recent_duplicates(*, data: PetitionInput, petitioners: list[dict[str, str]], actor: User,
                      now: datetime | None = None) -> list[tuple[Petition, list[str]]]:
    """Petitions `actor` registered within DUPLICATE_WINDOW that share a petitioner's ID number or phone, or
    both summary and content, with this registration; with the reasons in Chinese, newest first.

    Compared in Python: a clerk registers a handful of petitions in ten minutes (one indexed query on
    registered_by), and an accusation's text is encrypted, so it cannot be compared in SQL.
    """
    since = (now or timezone.now()) - DUPLICATE_WINDOW
    id_indexes = {crypto.blind_index(p["id_number"]) for p in petitioners if p["id_number"]}
    phone_indexes = {crypto.blind_index(p["phone"]) for p in petitioners if p["phone"]}
    found = []
    recent = (Petition.objects.filter(registered_by=actor, created_at__gte=since)
              .prefetch_related("parties__petitioner").order_by("-created_at", "-id"))
    for petition in recent:
        reasons = []
        people = [party.petitioner for party in petition.parties.all()]
        if any(person.id_number_index in id_indexes for person in people if person.id_number_index):
            reasons.append("同一信访人证件号码")
        elif any(person.phone_index in phone_indexes for person in people if person.phone_index):
            reasons.append("同一联系电话")
        if _same_text(petition.summary, data.summary) and _same_text(petition.content, data.content):
            reasons.append("概况和信访内容相同")
        if reasons:
            found.append((petition, reasons))
    return found


def _clean_petitioner(raw: PetitionerInput, *, index: int, channel: str) -> dict[str, str]:
    """Validate one petitioner; errors are keyed `petitioners.N.field` for forms and the API."""
    errors: dict[str, list[str]] = {}
    prefix = f"petitioners.{index}"
    name = raw.name.strip()
    cleaned = {"kind": raw.kind, "name": name, "id_number": "", "phone": "", "address": raw.address.strip()}
    if raw.kind not in Petitioner.Kind.values:
        errors[f"{prefix}.kind"] = ["信访人类型无效"]
    if not name:
        errors[f"{prefix}.name"] = ["请填写信访人姓名或单位名称"]
    id_number = raw.id_number.strip()
    if id_number:
        try:
            if raw.kind == Petitioner.Kind.ORGANISATION:
                cleaned["id_number"] = validate_uscc(id_number)
            else:
                cleaned["id_number"] = validate_id_number(id_number)
        except ValidationError as error:
            errors[f"{prefix}.id_number"] = error.messages
    elif channel == Channel.VISIT and raw.kind == Petitioner.Kind.PERSON:
        # Visitors are registered against their ID card at the reception desk.
        errors[f"{prefix}.id_number"] = ["来访人须登记身份证号码"]
    phone = raw.phone.strip()
    if phone:
        try:
            cleaned["phone"] = validate_phone(phone)
        except ValidationError as error:
            errors[f"{prefix}.phone"] = error.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def petitioners_clean(*, petitioners: list[PetitionerInput], channel: str) -> list[dict[str, str]]:
    """Validate and normalise every petitioner; one ValidationError names all bad fields."""
    cleaned: list[dict[str, str]] = []
    errors: dict[str, list[str]] = {}
    for index, raw in enumerate(petitioners):
        try:
            cleaned.append(_clean_petitioner(raw, index=index, channel=channel))
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


def registration_check(data: PetitionInput) -> tuple[list[dict[str, str]], int, bool]:
    """Check the whole registration; raise one ValidationError naming every bad field.

    Reads nothing stored, so the bulk import (exchange.bulk) runs the same checks on rows in memory.
    Returns (the cleaned petitioners, 人次, whether it is a group visit).
    """
    errors: dict[str, list[str]] = {}
    if data.channel not in Channel.values:
        errors["channel"] = ["请选择有效的信访形式"]
    if data.petition_type not in PetitionType.values:
        errors["petition_type"] = ["请选择信访类型"]
    if data.urgency not in Urgency.values:
        errors["urgency"] = ["紧急程度无效"]
    if not data.summary.strip():
        errors["summary"] = ["请填写概况"]
    elif len(data.summary.strip()) > 200:
        errors["summary"] = ["概况不超过200字"]
    if not data.content.strip():
        errors["content"] = ["请填写信访内容"]
    if data.received_at is None:
        errors["received_at"] = ["请填写收到时间"]
    elif data.received_at > timezone.now() + CLOCK_TOLERANCE:
        errors["received_at"] = ["收到时间不能晚于当前时间"]
    if data.petition_type == PetitionType.ACCUSATION and data.complained_org_id is None:
        # Art 30 protects an accusation from the accused unit; without that unit there is nothing to protect
        # it from. A person accused is recorded by the unit they work in.
        errors["complained_org"] = ["检举控告类事项须选择被反映单位（被检举控告人所在单位），以便对其保密（第三十条）"]
    # 人次, counts, amount and date within the bounds the form, the API and the import share (validators.py).
    errors.update(registration_bounds(
        person_times=data.person_times, petitioners=len(data.petitioners), hot_topics=len(data.hot_topic_codes),
        amount_involved=data.amount_involved, received_at=data.received_at,
    ))

    try:
        petitioners = petitioners_clean(petitioners=data.petitioners, channel=data.channel)
    except ValidationError as error:
        errors.update(error.message_dict)
        petitioners = []
    # Anonymous letters of accusation are lawful (Art 23: no notice when name or address is unknown).
    if not data.petitioners and data.petition_type != PetitionType.ACCUSATION:
        errors["petitioners"] = ["请至少登记一名信访人"]
    identities = [p["id_number"] for p in petitioners if p["id_number"]]
    if len(identities) != len(set(identities)):
        errors["petitioners"] = ["同一证件号码重复登记"]

    person_times = data.person_times if data.person_times is not None else max(len(data.petitioners), 1)
    threshold = settings.XINFANG_GROUP_VISIT_THRESHOLD
    is_group_visit = data.channel == Channel.VISIT and person_times >= threshold
    max_representatives = settings.XINFANG_MAX_REPRESENTATIVES
    if person_times < 1:
        errors["person_times"] = ["人次至少为1"]
    elif person_times < len(data.petitioners):
        errors["person_times"] = [f"人次（{person_times}）不能少于登记的信访人数（{len(data.petitioners)}）"]
    representatives = sum(1 for raw in data.petitioners if raw.is_representative or is_group_visit)
    if representatives > max_representatives:
        # Art 20: several people with one matter choose at most five representatives.
        errors["petitioners"] = [f"集体访最多登记{max_representatives}名代表（《信访工作条例》第二十条）"]
    if is_group_visit and not data.petitioners:
        errors["petitioners"] = ["集体访须登记代表"]
    if errors:
        raise ValidationError(errors)
    return petitioners, person_times, is_group_visit


def _lookup(model, pk, field_name: str, message: str, errors: dict, **extra):
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk, **extra).first()
    if obj is None:
        errors[field_name] = [message]
    return obj


def _next_sequence(*, org: Org, year: int) -> int:
    """Take the next number of an office's year, holding the sequence row's lock to commit."""
    sequence = NumberSequence.objects.select_for_update().filter(org=org, year=year).first()
    if sequence is None:
        try:
            with transaction.atomic():
                NumberSequence.objects.create(org=org, year=year, last_value=0)
        except IntegrityError:
            pass  # another registration created it first; lock theirs
        sequence = NumberSequence.objects.select_for_update().get(org=org, year=year)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return sequence.last_value


def format_number(*, org: Org, year: int, sequence: int) -> str:
    return f"{org.display_prefix}-{year}-{sequence:06d}"


def _petitioner_for(cleaned: dict[str, str]) -> Petitioner:
    """Reuse the petitioner with the same ID number (refreshing contact details), else create one."""
    id_index = crypto.blind_index(cleaned["id_number"])
    phone_index = crypto.blind_index(cleaned["phone"])
    existing = None
    if id_index:
        existing = Petitioner.objects.filter(id_number_index=id_index, kind=cleaned["kind"]).first()
    if existing is not None:
        changed = []
        for name in ("phone", "address"):
            if cleaned[name] and getattr(existing, name) != cleaned[name]:
                setattr(existing, name, cleaned[name])
                changed.append(name)
        if "phone" in changed:
            existing.phone_index = phone_index
            changed.append("phone_index")
        if changed:
            existing.save(update_fields=[*changed, "updated_at"])
        return existing
    return Petitioner.objects.create(
        kind=cleaned["kind"], name=cleaned["name"], id_number=cleaned["id_number"],
        phone=cleaned["phone"], address=cleaned["address"],
        id_number_index=id_index, phone_index=phone_index,
        name_index=crypto.blind_index(normalize_name(cleaned["name"])),
    )


def petition_register(
    *, data: PetitionInput, actor: User, idempotency_key: str | None = None, question_duplicates: bool = False
) -> tuple[Petition, bool]:
    """Register a petition; returns (petition, created). A repeated idempotency key returns the first one.

    With `question_duplicates` (the staff form), a registration that looks like one the same clerk saved within
    DUPLICATE_WINDOW raises PossibleDuplicate unless `data.confirm_not_duplicate`. The API and the import
    leave it off: a client program cannot answer the question, and its Idempotency-Key is its guard.
    """
    require_role(actor, REGISTER_ROLES, action="登记信访事项")
    if actor.org_id is None:
        raise ValidationError({"registering_org": ["当前用户未分配所属机构，不能登记"]})
    key = (idempotency_key or "").strip()[:64] or None
    try:
        return _register(data=data, actor=actor, idempotency_key=key, question_duplicates=question_duplicates)
    except IntegrityError:
        # Two submits with one key raced: the loser's transaction rolled back; return the winner.
        if key:
            existing = Petition.objects.filter(registered_by=actor, idempotency_key=key).first()
            if existing is not None:
                return existing, False
        raise


def petition_from_input(*, data: PetitionInput, office: Org, actor: User, sequence: int, category: Category,
                        locality: Org, complained_org: Org | None, person_times: int, is_group_visit: bool) -> Petition:
    """The unsaved petition a checked registration makes (numbered `sequence` of its year at `office`)."""
    year = timezone.localtime(data.received_at).year
    return Petition(
        number=format_number(org=office, year=year, sequence=sequence),
        registering_org=office, year=year, sequence=sequence, registered_by=actor,
        channel=data.channel, received_at=data.received_at,
        source_reference=data.source_reference.strip(), summary=data.summary.strip(),
        content=data.content.strip(), demands=data.demands.strip(), category=category,
        petition_type=data.petition_type, locality=locality, complained_org=complained_org,
        amount_involved=data.amount_involved, litigation_related=data.litigation_related,
        urgency=data.urgency, person_times=person_times, is_group_visit=is_group_visit,
    )


@transaction.atomic
def _register(*, data: PetitionInput, actor: User, idempotency_key: str | None,
              question_duplicates: bool = False) -> tuple[Petition, bool]:
    if idempotency_key:
        existing = Petition.objects.filter(registered_by=actor, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing, False
    petitioners, person_times, is_group_visit = registration_check(data)
    checked_files = []
    errors: dict[str, list[str]] = {}
    for upload in data.attachments:
        try:
            checked_files.append((upload, check_upload(name=upload.name, data=upload.data)))
        except ValidationError as error:
            errors.setdefault("attachments", []).extend(error.messages)
    category = _lookup(Category, data.category_id, "category", "问题分类不存在或已停用", errors, is_active=True)
    if data.category_id is None:
        errors["category"] = ["请选择问题分类"]
    locality = _lookup(Org, data.locality_id, "locality", "问题属地不存在", errors)
    if data.locality_id is None:
        errors["locality"] = ["请选择问题属地"]
    complained_org = _lookup(Org, data.complained_org_id, "complained_org", "被反映单位不存在", errors)
    topics = list(HotTopic.objects.filter(code__in=data.hot_topic_codes, is_active=True))
    unknown = set(data.hot_topic_codes) - {topic.code for topic in topics}
    if unknown:
        errors["hot_topic_codes"] = [f"热点领域不存在：{'、'.join(sorted(unknown))}"]
    if errors:
        raise ValidationError(errors)
    if question_duplicates and not data.confirm_not_duplicate:
        earlier = recent_duplicates(data=data, petitioners=petitioners, actor=actor)
        if earlier:
            raise PossibleDuplicate(earlier)

    office = actor.org
    year = timezone.localtime(data.received_at).year
    sequence = _next_sequence(org=office, year=year)
    petition = petition_from_input(data=data, office=office, actor=actor, sequence=sequence, category=category,
                                   locality=locality, complained_org=complained_org, person_times=person_times,
                                   is_group_visit=is_group_visit)
    petition.idempotency_key = idempotency_key
    # Constraints are the database's job (a racing duplicate key must surface as IntegrityError).
    petition.full_clean(exclude=["hot_topics"], validate_unique=False, validate_constraints=False)
    petition.save()
    petition.hot_topics.set(topics)
    for position, (raw, cleaned) in enumerate(zip(data.petitioners, petitioners, strict=True)):
        PetitionParty.objects.create(
            petition=petition, petitioner=_petitioner_for(cleaned), position=position,
            is_representative=is_group_visit or raw.is_representative,
        )
    stored: list[Attachment] = []
    try:
        for upload, checked in checked_files:
            stored.append(_store_attachment(petition=petition, upload=upload, checked=checked, actor=actor))
    except StorageFailed:
        for attachment in stored:  # the rows roll back with the transaction; their files must go too
            attachment.file.storage.delete(attachment.file.name)
        raise
    now = timezone.now()
    PetitionEvent.objects.create(
        petition=petition, kind=PetitionEvent.Kind.REGISTERED, actor=actor, actor_org=office,
        occurred_at=now, data={"channel": data.channel, "person_times": person_times,
                               "is_group_visit": is_group_visit, "attachments": len(checked_files)},
    )
    audit_record(actor=actor, action="petition.register", target=petition,
                 data={"number": petition.number, "channel": data.channel, "person_times": person_times})
    petition_registered.send(sender=Petition, petition=petition)
    return petition, True


def _store_attachment(*, petition: Petition, upload: UploadInput, checked, actor: User,
                      purpose: str = Attachment.Purpose.MATERIAL) -> Attachment:
    attachment = Attachment(
        petition=petition, original_name=upload.name[:200], content_type=checked.content_type,
        size=checked.size, sha256=checked.sha256, uploaded_by=actor, purpose=purpose,
    )
    # Stored encrypted, bound to the plaintext's SHA-256 (attachments.attachment_read opens and checks it).
    try:  # the storage writes whole files or none (petitions.storage); a full disk is the user's to hear about
        attachment.file.save(upload.name, attachment_content(data=upload.data, sha256=checked.sha256), save=False)
    except OSError as error:
        raise StorageFailed(upload.name, error) from error
    attachment.save()
    return attachment


# While the matter is handled, the handling unit attaches what it found (调查核实证据, beside the investigation log).
EVIDENCE_STATES = (PetitionStatus.ACCEPTED, PetitionStatus.IN_HEARING, PetitionStatus.DRAFTED)


@transaction.atomic
def attachment_add(*, petition: Petition, upload: UploadInput, actor: User,
                   purpose: str = Attachment.Purpose.MATERIAL) -> Attachment:
    """Add one checked file to a registered petition: material by the office, evidence by the handling unit."""
    petition = petitions_visible_to(user=actor).select_for_update().get(pk=petition.pk)
    if purpose == Attachment.Purpose.EVIDENCE:
        require_role(actor, (Role.HANDLER, Role.HANDLING_ORG_HEAD), action="上传调查核实证据")
        on_handling_side = (actor.org is not None and petition.handling_org_id is not None
                            and petition.handling_org_id in actor.org.ancestor_ids)
        if not (actor.is_superuser or on_handling_side):
            raise PermissionDenied("只有责任单位的承办人、负责人可以上传调查核实证据")
        if petition.status not in EVIDENCE_STATES:
            raise ValidationError({"file": [f"调查核实证据在办理中上传，当前状态为“{petition.get_status_display()}”"]})
    else:
        require_role(actor, REGISTER_ROLES + (Role.HANDLER,), action="上传附件")
    checked = check_upload(name=upload.name, data=upload.data)
    attachment = _store_attachment(petition=petition, upload=upload, checked=checked, actor=actor, purpose=purpose)
    PetitionEvent.objects.create(
        petition=petition, kind=PetitionEvent.Kind.ATTACHMENT_ADDED, actor=actor, actor_org=actor.org,
        occurred_at=timezone.now(), title=Attachment.Purpose(purpose).label, note=attachment.original_name,
        data={"name": attachment.original_name, "sha256": checked.sha256, "purpose": purpose},
    )
    audit_record(actor=actor, action="petition.attachment_add", target=petition,
                 data={"attachment": attachment.pk, "sha256": checked.sha256, "purpose": purpose})
    return attachment


# Who may see a petitioner's full identity: the people who deal with the petitioner or decide on the matter.
# Statisticians count, administrators keep the system running: neither needs to know who wrote (docs/SECURITY.md).
REVEAL_ROLES = (Role.INTAKE_CLERK, Role.REVIEWER, Role.HANDLER, Role.HANDLING_ORG_HEAD, Role.SUPERVISOR, Role.LEADER)


def can_reveal(*, actor: User) -> bool:
    """Whether the actor's roles allow a full view of personal data at all (the flag of a superuser does not)."""
    return actor.has_role(*REVEAL_ROLES)


@transaction.atomic
def petitioner_reveal(*, petition: Petition, petitioner: Petitioner, actor: User, reason: str) -> Petitioner:
    """Show one petitioner's full personal data: allowed to some roles, with a stated reason, and always logged."""
    if not petitions_visible_to(user=actor).filter(pk=petition.pk).exists():
        raise PermissionDenied("无权查看该信访事项")
    if not can_reveal(actor=actor):
        raise PermissionDenied("您的角色无权查看完整个人信息")
    if not reason.strip():
        raise ValidationError({"reason": ["查看完整个人信息须填写事由"]})
    if not PetitionParty.objects.filter(petition=petition, petitioner=petitioner).exists():
        raise ValidationError({"petitioner": ["该信访人不属于此信访事项"]})
    require_approval(petition=petition, user=actor)  # an accuser: only with a second official's approval
    PetitionEvent.objects.create(
        petition=petition, kind=PetitionEvent.Kind.PERSONAL_DATA_VIEWED, actor=actor, actor_org=actor.org,
        occurred_at=timezone.now(), note=reason.strip()[:200], data={"petitioner": petitioner.pk},
    )
    audit_record(actor=actor, action="petitioner.reveal", target=petitioner,
                 data={"petition": petition.number, "reason": reason.strip()[:200]})
    return petitioner
