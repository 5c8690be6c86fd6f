"""Pages of the receptions ledger: schedules (list, plan, edit, publish, cancel, the public list) and receptions
(list, record, edit, link petitions, the leader's instructions, register a petition from it, Excel).

Thin: parse, call a service or a selector, render. A record outside the reader's scope is 404.
"""

import io
from datetime import datetime, time
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from xinfang.audit.services import audit_record
from xinfang.petitions.models import Channel
from xinfang.petitions.services import REGISTER_ROLES
from xinfang.prevention.forms import split_numbers
from xinfang.prevention.services_common import history_for
from xinfang.prevention.services_disputes import parse_amount
from xinfang.prevention.views_common import PAGE_SIZE, import_page, save_form, xlsx_response
from xinfang.receptions import services
from xinfang.receptions.forms import (
    CancelForm,
    InstructionForm,
    LinkForm,
    ReceptionFilterForm,
    ReceptionForm,
    ScheduleForm,
)
from xinfang.receptions.models import Reception, ReceptionPetition, ReceptionSchedule, TimeSlot
from xinfang.receptions.permissions import can_record, can_record_for, is_leader, is_office_reviewer, require_reader
from xinfang.receptions.selectors import (
    ReceptionFilters,
    published_schedules,
    reception_links,
    reception_links_visible_to,
    receptions_filter,
    receptions_visible_to,
    schedules_filter,
    schedules_visible_to,
)
from xinfang.stats.ledgers import CENT

# 包案: the backlog ledger's page (prevention:backlog-new), built by its own engineer; the plain path is the
# fallback while that URL name does not exist yet.
BACKLOG_NEW_PATH = "/prevention/backlog/new/"
SLOT_START = {TimeSlot.MORNING: time(9, 0), TimeSlot.AFTERNOON: time(14, 30), TimeSlot.ALL_DAY: time(9, 0)}


def _filters(request: HttpRequest) -> tuple[ReceptionFilterForm, ReceptionFilters]:
    form = ReceptionFilterForm(request.GET or None, user=request.user)
    values = form.cleaned_data if form.is_valid() else {}
    leader = values.get("leader")
    return form, ReceptionFilters(start=values.get("start"), end=values.get("end"), kind=values.get("kind") or "",
                                  leader_id=leader.pk if leader else None, mine=bool(values.get("mine")),
                                  text=(values.get("q") or "").strip())


def _page(request: HttpRequest, queryset):
    query = request.GET.copy()
    query.pop("page", None)
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page")), query.urlencode()


def _refuse(message: str) -> None:
    raise PermissionDenied(message)


# --- 接访安排 ----------------------------------------------------------------------------------------


