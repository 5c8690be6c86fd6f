"""Writes of 通报: draft, edit the draft, issue (numbered, then immutable), correct by revoking, the Word file.

A supervisor (Role.SUPERVISOR) of a petition office drafts and issues in the office's name, naming units in the
office's scope and cases the supervisor can see. A circular is circulated, so it never names an accusation
(检举控告件) at all (Art 30: the accused unit must not learn of it, and a circulated notice cannot be kept from
it). An issued circular is corrected by a new one that revokes it: both stay on file, the old one 已撤销.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from xinfang.audit.services import audit_record
from xinfang.orgs.models import Org, User
from xinfang.orgs.selectors import user_scope_org_ids
from xinfang.petitions.models import Petition, PetitionType
from xinfang.supervision.accountability import Circular
from xinfang.supervision.records import RecordSequence
from xinfang.supervision.services_records import (
    ART_30,
    SupervisionError,
    _next_sequence,
    _require_office_supervisor,
    _today,
    _visible_petition,
    format_record_number,
    require_supervisor,
)


@dataclass(frozen=True)
class CircularInput:
    kind: str
    title: str
    body: str
    unit_ids: tuple[int, ...]
    petition_ids: tuple[int, ...] = ()


def _refuse_accusations(petitions: list[Petition]) -> None:
    for petition in petitions:
        if petition.petition_type == PetitionType.ACCUSATION:
            raise SupervisionError({"petitions": (
                f"信访件{petition.number}为检举控告件，通报须公开印发，不得点名检举控告件"
                f"（{ART_30}：不得将检举控告材料转给被检举控告的对象或单位）")})


def _checked(data: CircularInput, *, actor: User, office: Org) -> tuple[str, list[Org], list[Petition]]:
    """(title, units, petitions) after every check; nothing is written before."""
    if data.kind not in Circular.Kind.values:
        raise SupervisionError({"kind": "请选择通报批评或通报表扬"})
    title = " ".join((data.title or "").split())
    if not title:
        raise SupervisionError({"title": "请填写标题"})
    if not (data.body or "").strip():
        raise SupervisionError({"body": "请填写正文"})
    ids = list(dict.fromkeys(data.unit_ids))
    units = list(Org.objects.filter(pk__in=ids, is_active=True).order_by("path"))
    if not units or len(units) != len(ids):
        raise SupervisionError({"units": "请选择通报的单位"})
    scope = user_scope_org_ids(user=actor)
    outside = [unit.name for unit in units if scope is not None and unit.pk not in scope]
    if outside:
        raise SupervisionError({"units": f"{'、'.join(outside)}不在{office.name}的通报范围内"})
    petitions = [_visible_petition(user=actor, petition_id=pk) for pk in dict.fromkeys(data.petition_ids)]
    _refuse_accusations(petitions)
    return title, units, petitions


def _audit_data(circular: Circular, **extra) -> dict:
    data = {"number": circular.number, "kind": circular.kind, "status": circular.status, "title": circular.title,
            "units": sorted(circular.units.values_list("pk", flat=True)),
            "petitions": sorted(circular.petitions.values_list("number", flat=True))}
    data.update(extra)
    return data


def circular_draft_create(*, data: CircularInput, actor: User) -> Circular:
    """A new draft 通报 of the supervisor's office."""
    office = require_supervisor(actor, action="拟写通报")
    with transaction.atomic():
        title, units, petitions = _checked(data, actor=actor, office=office)
        circular = Circular.objects.create(office=office, kind=data.kind, title=title[:200], body=data.body.strip(),
                                           drafted_by=actor)
        circular.units.set(units)
        circular.petitions.set(petitions)
        audit_record(actor=actor, action="circular.draft", target=circular, data=_audit_data(circular))
    return circular


def _locked(circular_id: int) -> Circular:
    try:
        return Circular.objects.select_for_update().select_related("office").get(pk=circular_id)
    except Circular.DoesNotExist:
        raise SupervisionError("通报不存在") from None


def _require_draft(circular: Circular) -> None:
    if not circular.is_draft:
        raise SupervisionError(f"{circular.number}已印发，不能修改；如需更正，请印发新的通报撤销原通报")


