"""The inbox (我的待办): the matters and records waiting on the user, saved views, bulk 转送/交办 and 指定承办人."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xinfang.orgs.models import Org, User
from xinfang.petitions.models import Petition, PetitionStatus
from xinfang.supervision.forms import (
    BULK_ACTIONS,
    BulkAssignForm,
    BulkDispatchForm,
    InboxFilterForm,
    SavedViewForm,
    person_name,
)
from xinfang.supervision.inbox import (
    ASSIGNABLE,
    STEPS,
    STEPS_BY_KEY,
    inbox_order,
    inbox_queryset,
    inbox_rows,
    step_counts,
    unassigned_q,
)
from xinfang.supervision.inbox_records import (
    EXTRA_STEPS_BY_KEY,
    extra_querysets,
    extra_steps_for,
    overdue_rows,
    record_rows,
)
from xinfang.supervision.models import SavedView
from xinfang.workflow.rules import RULES_BY_ACTION
from xinfang.workflow.services import petition_act

PAGE_SIZE = 50
COLUMNS = (("number", "编号"), (None, "概况"), ("step", "步骤"), ("handling_org", "责任单位"), ("assignee", "承办人"),
           ("due", "期限"), ("channel", "信访形式"))
FILTER_KEYS = ("step", "handling_org", "assignee", "channel", "category", "sort")
SECTION_PREVIEW = 10  # rows of each record step shown under 全部 (the step's own tab lists them all)


def _apply_filters(queryset, values: dict, user):
    """The filters other than the step, on petitions (the rules' steps and the supervisor's overdue ones)."""
    if values.get("handling_org"):
        queryset = queryset.filter(handling_org_id=values["handling_org"])
    if values.get("assignee") == "me":
        queryset = queryset.filter(assignee=user)
    elif values.get("assignee") == "none":
        queryset = queryset.filter(unassigned_q())
    elif values.get("assignee"):
        queryset = queryset.filter(assignee_id=int(values["assignee"]))
    if values.get("channel"):
        queryset = queryset.filter(channel=values["channel"])
    if values.get("category"):
        queryset = queryset.filter(Q(category_id=values["category"]) | Q(category__parent_id=values["category"]))
    return queryset


def _filtered(request: HttpRequest):
    """The user's inbox less the filters other than the step, the form, and its cleaned values."""
    base = inbox_queryset(user=request.user)
    handling_orgs = Org.objects.filter(pk__in=base.order_by().values("handling_org_id")).order_by("path")
    form = InboxFilterForm(request.GET or None, handling_orgs=list(handling_orgs), user=request.user)
    values = form.cleaned_data if form.is_valid() else {}
    return _apply_filters(base, values, request.user), form, values


def _query(values: dict, **changes) -> str:
    merged = {key: values.get(key) for key in FILTER_KEYS}
    merged.update(changes)
    return urlencode({key: value for key, value in merged.items() if value not in (None, "")})


def _require_org(request: HttpRequest) -> None:
    # As the navigation (web.navigation.can_see_inbox): what waits on a user is what waits on the user's org.
    if request.user.org_id is None:
        raise PermissionDenied("当前用户未分配所属机构，没有待办事项")


def _is_head(user) -> bool:
    return user.is_superuser or user.has_role(*RULES_BY_ACTION["assign_handler"].roles)


def _assignable(queryset, user):
    """The matters of an inbox queryset the user may give to a 承办人 (a head, at the handling unit)."""
    if not _is_head(user):
        return queryset.none()
    return queryset.filter(status__in=ASSIGNABLE, handling_org_id__in=user.org.ancestor_ids)