def schedule_list(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    form, filters = _filters(request)
    queryset = schedules_filter(schedules_visible_to(user=request.user), filters=filters, user=request.user)
    page, query = _page(request, queryset.select_related("reception"))
    return render(request, "receptions/schedule_list.html", {
        "form": form, "page": page, "query": query, "can_record": can_record(request.user),
        "can_import": is_office_reviewer(request.user), "is_leader": is_leader(request.user)})


def _exported(request: HttpRequest, *, stream: io.BytesIO, rows: int, action: str, filename: str) -> HttpResponse:
    """The workbook written, with an audit event of its rows and the filters it was made with."""
    with transaction.atomic():  # the audit chain is appended only inside a transaction
        audit_record(actor=request.user, action=action, data={"rows": rows, "query": request.GET.urlencode()})
    return xlsx_response(stream.getvalue(), filename=filename)


def schedule_export(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    _, filters = _filters(request)
    queryset = schedules_filter(schedules_visible_to(user=request.user), filters=filters, user=request.user)
    stream = io.BytesIO()
    from xinfang.receptions.sheets import schedules_export

    rows = schedules_export(queryset=queryset, out=stream)
    return _exported(request, stream=stream, rows=rows, action="receptions.schedule_export",
                     filename="reception-schedules.xlsx")


def schedule_import(request: HttpRequest) -> HttpResponse:
    from xinfang.receptions.sheets import schedules_import

    return import_page(request, run=schedules_import, title="导入领导接访安排", list_url="receptions:schedules",
                       layout="docs/RECEPTIONS.md“导入格式”（接访安排）")


def schedule_public(request: HttpRequest) -> HttpResponse:
    """The published list as the portal will show it (what may be public, nothing more)."""
    require_reader(request.user)
    return render(request, "receptions/schedule_public.html",
                  {"schedules": published_schedules(today=timezone.localdate())})


def _schedule(request: HttpRequest, pk: int) -> ReceptionSchedule:
    schedule = schedules_visible_to(user=request.user).select_related("leader", "org").filter(pk=pk).first()
    if schedule is None:
        raise Http404("接访安排不存在或不在本单位范围内")
    return schedule


def _schedule_input(cleaned) -> services.ScheduleInput:
    return services.ScheduleInput(leader_id=cleaned["leader"].pk, scheduled_on=cleaned["scheduled_on"],
                                  slot=cleaned["slot"], place=cleaned["place"], kind=cleaned["kind"],
                                  topics=cleaned.get("topics") or "")


def schedule_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not can_record(request.user):
        _refuse("安排领导接访须由信访部门或镇街、部门的工作人员办理")
    schedule = _schedule(request, pk) if pk else None
    initial = {} if schedule is None else {
        "version": schedule.version, "leader": schedule.leader_id, "scheduled_on": schedule.scheduled_on,
        "slot": schedule.slot, "kind": schedule.kind, "place": schedule.place, "topics": schedule.topics}
    form = ScheduleForm(request.POST or None, user=request.user, initial=initial)

    def save(cleaned) -> ReceptionSchedule:
        if schedule is None:
            return services.schedule_create(data=_schedule_input(cleaned), actor=request.user)
        return services.schedule_update(schedule_id=schedule.pk, data=_schedule_input(cleaned), actor=request.user,
                                        expected_version=cleaned.get("version"))

    done, problems = save_form(request, form, save, detail="receptions:schedule-detail")
    if done:
        return done
    heading = f"修改接访安排 {schedule.number}" if schedule else "安排领导接访"
    return render(request, "prevention/form.html", {"form": form, "problems": problems, "heading": heading})


def schedule_detail(request: HttpRequest, pk: int, *, cancel_form=None, problems=None) -> HttpResponse:
    schedule = _schedule(request, pk)
    recorder = can_record_for(request.user, schedule.org_id)
    planned = schedule.status == ReceptionSchedule.Status.PLANNED
    return render(request, "receptions/schedule_detail.html", {
        "schedule": schedule, "reception": Reception.objects.filter(schedule=schedule).first(),
        "history": history_for(ledger=services.SCHEDULE_LEDGER, record_id=schedule.pk),
        "can_edit": recorder and planned, "can_publish": recorder and schedule.status != "cancelled",
        "can_hold": recorder and planned, "cancel_form": cancel_form or CancelForm(), "problems": problems or []})


def _run(request: HttpRequest, call, *, success: str) -> list[str]:
    """A POST action's service call: the success message, or the refusal's reasons."""
    try:
        call()
    except PermissionDenied as error:
        return [str(error)]
    except ValidationError as error:
        return list(error.messages)
    messages.success(request, success)
    return []


@require_POST
def schedule_publish(request: HttpRequest, pk: int) -> HttpResponse:
    _schedule(request, pk)
    publish = request.POST.get("publish") == "1"
    problems = _run(request, lambda: services.schedule_publish(schedule_id=pk, publish=publish, actor=request.user),
                    success="已公布" if publish else "已撤回公布")
    for problem in problems:
        messages.error(request, problem)
    return redirect("receptions:schedule-detail", pk)


@require_POST
def schedule_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    _schedule(request, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return schedule_detail(request, pk, cancel_form=form, problems=["请填写取消原因"])
    problems = _run(request, lambda: services.schedule_cancel(schedule_id=pk, reason=form.cleaned_data["reason"],
                                                              actor=request.user), success="已取消接访安排")
    if problems:
        return schedule_detail(request, pk, cancel_form=form, problems=problems)
    return redirect("receptions:schedule-detail", pk)


# --- 接访记录 ----------------------------------------------------------------------------------------


def reception_list(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    form, filters = _filters(request)
    queryset = receptions_filter(receptions_visible_to(user=request.user), filters=filters, user=request.user)
    totals = queryset.aggregate(count=Count("pk"), batches=Sum("batches"), person_times=Sum("person_times"),
                                amount=Sum("amount"))
    totals["amount"] = Decimal(totals["amount"] or 0).quantize(CENT)  # SQLite's SUM drops the scale
    page, query = _page(request, queryset)
    return render(request, "receptions/reception_list.html", {
        "form": form, "page": page, "totals": totals, "query": query, "can_record": can_record(request.user),
        "can_import": is_office_reviewer(request.user), "is_leader": is_leader(request.user)})


def reception_export(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    _, filters = _filters(request)
    queryset = receptions_filter(receptions_visible_to(user=request.user), filters=filters, user=request.user)
    stream = io.BytesIO()
    from xinfang.receptions.sheets import receptions_export

    rows = receptions_export(queryset=queryset, out=stream,
                             links_of=lambda reception: reception_links(reception=reception, user=request.user))
    return _exported(request, stream=stream, rows=rows, action="receptions.reception_export",
                     filename="receptions.xlsx")


def reception_import(request: HttpRequest) -> HttpResponse:
    from xinfang.receptions.sheets import receptions_import

    return import_page(request, run=receptions_import, title="导入领导接访台账", list_url="receptions:receptions",
                       layout="docs/RECEPTIONS.md“导入格式”（接访记录）")


def _reception_input(cleaned) -> services.ReceptionInput:
    return services.ReceptionInput(
        leader_id=cleaned["leader"].pk, received_on=cleaned["received_on"], place=cleaned["place"],
        kind=cleaned["kind"], batches=cleaned["batches"], person_times=cleaned["person_times"],
        amount=parse_amount(cleaned.get("amount")), summary=cleaned.get("summary") or "",
        instructions=cleaned.get("instructions") or "", schedule_id=cleaned.get("schedule") or None,
        petition_numbers=split_numbers(cleaned.get("petition_numbers") or ""))


def _reception(request: HttpRequest, pk: int) -> Reception:
    reception = (receptions_visible_to(user=request.user).select_related("leader", "org", "schedule", "recorded_by")
                 .filter(pk=pk).first())
    if reception is None:
        raise Http404("接访记录不存在或不在本单位范围内")
    return reception


def reception_new(request: HttpRequest) -> HttpResponse:
    """Record a reception; ?schedule=<id> holds that schedule (its leader, day, place and kind prefilled)."""
    if not can_record(request.user):
        _refuse("登记领导接访须由信访部门或镇街、部门的工作人员办理")
    initial: dict = {"received_on": timezone.localdate()}
    raw = request.GET.get("schedule", "")
    if raw.isdigit() and len(raw) <= 18:
        schedule = _schedule(request, int(raw))
        initial = {"schedule": schedule.pk, "leader": schedule.leader_id, "received_on": schedule.scheduled_on,
                   "kind": schedule.kind, "place": schedule.place}
    form = ReceptionForm(request.POST or None, user=request.user, initial=initial)
    done, problems = save_form(request, form, lambda cleaned: services.reception_create(
        data=_reception_input(cleaned), actor=request.user), detail="receptions:reception-detail")
    if done:
        return done
    return render(request, "prevention/form.html", {"form": form, "problems": problems, "heading": "登记领导接访"})


def reception_edit(request: HttpRequest, pk: int) -> HttpResponse:
    reception = _reception(request, pk)
    if not can_record_for(request.user, reception.org_id):
        _refuse("修改领导接访记录须由本单位范围内的信访部门或镇街、部门的工作人员办理")
    initial = {
        "version": reception.version, "schedule": reception.schedule_id, "leader": reception.leader_id,
        "received_on": reception.received_on, "kind": reception.kind, "place": reception.place,
        "batches": reception.batches, "person_times": reception.person_times, "amount": reception.amount,
        "summary": reception.summary, "instructions": reception.instructions}
    form = ReceptionForm(request.POST or None, user=request.user, initial=initial, editing=True)
    done, problems = save_form(request, form, lambda cleaned: services.reception_update(
        reception_id=pk, data=_reception_input(cleaned), actor=request.user, expected_version=cleaned.get("version"),
        note=cleaned.get("note") or ""), detail="receptions:reception-detail")
    if done:
        return done
    return render(request, "prevention/form.html", {"form": form, "problems": problems,
                                                    "heading": f"修改领导接访记录 {reception.number}"})


def backlog_url(*, petition_id: int, leader_id: int) -> str:
    """包案: the backlog ledger's new-record page for this petition and leader, whether or not it is routed yet."""
    try:
        base = reverse("prevention:backlog-new")
    except NoReverseMatch:
        base = BACKLOG_NEW_PATH
    return f"{base}?{urlencode({'petition': petition_id, 'leader': leader_id, 'source': 'reception'})}"


def register_url(reception: Reception) -> str:
    """登记信访事项 from the reception: a visit (来访) received on the reception's day, linked once saved."""
    slot = reception.schedule.slot if reception.schedule_id else TimeSlot.MORNING
    received = datetime.combine(reception.received_on, SLOT_START[slot])
    query = {"channel": Channel.VISIT, "received_at": received.strftime("%Y-%m-%dT%H:%M"), "reception": reception.pk}
    return f"{reverse('petition-register')}?{urlencode(query)}"


def reception_detail(request: HttpRequest, pk: int, *, link_form=None, problems=None) -> HttpResponse:
    reception = _reception(request, pk)
    user = request.user
    recorder = can_record_for(user, reception.org_id)
    links = reception_links(reception=reception, user=user)
    for link in links:
        link.backlog_url = backlog_url(petition_id=link.petition_id, leader_id=reception.leader_id)
    return render(request, "receptions/reception_detail.html", {
        "reception": reception, "links": links, "finished": sum(1 for link in links if link.finished),
        "history": history_for(ledger=services.RECEPTION_LEDGER, record_id=reception.pk),
        "can_edit": recorder, "can_link": recorder, "can_backlog": recorder or reception.leader_id == user.pk,
        "can_register": recorder and (user.is_superuser or user.has_role(*REGISTER_ROLES)),
        "register_url": register_url(reception), "link_form": link_form or LinkForm(),
        "instruction_form": InstructionForm(), "problems": problems or []})


@require_POST
def reception_link(request: HttpRequest, pk: int) -> HttpResponse:
    """关联已登记事项 by its number (a petition the user may see)."""
    _reception(request, pk)
    form = LinkForm(request.POST)
    if not form.is_valid():
        return reception_detail(request, pk, link_form=form, problems=["请填写信访件编号"])
    problems = _run(request, lambda: services.reception_link_by_number(
        reception_id=pk, number=form.cleaned_data["petition_number"], actor=request.user,
        instruction=form.cleaned_data.get("instruction") or ""), success="已关联信访件")
    if problems:
        return reception_detail(request, pk, link_form=form, problems=problems)
    return redirect("receptions:reception-detail", pk)


def _visible_link(request: HttpRequest, link_id: int) -> ReceptionPetition:
    link = reception_links_visible_to(user=request.user).filter(pk=link_id).first()
    if link is None:
        raise Http404("关联的信访件不存在或无权查看")
    return link


def link_detail(request: HttpRequest, link_id: int) -> HttpResponse:
    """A link as the drill-down lists it: its reception's page."""
    return redirect("receptions:reception-detail", _visible_link(request, link_id).reception_id)


@require_POST
def link_instruction(request: HttpRequest, link_id: int) -> HttpResponse:
    link = _visible_link(request, link_id)
    form = InstructionForm(request.POST)
    problems = ["请填写领导批示"] if not form.is_valid() else _run(
        request, lambda: services.reception_instruction_set(link_id=link.pk, actor=request.user,
                                                            instruction=form.cleaned_data["instruction"]),
        success="已登记领导批示")
    for problem in problems:
        messages.error(request, problem)
    return redirect("receptions:reception-detail", link.reception_id)


@require_POST
def link_remove(request: HttpRequest, link_id: int) -> HttpResponse:
    link = _visible_link(request, link_id)
    for problem in _run(request, lambda: services.reception_petition_unlink(link_id=link.pk, actor=request.user),
                        success="已取消关联"):
        messages.error(request, problem)
    return redirect("receptions:reception-detail", link.reception_id)