def circular_draft_update(*, circular_id: int, data: CircularInput, actor: User) -> Circular:
    """Change a draft; an issued circular is refused (it is corrected by a new one)."""
    with transaction.atomic():
        circular = _locked(circular_id)
        _require_office_supervisor(actor, circular, action="修改通报")
        _require_draft(circular)
        title, units, petitions = _checked(data, actor=actor, office=circular.office)
        circular.kind, circular.title, circular.body = data.kind, title[:200], data.body.strip()
        circular.save(update_fields=["kind", "title", "body", "updated_at"])
        circular.units.set(units)
        circular.petitions.set(petitions)
        audit_record(actor=actor, action="circular.edit", target=circular, data=_audit_data(circular))
    return circular


def circular_issue(*, circular_id: int, actor: User, issued_on: date | None = None) -> Circular:
    """Number and issue a draft in the office's name; a correction revokes the circular it replaces."""
    day = issued_on or _today()
    if day > _today():
        raise SupervisionError({"issued_on": "印发日期不能晚于今天"})
    with transaction.atomic():
        circular = _locked(circular_id)
        _require_office_supervisor(actor, circular, action="印发通报")
        _require_draft(circular)
        # Checked again: a case named in the draft may have been reclassified as an accusation since.
        _refuse_accusations(list(circular.petitions.all()))
        series = RecordSequence.Series.CIRCULAR
        sequence = _next_sequence(org=circular.office, year=day.year, series=series)
        circular.number = format_record_number(office=circular.office, year=day.year, sequence=sequence,
                                               series=series)
        circular.year, circular.sequence = day.year, sequence
        circular.status = Circular.Status.ISSUED
        circular.issued_by, circular.issued_on = actor, day
        circular.full_clean(exclude=["units", "petitions"])
        circular.save(update_fields=["number", "year", "sequence", "status", "issued_by", "issued_on",
                                     "updated_at"])
        if circular.revokes_id is not None:
            old = Circular.objects.select_for_update().get(pk=circular.revokes_id)
            if old.status != Circular.Status.ISSUED:
                raise SupervisionError(f"{old.number}已撤销")
            old.status, old.revoked_on = Circular.Status.REVOKED, day
            old.save(update_fields=["status", "revoked_on", "updated_at"])
            audit_record(actor=actor, action="circular.revoke", target=old,
                         data=_audit_data(old, revoked_by=circular.number))
        audit_record(actor=actor, action="circular.issue", target=circular,
                     data=_audit_data(circular, revokes=circular.revokes.number if circular.revokes_id else ""))
    return circular


def circular_correct(*, circular_id: int, actor: User) -> Circular:
    """Start the correction of an issued circular: a draft copy that, once issued, revokes the original."""
    with transaction.atomic():
        old = _locked(circular_id)
        _require_office_supervisor(actor, old, action="更正通报")
        if old.status != Circular.Status.ISSUED:
            raise SupervisionError("只有已印发的通报可以更正（撤销）" if old.is_draft else f"{old.number}已撤销")
        if Circular.objects.filter(revokes=old).exists():
            raise SupervisionError(f"{old.number}已有更正稿")
        draft = Circular.objects.create(office=old.office, kind=old.kind, title=old.title, body=old.body,
                                        drafted_by=actor, revokes=old)
        draft.units.set(old.units.all())
        draft.petitions.set(old.petitions.all())
        audit_record(actor=actor, action="circular.draft", target=draft,
                     data=_audit_data(draft, revokes=old.number))
    return draft


def circular_document_export(*, circular: Circular, actor: User) -> bytes:
    """The issued 通报 as Word, in the office's name; written to the audit log (it names units and cases)."""
    from xinfang.supervision.circular_document import render_circular

    if circular.is_draft:
        raise SupervisionError("草稿尚未印发，没有正式文本")
    data = render_circular(circular=circular)
    with transaction.atomic():
        audit_record(actor=actor, action="circular.document_download", target=circular,
                     data={"number": circular.number})
    return data