def _sections(request: HttpRequest, values: dict, selected) -> tuple[dict[str, int], list[dict]]:
    """The extra steps' counts, and the lists shown: the selected one in full (paged), or each one's first rows."""
    user, today = request.user, timezone.localdate()
    querysets = extra_querysets(user=user)
    querysets["overdue"] = _apply_filters(querysets["overdue"], values, user)
    steps = extra_steps_for(user)
    counts = {step.key: querysets[step.key].count() for step in steps}
    sections = []
    for step in steps:
        if selected is not None and selected != step:
            continue
        queryset = querysets[step.key]
        if step.key == "overdue":
            queryset = queryset.select_related("handling_org", "assignee")
        page = (Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page")) if selected == step else None)
        records = list(page.object_list) if page else list(queryset[:SECTION_PREVIEW])
        if not records and selected is None:
            continue
        rows = (overdue_rows(records, today=today, user=user) if step.key == "overdue"
                else record_rows(step.key, records, today=today))
        sections.append({"step": step, "rows": rows, "count": counts[step.key], "page": page,
                         "query": _query(values, step=step.key)})
    return counts, sections


def inbox(request: HttpRequest) -> HttpResponse:
    _require_org(request)
    user = request.user
    base, form, values = _filtered(request)
    counts = step_counts(base)
    key = values.get("step") or ""
    step, extra = STEPS_BY_KEY.get(key), EXTRA_STEPS_BY_KEY.get(key)
    extra_counts, sections = _sections(request, values, extra)
    listed = base.filter(status__in=step.statuses) if step else base
    sort = values.get("sort") or "due"
    page = Paginator(inbox_order(listed.select_related("handling_org", "category", "assignee"), sort),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    rows = inbox_rows(list(page.object_list), today=timezone.localdate(), user=user) if extra is None else []
    dispatchable = [row for row in rows if row.petition.status == PetitionStatus.REGISTERED]
    bulk_form = BulkDispatchForm(user=user, petition_choices=[
        (row.petition.pk, row.petition.number) for row in dispatchable]) if dispatchable else None
    assignable_ids = set(_assignable(base, user).filter(pk__in=[row.petition.pk for row in rows])
                         .values_list("pk", flat=True))
    assign_form = BulkAssignForm(user=user, petition_choices=[
        (row.petition.pk, row.petition.number) for row in rows if row.petition.pk in assignable_ids]
    ) if assignable_ids else None
    columns = [{"label": label, "key": key, "active": sort.lstrip("-") == key,
                "descending": sort.startswith("-"),
                "query": _query(values, sort=(key if sort != key else f"-{key}"), page=None) if key else ""}
               for key, label in COLUMNS]
    total = sum(counts.values()) + sum(extra_counts.values())
    tabs = [{"key": "", "label": "全部", "count": total, "active": step is None and extra is None,
             "query": _query(values, step=None)}]
    tabs += [{"key": s.key, "label": s.label, "count": counts[s.key], "active": step == s, "help": s.help,
              "query": _query(values, step=s.key)} for s in STEPS]
    tabs += [{"key": s.key, "label": s.label, "count": extra_counts[s.key], "active": extra == s, "help": s.help,
              "query": _query(values, step=s.key)} for s in extra_steps_for(user)]
    unassigned = ({"count": base.filter(unassigned_q()).count(), "active": values.get("assignee") == "none",
                   "query": _query(values, assignee="none", page=None)} if _is_head(user) else None)
    current_query = _query(values)
    return render(request, "supervision/inbox.html", {
        "form": form, "rows": rows, "page": page, "tabs": tabs, "columns": columns, "step": step, "extra": extra,
        "sections": sections, "unassigned": unassigned,
        # Under 全部 a user whose only waiting work is records (or overdue matters) sees just those lists.
        "show_petitions": extra is None and (step is not None or bool(rows) or not sections),
        "total": (counts[step.key] if step else extra_counts[extra.key] if extra else total),
        "bulk_form": bulk_form, "assign_form": assign_form,
        "selectable": {row.petition.pk for row in dispatchable} | assignable_ids,
        "saved_views": SavedView.objects.filter(user=user), "current_query": current_query,
        "saved_view_form": SavedViewForm(initial={"query": current_query}),
        "page_query": _query(values),
    })


@require_POST
def saved_view_create(request: HttpRequest) -> HttpResponse:
    _require_org(request)
    form = SavedViewForm(request.POST)
    if form.is_valid():
        # Only the inbox's own filters are kept: a saved view is a query string of this page, nothing else.
        query = QueryDict(form.cleaned_data["query"])
        kept = urlencode([(key, value) for key in FILTER_KEYS for value in query.getlist(key) if value])
        SavedView.objects.update_or_create(user=request.user, name=form.cleaned_data["name"],
                                           defaults={"query": kept})
        messages.success(request, f"已保存视图“{form.cleaned_data['name']}”")
    else:
        messages.error(request, "请填写视图名称（不超过80个字）")
    return redirect("supervision:inbox")


@require_POST
def saved_view_delete(request: HttpRequest, view_id: int) -> HttpResponse:
    view = get_object_or_404(SavedView, pk=view_id, user=request.user)  # another user's view is a 404
    view.delete()
    messages.success(request, f"已删除视图“{view.name}”")
    return redirect("supervision:inbox")


@dataclass(frozen=True)
class BulkOutcome:
    petition_id: int
    number: str
    done: bool
    message: str


def bulk_act_one(*, petition: Petition, action: str, values: dict, user) -> BulkOutcome:
    """One matter of a bulk action, through petition_act in its own transaction: done entirely, or not at all."""
    try:  # petition_act is one transaction; an Art 30 refusal's record is written after its rollback
        petition_act(petition_id=petition.pk, action=action, actor=user, values=values,
                     expected_version=petition.version)
    except PermissionDenied as error:
        return BulkOutcome(petition.pk, petition.number, False, str(error))
    except ValidationError as error:
        return BulkOutcome(petition.pk, petition.number, False, "；".join(error.messages))
    rule = RULES_BY_ACTION[action]
    return BulkOutcome(petition.pk, petition.number, True, f"已{rule.label}（{rule.article}）")


@require_POST
def bulk_assign(request: HttpRequest) -> HttpResponse:
    _require_org(request)
    waiting = {p.pk: p for p in _assignable(inbox_queryset(user=request.user), request.user)}
    form = BulkAssignForm(request.POST, user=request.user,
                          petition_choices=[(pk, p.number) for pk, p in waiting.items()])
    if not form.is_valid():
        return render(request, "supervision/bulk_result.html", {"form": form, "outcomes": [],
                                                                 "action_label": "指定承办人"}, status=400)
    person = User.objects.get(pk=form.cleaned_data["assignee"])
    outcomes = [bulk_act_one(petition=waiting[pk], action="assign_handler", values={"assignee": person.pk},
                             user=request.user)
                for pk in form.cleaned_data["petitions"]]
    return render(request, "supervision/bulk_result.html", {
        "form": form, "outcomes": outcomes, "action_label": "指定承办人", "target": f"为 {person_name(person)}",
        "done": sum(o.done for o in outcomes), "refused": sum(not o.done for o in outcomes),
    })


@require_POST
def bulk_dispatch(request: HttpRequest) -> HttpResponse:
    _require_org(request)
    waiting = {p.pk: p for p in inbox_queryset(user=request.user).filter(status=PetitionStatus.REGISTERED)}
    form = BulkDispatchForm(request.POST, user=request.user,
                            petition_choices=[(pk, p.number) for pk, p in waiting.items()])
    if not form.is_valid():
        return render(request, "supervision/bulk_result.html", {"form": form, "outcomes": []}, status=400)
    action, org = form.cleaned_data["action"], form.cleaned_data["handling_org"]
    outcomes = [bulk_act_one(petition=waiting[pk], action=action, values={"handling_org": org}, user=request.user)
                for pk in form.cleaned_data["petitions"]]
    return render(request, "supervision/bulk_result.html", {
        "form": form, "outcomes": outcomes, "action_label": dict(BULK_ACTIONS)[action],
        "target": f"至 {Org.objects.get(pk=org).name}", "done": sum(o.done for o in outcomes),
        "refused": sum(not o.done for o in outcomes),
    })
