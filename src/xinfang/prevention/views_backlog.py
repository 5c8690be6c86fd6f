"""Pages of the 积案/包案 ledger and the 群众信访问题清单: list (我的包案), create (from a petition or a reception),
edit, 台账, 报结, 核实销号, 反流, Excel; the petition page's include (petition_backlog_context).

Thin: parse, call a service or a selector, render. A record outside the reader's scope is 404.
"""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xinfang.orgs.models import User
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.prevention import services_backlog as services
from xinfang.prevention.backlog import BACKLOG_LEDGER, PROBLEM_LEDGER, BacklogCase, BacklogReflux, ProblemListItem
from xinfang.prevention.forms_backlog import (
    PROBLEM_STATUSES,
    BacklogFilterForm,
    CaseForm,
    CaseVerifyForm,
    EntryForm,
    ProblemForm,
    ReportForm,
    StrikeOffForm,
)
from xinfang.prevention.permissions import can_record, is_office_reviewer, require_reader
from xinfang.prevention.selectors_backlog import (
    BacklogFilters,
    backlog_filter,
    backlog_visible_to,
    case_petition,
    case_refluxes,
    leaders_visible_to,
    problem_overdue_q,
    problems_visible_to,
    refluxes_visible_to,
)
from xinfang.prevention.services_common import export_record, history_for
from xinfang.prevention.sheets_backlog import backlog_export as sheet_export
from xinfang.prevention.sheets_backlog import backlog_import as sheet_import
from xinfang.prevention.sheets_problems import problems_export, problems_import
from xinfang.prevention.views_common import PAGE_SIZE, errors_onto, import_page, save_form, xlsx_response


def _filters(request: HttpRequest) -> tuple[BacklogFilterForm, BacklogFilters]:
    form = BacklogFilterForm(request.GET or None, user=request.user)
    values = form.cleaned_data if form.is_valid() else {}
    leader = request.user if values.get("mine") else values.get("leader")
    return form, BacklogFilters(start=values.get("start"), end=values.get("end"), org=values.get("org"),
                                status=values.get("status") or "", source=values.get("source") or "",
                                leader_id=leader.pk if leader else None, batch=(values.get("batch") or "").strip(),
                                text=(values.get("q") or "").strip(), today=timezone.localdate())


def backlog_list(request: HttpRequest, *, heading: str = "积案化解台账") -> HttpResponse:
    require_reader(request.user)
    form, filters = _filters(request)
    queryset = backlog_filter(backlog_visible_to(user=request.user), filters=filters)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "prevention/backlog_list.html", {
        "form": form, "tab": "mine" if request.GET.get("mine") else "backlog", "page": page, "count": queryset.count(), "query": query.urlencode(), "heading": heading,
        "today": timezone.localdate(), "can_record": can_record(request.user),
        "can_import": is_office_reviewer(request.user)})


def backlog_leader(request: HttpRequest, pk: int) -> HttpResponse:
    """A leader's 包案 (the drill-down of 包案领导人数): the list filtered by him."""
    leader = get_object_or_404(leaders_visible_to(), pk=pk)
    query = request.GET.copy()
    query["leader"] = str(leader.pk)
    request.GET = query
    return backlog_list(request, heading=f"{leader}的包案")


