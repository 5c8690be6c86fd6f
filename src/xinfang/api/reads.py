"""The API's reads beyond the petition itself: its history, deadlines and notices, the user's inbox, the orgs and
categories a client needs, and the statistics' figures. Each goes through the same selector as its page
(petitions_visible_to, history_for, inbox_queryset, the indicators), so nothing is seen here that the page hides.
"""

from datetime import date, datetime
from io import BytesIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema

from xinfang.api.schemas import ErrorOut
from xinfang.matching.selectors import history_for
from xinfang.petitions.models import Category
from xinfang.petitions.selectors import petition_get_for_user
from xinfang.petitions.validators import MAX_DB_ID
from xinfang.stats.indicators import INDICATORS, compute_totals
from xinfang.stats.ledgers import LedgerQuery, figure_as_json, sections_totals
from xinfang.stats.selectors import scope_orgs, stats_filters_parse, stats_query
from xinfang.supervision.inbox import inbox_order, inbox_queryset, step_of_status
from xinfang.workflow.clocks import clock_state

router = Router(tags=["reads"])
PETITION_ID = Path(..., ge=1, le=MAX_DB_ID)


class EventOut(Schema):
    id: int
    kind: str
    label: str
    occurred_at: datetime
    actor_org: str | None
    actor: str | None
    note: str
    acted_on: date | None = Field(None, description="补录: the legal date of an action entered later")
    recorded_on: date | None = Field(None, description="补录: the day it was entered")


@router.get("/petitions/{petition_id}/events", response={200: list[EventOut], 404: ErrorOut},
            summary="The petition's history (办理记录), oldest first, as the case page shows it")
def petition_events(request: HttpRequest, petition_id: int = PETITION_ID):
    petition = petition_get_for_user(user=request.user, petition_id=petition_id)
    events = history_for(user=request.user, events=list(
        petition.events.select_related("actor", "actor_org").order_by("occurred_at", "id")))
    rows = []
    for event in events:
        late = event.late_entry if event.data.get("late_entry") else None
        rows.append({"id": event.pk, "kind": event.kind, "label": event.label, "occurred_at": event.occurred_at,
                     "actor_org": event.actor_org.name if event.actor_org else None,
                     "actor": str(event.actor) if event.actor else None, "note": event.note,
                     "acted_on": late.acted_on if late else None, "recorded_on": late.recorded_on if late else None})
    return rows


class DeadlineOut(Schema):
    kind: str
    label: str
    org: str
    started_on: date
    statutory_due: date
    provisional: bool
    stopped_on: date | None
    level: str
    level_label: str
    remaining_days: int | None


@router.get("/petitions/{petition_id}/deadlines", response={200: list[DeadlineOut], 404: ErrorOut},
            summary="The petition's statutory deadlines (办理期限) and their state today")
def petition_deadlines(request: HttpRequest, petition_id: int = PETITION_ID):
    petition = petition_get_for_user(user=request.user, petition_id=petition_id)
    today = timezone.localdate()
    rows = []
    for clock in petition.clocks.filter(voided=False).select_related("org").order_by("started_on", "id"):
        state = clock_state(clock=clock, today=today)
        rows.append({"kind": clock.kind, "label": clock.get_kind_display(), "org": clock.org.name,
                     "started_on": clock.started_on, "statutory_due": clock.statutory_due,
                     "provisional": clock.provisional, "stopped_on": clock.stopped_on, "level": state.level,
                     "level_label": state.level_label, "remaining_days": state.remaining_days})
    return rows


class NoticeOut(Schema):
    id: int
    kind: str
    label: str
    number: str
    issuing_org: str
    issued_at: datetime
    voided: bool
    docx: str | None = Field(None, description="download path (reveal roles only; every download is audited)")


@router.get("/petitions/{petition_id}/notices", response={200: list[NoticeOut], 404: ErrorOut},
            summary="The petition's notices and decision letters (文书); a voided one has no download")
def petition_notices(request: HttpRequest, petition_id: int = PETITION_ID):
    petition = petition_get_for_user(user=request.user, petition_id=petition_id)
    return [{"id": notice.pk, "kind": notice.kind, "label": notice.get_kind_display(), "number": notice.number,
             "issuing_org": notice.issuing_org.name, "issued_at": notice.issued_at, "voided": notice.voided,
             "docx": None if notice.voided else f"/api/v1/petitions/{petition.pk}/notices/{notice.pk}/docx"}
            for notice in petition.notices.select_related("issuing_org").order_by("issued_at", "id")]


@router.get("/petitions/{petition_id}/notices/{notice_id}/docx", response={403: ErrorOut, 404: ErrorOut},
            summary="A notice as Word (.docx): it names the petitioner in full, so the reveal roles only, audited")
def petition_notice_docx(request: HttpRequest, petition_id: int = PETITION_ID,
                         notice_id: int = Path(..., ge=1, le=MAX_DB_ID)):
    from xinfang.notices.services import NoticeVoided, notice_export

    petition = petition_get_for_user(user=request.user, petition_id=petition_id)
    notice = petition.notices.select_related("issuing_org").filter(pk=notice_id).first()
    if notice is None:
        raise Http404
    try:
        document = notice_export(notice=notice, actor=request.user, fmt="docx")
    except NoticeVoided as error:
        raise ValidationError({"notice": [str(error)]}) from None
    return FileResponse(BytesIO(document.content), as_attachment=True, filename=document.filename,
                        content_type=document.content_type)


