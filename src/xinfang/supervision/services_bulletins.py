"""Writes of 通报: draft, edit the draft, issue (numbered, then immutable), correct by revoking, the Word file.

A supervisor (Role.SUPERVISOR) of a petition office drafts and issues in the office's name, naming units in the
office's scope and cases the supervisor can see. A bulletin is circulated, so it never names an accusation
(检举控告件) at all (Art 30: the accused unit must not learn of it, and a circulated notice cannot be kept from
it). An issued bulletin is corrected by a new one that revokes it: both stay on file, the old one 已撤销.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from xinfang.audit.services import audit_record
from xinfang.orgs.models import Org, User
from xinfang.orgs.selectors import user_scope_org_ids
from xinfang.petitions.models import Petition, PetitionType
from xinfang.supervision.accountability import Bulletin
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
class BulletinInput:
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


def _checked(data: BulletinInput, *, actor: User, office: Org) -> tuple[str, list[Org], list[Petition]]:
    """(title, units, petitions) after every check; nothing is written before."""
    if data.kind not in Bulletin.Kind.values:
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


def _audit_data(bulletin: Bulletin, **extra) -> dict:
    data = {"number": bulletin.number, "kind": bulletin.kind, "status": bulletin.status, "title": bulletin.title,
            "units": sorted(bulletin.units.values_list("pk", flat=True)),
            "petitions": sorted(bulletin.petitions.values_list("number", flat=True))}
    data.update(extra)
    return data


def bulletin_draft_create(*, data: BulletinInput, actor: User) -> Bulletin:
    """A new draft 通报 of the supervisor's office."""
    office = require_supervisor(actor, action="拟写通报")
    with transaction.atomic():
        title, units, petitions = _checked(data, actor=actor, office=office)
        bulletin = Bulletin.objects.create(office=office, kind=data.kind, title=title[:200], body=data.body.strip(),
                                           drafted_by=actor)
        bulletin.units.set(units)
        bulletin.petitions.set(petitions)
        audit_record(actor=actor, action="bulletin.draft", target=bulletin, data=_audit_data(bulletin))
    return bulletin


def _locked(bulletin_id: int) -> Bulletin:
    try:
        return Bulletin.objects.select_for_update().select_related("office").get(pk=bulletin_id)
    except Bulletin.DoesNotExist:
        raise SupervisionError("通报不存在") from None


def _require_draft(bulletin: Bulletin) -> None:
    if not bulletin.is_draft:
        raise SupervisionError(f"{bulletin.number}已印发，不能修改；如需更正，请印发新的通报撤销原通报")


def bulletin_draft_update(*, bulletin_id: int, data: BulletinInput, actor: User) -> Bulletin:
    """Change a draft; an issued bulletin is refused (it is corrected by a new one)."""
    with transaction.atomic():
        bulletin = _locked(bulletin_id)
        _require_office_supervisor(actor, bulletin, action="修改通报")
        _require_draft(bulletin)
        title, units, petitions = _checked(data, actor=actor, office=bulletin.office)
        bulletin.kind, bulletin.title, bulletin.body = data.kind, title[:200], data.body.strip()
        bulletin.save(update_fields=["kind", "title", "body", "updated_at"])
        bulletin.units.set(units)
        bulletin.petitions.set(petitions)
        audit_record(actor=actor, action="bulletin.edit", target=bulletin, data=_audit_data(bulletin))
    return bulletin


def bulletin_issue(*, bulletin_id: int, actor: User, issued_on: date | None = None) -> Bulletin:
    """Number and issue a draft in the office's name; a correction revokes the bulletin it replaces."""
    day = issued_on or _today()
    if day > _today():
        raise SupervisionError({"issued_on": "印发日期不能晚于今天"})
    with transaction.atomic():
        bulletin = _locked(bulletin_id)
        _require_office_supervisor(actor, bulletin, action="印发通报")
        _require_draft(bulletin)
        # Checked again: a case named in the draft may have been reclassified as an accusation since.
        _refuse_accusations(list(bulletin.petitions.all()))
        series = RecordSequence.Series.BULLETIN
        sequence = _next_sequence(org=bulletin.office, year=day.year, series=series)
        bulletin.number = format_record_number(office=bulletin.office, year=day.year, sequence=sequence,
                                               series=series)
        bulletin.year, bulletin.sequence = day.year, sequence
        bulletin.status = Bulletin.Status.ISSUED
        bulletin.issued_by, bulletin.issued_on = actor, day
        bulletin.full_clean(exclude=["units", "petitions"])
        bulletin.save(update_fields=["number", "year", "sequence", "status", "issued_by", "issued_on",
                                     "updated_at"])
        if bulletin.revokes_id is not None:
            old = Bulletin.objects.select_for_update().get(pk=bulletin.revokes_id)
            if old.status != Bulletin.Status.ISSUED:
                raise SupervisionError(f"{old.number}已撤销")
            old.status, old.revoked_on = Bulletin.Status.REVOKED, day
            old.save(update_fields=["status", "revoked_on", "updated_at"])
            audit_record(actor=actor, action="bulletin.revoke", target=old,
                         data=_audit_data(old, revoked_by=bulletin.number))
        audit_record(actor=actor, action="bulletin.issue", target=bulletin,
                     data=_audit_data(bulletin, revokes=bulletin.revokes.number if bulletin.revokes_id else ""))
    return bulletin


def bulletin_correct(*, bulletin_id: int, actor: User) -> Bulletin:
    """Start the correction of an issued bulletin: a draft copy that, once issued, revokes the original."""
    with transaction.atomic():
        old = _locked(bulletin_id)
        _require_office_supervisor(actor, old, action="更正通报")
        if old.status != Bulletin.Status.ISSUED:
            raise SupervisionError("只有已印发的通报可以更正（撤销）" if old.is_draft else f"{old.number}已撤销")
        if Bulletin.objects.filter(revokes=old).exists():
            raise SupervisionError(f"{old.number}已有更正稿")
        draft = Bulletin.objects.create(office=old.office, kind=old.kind, title=old.title, body=old.body,
                                        drafted_by=actor, revokes=old)
        draft.units.set(old.units.all())
        draft.petitions.set(old.petitions.all())
        audit_record(actor=actor, action="bulletin.draft", target=draft,
                     data=_audit_data(draft, revokes=old.number))
    return draft


def bulletin_document_export(*, bulletin: Bulletin, actor: User) -> bytes:
    """The issued 通报 as Word, in the office's name; written to the audit log (it names units and cases)."""
    from xinfang.supervision.bulletin_document import render_bulletin

    if bulletin.is_draft:
        raise SupervisionError("草稿尚未印发，没有正式文本")
    data = render_bulletin(bulletin=bulletin)
    with transaction.atomic():
        audit_record(actor=actor, action="bulletin.document_download", target=bulletin,
                     data={"number": bulletin.number})
    return data