def backlog_export(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    _, filters = _filters(request)
    queryset = backlog_filter(backlog_visible_to(user=request.user), filters=filters)
    stream = io.BytesIO()
    rows = sheet_export(queryset=queryset, out=stream, petition_of=lambda case: getattr(
        case_petition(case=case, user=request.user), "number", ""))
    export_record(actor=request.user, what="backlog", rows=rows, query=request.GET.urlencode())
    return xlsx_response(stream.getvalue(), filename="backlog.xlsx")


def backlog_import(request: HttpRequest) -> HttpResponse:
    return import_page(request, run=sheet_import, title="导入积案台账", list_url="prevention:backlog-list")


def _case_input(cleaned, *, petition_id: int | None = None) -> services.CaseInput:
    return services.CaseInput(
        summary=cleaned["summary"], source=cleaned["source"], assigned_on=cleaned["assigned_on"],
        responsible_org_id=cleaned["responsible_org"].pk, leader_id=cleaned["leader"].pk, due_on=cleaned["due_on"],
        batch=cleaned.get("batch") or "", batch_number=cleaned.get("batch_number") or "",
        task_force=cleaned.get("task_force") or "", petition_id=petition_id)


def _prefill(request: HttpRequest) -> tuple[dict, Petition | None]:
    """?petition=<id>&leader=<user id>&source=reception: a leader taking a case at a reception."""
    initial: dict = {"assigned_on": timezone.localdate()}
    petition = None
    if request.GET.get("petition", "").isdigit():
        petition = petitions_visible_to(user=request.user).filter(pk=int(request.GET["petition"])).first()
        if petition is not None:
            initial.update(petition=petition.pk, summary=petition.summary, responsible_org=petition.handling_org_id)
    if request.GET.get("leader", "").isdigit() and leaders_visible_to().filter(pk=int(request.GET["leader"])).exists():
        initial["leader"] = int(request.GET["leader"])
    if request.GET.get("source") in BacklogCase.Source.values:
        initial["source"] = request.GET["source"]
    return initial, petition


def backlog_new(request: HttpRequest) -> HttpResponse:
    if not can_record(request.user):
        raise PermissionDenied("登记积案须由镇街、部门或信访部门的工作人员办理")
    initial, petition = _prefill(request)
    form = CaseForm(request.POST or None, user=request.user, initial=initial)
    done, problems = save_form(request, form, lambda cleaned: services.case_create(
        data=_case_input(cleaned, petition_id=cleaned.get("petition")), actor=request.user),
        detail="prevention:backlog-detail")
    if done:
        return done
    heading = f"登记积案（信访件 {petition.number}）" if petition else "登记积案"
    return render(request, "prevention/form.html", {"form": form, "problems": problems, "heading": heading})


def _case(request: HttpRequest, pk: int) -> BacklogCase:
    case = (backlog_visible_to(user=request.user).select_related(
        "responsible_org", "leader", "recorded_by", "reported_by", "verified_by").filter(pk=pk).first())
    if case is None:
        raise Http404("积案不存在或不在本单位范围内")
    return case


def backlog_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    if not can_record(request.user):
        raise PermissionDenied("修改积案须由镇街、部门或信访部门的工作人员办理")
    initial = {name: getattr(case, name) for name in (
        "version", "summary", "source", "batch", "batch_number", "assigned_on", "task_force", "due_on")}
    initial.update(responsible_org=case.responsible_org_id, leader=case.leader_id)
    form = CaseForm(request.POST or None, user=request.user, initial=initial, editing=True)
    done, problems = save_form(request, form, lambda cleaned: services.case_update(
        case_id=pk, data=_case_input(cleaned), actor=request.user, expected_version=cleaned.get("version"),
        note=cleaned.get("note") or ""), detail="prevention:backlog-detail")
    if done:
        return done
    return render(request, "prevention/form.html", {"form": form, "problems": problems,
                                                    "heading": f"修改积案 {case.number}"})


def backlog_detail(request: HttpRequest, pk: int, *, forms: dict | None = None, problems=None) -> HttpResponse:
    case = _case(request, pk)
    user = request.user
    forms = forms or {}
    is_open = case.status == BacklogCase.Status.OPEN
    return render(request, "prevention/backlog_detail.html", {
        "case": case, "petition": case_petition(case=case, user=user),
        "refluxes": case_refluxes(case=case, user=user), "entries": case.entries.select_related("recorded_by"),
        "history": history_for(ledger=BACKLOG_LEDGER, record_id=case.pk),
        "can_edit": can_record(user) and is_open, "can_entry": can_record(user),
        "can_report": can_record(user) and is_open,
        "can_verify": is_office_reviewer(user) and case.status == BacklogCase.Status.REPORTED,
        "entry_form": forms.get("entry") or EntryForm(initial={"done_on": timezone.localdate()}),
        "report_form": forms.get("report") or ReportForm(initial={"reported_on": timezone.localdate()}),
        "verify_form": forms.get("verify") or CaseVerifyForm(initial={"struck_off_on": timezone.localdate()}),
        "problems": problems or []})


def _act(request: HttpRequest, pk: int, *, key: str, form_class, run, done: str, problem: bool = False) -> HttpResponse:
    """A detail page's action form (a case's, or with `problem` a listed problem's): run the service, or show the
    page again with the form's problems."""
    lookup, detail, url = ((_problem, problem_detail, "prevention:problem-detail") if problem
                           else (_case, backlog_detail, "prevention:backlog-detail"))
    lookup(request, pk)  # 404 outside the reader's scope, before anything is parsed
    form = form_class(request.POST)
    if not form.is_valid():
        return detail(request, pk, forms={key: form}, problems=["请检查填写的内容"])
    try:
        run(form.cleaned_data)
    except PermissionDenied as error:
        messages.error(request, str(error))
    except ValidationError as error:
        return detail(request, pk, forms={key: form}, problems=errors_onto(form, error))
    else:
        messages.success(request, done)
    return redirect(url, pk)


@require_POST
def backlog_entry(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, key="entry", form_class=EntryForm, done="已记入台账", run=lambda c: services.entry_add(
        case_id=pk, actor=request.user, data=services.EntryInput(c["done_on"], c["content"], c["done_by"])))


@require_POST
def backlog_report(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, key="report", form_class=ReportForm, done="已报结，待信访部门审核员核实",
                run=lambda c: services.case_report(case_id=pk, reported_on=c["reported_on"],
                                                   resolution=c["resolution"], actor=request.user))


@require_POST
def backlog_verify(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, key="verify", form_class=CaseVerifyForm, done="已提交核实结果",
                run=lambda c: services.case_verify(case_id=pk, approve=c["decision"] == "approve",
                                                   reason=c.get("reason") or "", struck_off_on=c.get("struck_off_on"),
                                                   actor=request.user))


def backlog_reflux(request: HttpRequest, pk: int) -> HttpResponse:
    """A 反流 (the drill-down's row): its case's page."""
    reflux = refluxes_visible_to(user=request.user).filter(pk=pk).first()
    if reflux is None:
        raise Http404("反流记录不存在或不在本单位范围内")
    return redirect("prevention:backlog-detail", reflux.case_id)


def petition_backlog_context(*, petition: Petition, user: User) -> dict:
    """For the petition's case page (prevention/_backlog_petition.html): the 积案 of its matter the reader may see,
    and those this petition is a 反流 of."""
    root = petition.first_petition_id or petition.pk
    visible = backlog_visible_to(user=user)
    matter = Q(petition_id=root) | Q(petition__first_petition_id=root)
    return {"backlog_cases": list(visible.filter(matter).select_related("leader")),
            "backlog_refluxes": list(BacklogReflux.objects.filter(petition=petition, case__in=visible)
                                     .select_related("case"))}


# --- 群众信访问题清单 ------------------------------------------------------------------------------------


def _problems(request: HttpRequest, today):
    queryset = problems_visible_to(user=request.user).select_related("responsible_org")
    status = request.GET.get("status", "")
    if status == "overdue":
        queryset = queryset.filter(problem_overdue_q(today))
    elif status in ProblemListItem.Status.values:
        queryset = queryset.filter(status=status)
    return queryset.order_by("due_on", "id"), status


def problem_list(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    today = timezone.localdate()
    queryset, status = _problems(request, today)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "prevention/problem_list.html", {
        "page": page, "count": queryset.count(), "today": today, "status": status, "statuses": PROBLEM_STATUSES,
        "query": f"status={status}", "can_record": can_record(request.user),
        "can_import": is_office_reviewer(request.user)})


def problem_export(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    queryset, _ = _problems(request, timezone.localdate())
    stream = io.BytesIO()
    rows = problems_export(queryset=queryset, out=stream)
    export_record(actor=request.user, what="problem", rows=rows, query=request.GET.urlencode())
    return xlsx_response(stream.getvalue(), filename="problems.xlsx")


def problem_import(request: HttpRequest) -> HttpResponse:
    return import_page(request, run=problems_import, title="导入群众信访问题清单", list_url="prevention:problem-list",
                       layout="docs/PREVENTION.md“问题清单导入格式”")


def _problem(request: HttpRequest, pk: int) -> ProblemListItem:
    item = problems_visible_to(user=request.user).select_related("responsible_org").filter(pk=pk).first()
    if item is None:
        raise Http404("清单事项不存在或不在本单位范围内")
    return item


def _problem_input(cleaned) -> services.ProblemInput:
    return services.ProblemInput(cleaned["summary"], cleaned["responsible_person"], cleaned["responsible_org"].pk,
                                 cleaned["listed_on"], cleaned["due_on"], cleaned.get("note") or "")


def problem_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not can_record(request.user):
        raise PermissionDenied("登记群众信访问题清单须由镇街、部门或信访部门的工作人员办理")
    item = _problem(request, pk) if pk else None
    initial = {"listed_on": timezone.localdate()} if item is None else {
        "version": item.version, "summary": item.summary, "responsible_person": item.responsible_person,
        "responsible_org": item.responsible_org_id, "listed_on": item.listed_on, "due_on": item.due_on,
        "note": item.note}
    form = ProblemForm(request.POST or None, user=request.user, initial=initial)

    def save(cleaned) -> ProblemListItem:
        if item is None:
            return services.problem_create(data=_problem_input(cleaned), actor=request.user)
        return services.problem_update(item_id=item.pk, data=_problem_input(cleaned), actor=request.user,
                                       expected_version=cleaned.get("version"))

    done, problems = save_form(request, form, save, detail="prevention:problem-detail")
    if done:
        return done
    heading = f"修改清单事项 {item.number}" if item else "列入群众信访问题清单"
    return render(request, "prevention/form.html", {"form": form, "problems": problems, "heading": heading})


def problem_detail(request: HttpRequest, pk: int, *, forms: dict | None = None, problems=None) -> HttpResponse:
    item = _problem(request, pk)
    is_open = item.status == ProblemListItem.Status.OPEN
    return render(request, "prevention/problem_detail.html", {
        "item": item, "today": timezone.localdate(), "history": history_for(ledger=PROBLEM_LEDGER, record_id=item.pk),
        "can_edit": can_record(request.user) and is_open, "can_strike": is_office_reviewer(request.user) and is_open,
        "strike_form": (forms or {}).get("strike") or StrikeOffForm(initial={"struck_off_on": timezone.localdate()}),
        "problems": problems or []})


@require_POST
def problem_strike(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, key="strike", form_class=StrikeOffForm, done="已销号", problem=True,
                run=lambda c: services.problem_strike_off(item_id=pk, struck_off_on=c["struck_off_on"],
                                                          note=c["note"], actor=request.user))
