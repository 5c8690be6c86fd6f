"""Writes and logged reads of the 违法信访行为 ledger: each write one transaction, permission checked here, audited,
with a version row (prevention.history, ledger "order_incident"). Every read of a record leaves an audit event too.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from xinfang.audit.services import audit_record
from xinfang.order.models import (
    POLICE_MEASURES,
    ConductKind,
    MeasureKind,
    OrderEvidence,
    OrderIncident,
    OrderIncidentPetition,
    OrderMeasure,
    OrderPerson,
)
from xinfang.order.permissions import require_reader, require_recorder, scope_org_ids
from xinfang.order.selectors import incidents_visible_to
from xinfang.orgs.models import Org, User
from xinfang.petitions.attachments import attachment_content, check_upload
from xinfang.petitions.exceptions import AttachmentRejected
from xinfang.petitions.models import Petitioner
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.petitions.services import UploadInput
from xinfang.prevention.services_common import (
    check_version,
    next_number,
    petitions_by_number,
    snapshot,
    version_append,
)

LEDGER = "order_incident"
FIELDS = ("number", "occurred_on", "place", "kind", "description", "locality", "recording_org")


@dataclass
class PersonInput:
    name: str = ""
    petitioner_id: int | None = None


@dataclass
class MeasureInput:
    kind: str
    taken_on: date | None
    person: int = 0  # index into the incident's persons (in the order given)
    organ_id: int | None = None
    organ_name: str = ""
    document_number: str = ""


@dataclass
class IncidentInput:
    occurred_on: date | None
    place: str
    kind: str
    description: str
    locality_id: int
    persons: list[PersonInput] = field(default_factory=list)
    measures: list[MeasureInput] = field(default_factory=list)
    petition_numbers: list[str] = field(default_factory=list)


def _check_incident(data: IncidentInput, *, actor: User) -> dict[str, str]:
    errors = {}
    if data.occurred_on is None:
        errors["occurred_on"] = "请填写发生日期"
    if not data.place.strip():
        errors["place"] = "请填写发生地点"
    if data.kind not in ConductKind.values:
        errors["kind"] = "请选择《信访工作条例》第二十六条所列的行为类型"
    if not data.description.strip():
        errors["description"] = "请填写行为经过"
    scope = scope_org_ids(actor)
    if scope is not None and data.locality_id not in scope:
        errors["locality_id"] = "属地不在本单位范围内"
    return errors


def _person(data: PersonInput, *, actor: User, incident: OrderIncident) -> OrderPerson:
    if data.petitioner_id:
        # Only a petitioner of a petition the recorder may see can be named (Art 30).
        petitioner = Petitioner.objects.filter(
            pk=data.petitioner_id, parties__petition__in=petitions_visible_to(user=actor)).first()
        if petitioner is None:
            raise ValidationError({"persons": "找不到该信访人或无权查看"})
        return OrderPerson.objects.create(incident=incident, petitioner=petitioner, name=petitioner.name)
    name = data.name.strip()
    if not name or len(name) > 50:
        raise ValidationError({"persons": "涉及人员姓名不能为空，且不超过50字"})
    return OrderPerson.objects.create(incident=incident, name=name)


def _measure(data: MeasureInput, *, incident: OrderIncident, person: OrderPerson, actor: User) -> OrderMeasure:
    errors = {}
    if data.kind not in MeasureKind.values:
        errors["measure_kind"] = "请选择处置措施（劝阻、批评教育、训诫、治安管理处罚、刑事强制措施）"
    if data.taken_on is None:
        errors["taken_on"] = "请填写措施采取日期"
    elif incident.occurred_on and data.taken_on < incident.occurred_on:
        errors["taken_on"] = "措施采取日期不能早于行为发生日期"
    organ = Org.objects.filter(pk=data.organ_id).first() if data.organ_id else None
    organ_name = data.organ_name.strip()[:100]
    if organ is None and not organ_name:
        errors["organ"] = "请选择或填写采取措施的机关"
    if data.kind in POLICE_MEASURES and organ is not None and organ.kind != Org.Kind.POLITICAL_LEGAL:
        errors["organ"] = "治安管理处罚、刑事强制措施由公安机关依法采取：请选择政法机关，或填写公安机关名称"
    if errors:
        raise ValidationError(errors)
    return OrderMeasure.objects.create(
        incident=incident, person=person, kind=data.kind, taken_on=data.taken_on, organ=organ,
        organ_name="" if organ else organ_name, document_number=data.document_number.strip()[:60],
        recorded_by=actor)


@transaction.atomic
def incident_create(*, data: IncidentInput, actor: User) -> OrderIncident:
    require_recorder(actor)
    errors = _check_incident(data, actor=actor)
    if not data.persons:
        errors["persons"] = "请至少填写一名涉及人员"
    if errors:
        raise ValidationError(errors)
    petitions = petitions_by_number(user=actor, numbers=data.petition_numbers)
    incident = OrderIncident(
        number=next_number(series="order", mark="秩序", year=data.occurred_on.year), recorded_by=actor,
        occurred_on=data.occurred_on, place=data.place.strip()[:200], kind=data.kind,
        description=data.description.strip(), locality_id=data.locality_id,
        recording_org=actor.org or Org.objects.get(pk=data.locality_id))
    incident.save()
    persons = [_person(person, actor=actor, incident=incident) for person in data.persons]
    for measure in data.measures:
        if not 0 <= measure.person < len(persons):
            raise ValidationError({"person": "措施对象应为涉及人员之一"})
        _measure(measure, incident=incident, person=persons[measure.person], actor=actor)
    for petition in petitions:
        OrderIncidentPetition.objects.create(incident=incident, petition=petition, linked_by=actor)
    version_append(ledger=LEDGER, record=incident, actor=actor, action="登记",
                   data=snapshot(incident, fields=FIELDS, extra={"涉及人数": len(persons),
                                                                 "处置措施": len(data.measures)}))
    audit_record(actor=actor, action="order.incident_create", target=incident,
                 data={"persons": len(persons), "measures": len(data.measures)})
    return incident


def _locked(incident_id: int, actor: User) -> OrderIncident:
    require_recorder(actor)
    incident = incidents_visible_to(user=actor).select_for_update().filter(pk=incident_id).first()
    if incident is None:
        raise PermissionDenied("无权处理该记录")
    return incident


@dataclass
class IncidentChange:
    """An edit of an incident: its facts, the persons to add, the persons to remove (ids of its own)."""

    occurred_on: date | None
    place: str
    kind: str
    description: str
    locality_id: int
    add_persons: list[PersonInput] = field(default_factory=list)
    remove_person_ids: list[int] = field(default_factory=list)


def _incident_snapshot(incident: OrderIncident) -> dict:
    # Names masked: the history is shown on the record's page, where names are masked too.
    persons = list(incident.persons.order_by("pk"))
    return snapshot(incident, fields=FIELDS, extra={
        "涉及人数": len(persons), "涉及人员": "、".join(person.masked_name for person in persons),
        "处置措施": incident.measures.count()})


@transaction.atomic
def incident_update(*, incident_id: int, data: IncidentChange, actor: User,
                    expected_version: int | None = None) -> OrderIncident:
    """Correct an incident's facts and add or remove persons; the previous state stays in its history.

    A person with a measure recorded is not removed (the measure is part of the ledger); at least one person
    stays; the date of the conduct may not move after a measure taken against it.
    """
    incident = _locked(incident_id, actor)
    check_version(incident, expected_version)
    before = _incident_snapshot(incident)
    errors = _check_incident(IncidentInput(occurred_on=data.occurred_on, place=data.place, kind=data.kind,
                                           description=data.description, locality_id=data.locality_id),
                             actor=actor)
    persons = {person.pk: person for person in incident.persons.all()}
    removed = [persons[pk] for pk in dict.fromkeys(data.remove_person_ids) if pk in persons]
    if len(removed) != len(set(data.remove_person_ids)):
        errors["remove_persons"] = "要移除的人员不是本记录的涉及人员"
    measured = [person.masked_name for person in removed if person.measures.exists()]
    if measured:
        errors["remove_persons"] = f"{'、'.join(measured)}已有处置措施，不能移除"
    if len(persons) - len(removed) + len(data.add_persons) < 1:
        errors["persons"] = "请至少保留一名涉及人员"
    first_measure = incident.measures.order_by("taken_on").values_list("taken_on", flat=True).first()
    if data.occurred_on and first_measure and data.occurred_on > first_measure:
        errors["occurred_on"] = f"发生日期不能晚于已记录的处置措施日期（{first_measure.isoformat()}）"
    if errors:
        raise ValidationError(errors)
    incident.occurred_on, incident.place, incident.kind = data.occurred_on, data.place.strip()[:200], data.kind
    incident.description, incident.locality_id = data.description.strip(), data.locality_id
    incident.version += 1
    incident.save()
    removed_ids = [person.pk for person in removed]
    for person in removed:
        person.delete()
    added = [_person(person, actor=actor, incident=incident) for person in data.add_persons]
    version = version_append(ledger=LEDGER, record=incident, actor=actor, action="修改",
                             data=_incident_snapshot(incident), before=before)
    audit_record(actor=actor, action="order.incident_update", target=incident,
                 data={"version": incident.version, "changes": list(version.changes),
                       "persons_added": len(added), "persons_removed": removed_ids})
    return incident


@transaction.atomic
def measure_add(*, incident_id: int, person_id: int, data: MeasureInput, actor: User) -> OrderMeasure:
    incident = _locked(incident_id, actor)
    person = incident.persons.filter(pk=person_id).first()
    if person is None:
        raise ValidationError({"person": "措施对象应为涉及人员之一"})
    measure = _measure(data, incident=incident, person=person, actor=actor)
    incident.version += 1
    incident.save(update_fields=["version", "updated_at"])
    version_append(ledger=LEDGER, record=incident, actor=actor, action="增加处置措施",
                   data=snapshot(incident, fields=FIELDS, extra={"处置措施": incident.measures.count()}),
                   note=f"{measure.get_kind_display()} {measure.taken_on.isoformat()} {measure.organ_display}")
    audit_record(actor=actor, action="order.measure_add", target=incident, data={"measure": measure.pk})
    return measure


@transaction.atomic
def evidence_add(*, incident_id: int, upload: UploadInput, actor: User) -> OrderEvidence:
    """A file checked by its content (petitions.attachments.check_upload), stored sealed."""
    incident = _locked(incident_id, actor)
    try:
        checked = check_upload(name=upload.name, data=upload.data)
    except AttachmentRejected as error:
        raise ValidationError({"file": str(error)}) from None
    evidence = OrderEvidence(incident=incident, original_name=upload.name[:200], content_type=checked.content_type,
                             size=checked.size, sha256=checked.sha256, uploaded_by=actor)
    evidence.file.save(upload.name, attachment_content(data=upload.data, sha256=checked.sha256), save=False)
    evidence.save()
    audit_record(actor=actor, action="order.evidence_add", target=incident,
                 data={"evidence": evidence.pk, "sha256": checked.sha256})
    return evidence


@transaction.atomic
def read_logged(*, actor: User, what: str, target: OrderIncident | None = None, **data) -> None:
    """Every read of the ledger (list, detail, export, figures, drill-down, evidence) leaves an audit event."""
    require_reader(actor)
    audit_record(actor=actor, action=f"order.{what}", target=target, data=data)