class AttachmentOut(Schema):
    id: int
    purpose: str
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    download: str


@router.get("/petitions/{petition_id}/attachments", response={200: list[AttachmentOut], 404: ErrorOut},
            summary="The petition's attachments (materials and investigation evidence)")
def petition_attachments(request: HttpRequest, petition_id: int = PETITION_ID):
    petition = petition_get_for_user(user=request.user, petition_id=petition_id)
    return [{"id": item.pk, "purpose": item.purpose, "name": item.original_name, "content_type": item.content_type,
             "size": item.size, "sha256": item.sha256, "uploaded_at": item.uploaded_at,
             "download": f"/api/v1/petitions/{petition.pk}/attachments/{item.pk}"}
            for item in petition.attachments.order_by("uploaded_at", "id")]


@router.get("/petitions/{petition_id}/attachments/{attachment_id}", response={404: ErrorOut, 409: ErrorOut},
            summary="One attachment's file (decrypted, checked against its SHA-256 first)")
def petition_attachment(request: HttpRequest, petition_id: int = PETITION_ID,
                        attachment_id: int = Path(..., ge=1, le=MAX_DB_ID)):
    from xinfang.petitions.attachments import AttachmentTampered, attachment_read

    petition = petition_get_for_user(user=request.user, petition_id=petition_id)
    attachment = petition.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    try:
        data = attachment_read(attachment)
    except AttachmentTampered:
        return 409, {"detail": "the stored file does not match its record; download refused"}
    return FileResponse(BytesIO(data), as_attachment=True, filename=attachment.original_name,
                        content_type=attachment.content_type)


class InboxItemOut(Schema):
    id: int
    number: str
    summary: str
    status: str
    step: str | None
    due: date | None
    handling_org: str | None
    assignee: str | None


class InboxQuery(Schema):
    sort: str = Field("due", max_length=20, description="due | number | step | handling_org | assignee | channel, "
                                                        "'-' for descending")
    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(50, ge=1, le=200)


class InboxOut(Schema):
    total: int
    items: list[InboxItemOut]


@router.get("/inbox", response={200: InboxOut}, summary="The matters waiting on this user (我的待办), overdue first")
def inbox(request: HttpRequest, params: Query[InboxQuery]):
    queryset = inbox_order(inbox_queryset(user=request.user), params.sort).select_related("handling_org", "assignee")
    rows = queryset[params.offset:params.offset + params.limit]
    items = []
    for petition in rows:
        step = step_of_status(petition.status)
        items.append({"id": petition.pk, "number": petition.number, "summary": petition.summary,
                      "status": petition.status, "step": step.label if step else None, "due": petition.due,
                      "handling_org": petition.handling_org.name if petition.handling_org else None,
                      "assignee": str(petition.assignee) if petition.assignee else None})
    return {"total": queryset.count(), "items": items}


class OrgOut(Schema):
    id: int
    name: str
    kind: str
    level: str
    region_code: str
    parent_id: int | None
    may_handle: bool


@router.get("/orgs", response={200: list[OrgOut]}, summary="The orgs in this user's scope, in tree order")
def orgs(request: HttpRequest):
    return [{"id": org.pk, "name": org.name, "kind": org.kind, "level": org.level, "region_code": org.region_code,
             "parent_id": org.parent_id, "may_handle": org.may_handle}
            for org in scope_orgs(user=request.user).order_by("path")]


class CategoryOut(Schema):
    code: str
    name: str
    parent: str | None


@router.get("/categories", response={200: list[CategoryOut]}, summary="The active problem categories (问题分类)")
def categories(request: HttpRequest):
    return [{"code": category.code, "name": category.name,
             "parent": category.parent.code if category.parent_id else None}
            for category in Category.objects.filter(is_active=True).select_related("parent").order_by("code")]


class StatsQueryIn(Schema):
    start: date | None = None
    end: date | None = None
    org_id: int | None = Field(None, ge=1, le=MAX_DB_ID)


@router.get("/stats/figures", response={200: dict, 403: ErrorOut, 422: ErrorOut},
            summary="Every indicator for a period and an org subtree in scope (as `xinfang stats --format json`)")
def stats_figures(request: HttpRequest, params: Query[StatsQueryIn]):
    filters = stats_filters_parse(start=params.start or "", end=params.end or "",
                                  org_id=str(params.org_id) if params.org_id else "")
    if filters.org is not None and not scope_orgs(user=request.user).filter(pk=filters.org.pk).exists():
        raise PermissionDenied("the org is outside this user's scope")
    totals = compute_totals(stats_query(user=request.user, filters=filters))
    ledgers = sections_totals(LedgerQuery(start=filters.start, end=filters.end, user=request.user, org=filters.org,
                                          today=timezone.localdate()))
    return {
        "period": {"from": filters.start.isoformat(), "to": filters.end.isoformat()},
        "org": filters.org.name if filters.org else None,
        "indicators": {indicator.key: {"name": indicator.name_zh, "unit": indicator.unit_zh,
                                       "value": None if totals[indicator.key].value is None
                                       else str(totals[indicator.key].value),
                                       "numerator": totals[indicator.key].numerator,
                                       "denominator": totals[indicator.key].denominator}
                       for indicator in INDICATORS},
        "ledgers": {item.section.key: {"title": item.section.title, "figures": {
            indicator.key: figure_as_json(indicator, figure) for indicator, figure in item.items()}}
            for item in ledgers},
    }


