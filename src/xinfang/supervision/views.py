"""The inbox (我的待办): the matters waiting on the user, saved views, bulk 转送/交办."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xinfang.orgs.models import Org
from xinfang.petitions.models import Petition, PetitionStatus
from xinfang.supervision.forms import BULK_ACTIONS, BulkDispatchForm, InboxFilterForm, SavedViewForm
from xinfang.supervision.inbox import STEPS, STEPS_BY_KEY, inbox_order, inbox_queryset, inbox_rows, step_counts
from xinfang.supervision.models import SavedView
from xinfang.workflow.rules import RULES_BY_ACTION
from xinfang.workflow.services import petition_act

PAGE_SIZE = 50
COLUMNS = (("number", "编号"), (None, "概况"), ("step", "步骤"), ("handling_org", "责任单位"), ("due", "期限"),
           ("channel", "信访形式"))
FILTER_KEYS = ("step", "handling_org", "channel", "category", "sort")


def _filtered(request: HttpRequest):
    """The user's inbox less the filters other than the step, the form, and its cleaned values."""
    base = inbox_queryset(user=request.user)
    handling_orgs = Org.objects.filter(pk__in=base.order_by().values("handling_org_id")).order_by("path")
    form = InboxFilterForm(request.GET or None, handling_orgs=list(handling_orgs))
    values = form.cleaned_data if form.is_valid() else {}
    if values.get("handling_org"):
        base = base.filter(handling_org_id=values["handling_org"])
    if values.get("channel"):
        base = base.filter(channel=values["channel"])
    if values.get("category"):
        base = base.filter(Q(category_id=values["category"]) | Q(category__parent_id=values["category"]))
    return base, form, values


def _query(values: dict, **changes) -> str:
    merged = {key: values.get(key) for key in FILTER_KEYS}
    merged.update(changes)
    return urlencode({key: value for key, value in merged.items() if value not in (None, "")})


def _require_org(request: HttpRequest) -> None:
    # As the navigation (web.navigation.can_see_inbox): what waits on a user is what waits on the user's org.
    if request.user.org_id is None:
        raise PermissionDenied("当前用户未分配所属机构，没有待办事项")


def inbox(request: HttpRequest) -> HttpResponse:
    _require_org(request)
    base, form, values = _filtered(request)
    counts = step_counts(base)
    step = STEPS_BY_KEY.get(values.get("step") or "")
    listed = base.filter(status__in=step.statuses) if step else base
    sort = values.get("sort") or "due"
    page = Paginator(inbox_order(listed.select_related("handling_org", "category"), sort), PAGE_SIZE).get_page(
        request.GET.get("page"))
    rows = inbox_rows(list(page.object_list), today=timezone.localdate())
    dispatchable = [row for row in rows if row.petition.status == PetitionStatus.REGISTERED]
    bulk_form = BulkDispatchForm(user=request.user, petition_choices=[
        (row.petition.pk, row.petition.number) for row in dispatchable]) if dispatchable else None
    columns = [{"label": label, "key": key, "active": sort.lstrip("-") == key,
                "descending": sort.startswith("-"),
                "query": _query(values, sort=(key if sort != key else f"-{key}"), page=None) if key else ""}
               for key, label in COLUMNS]
    tabs = [{"key": "", "label": "全部", "count": sum(counts.values()), "active": step is None,
             "query": _query(values, step=None)}]
    tabs += [{"key": s.key, "label": s.label, "count": counts[s.key], "active": step == s, "help": s.help,
              "query": _query(values, step=s.key)} for s in STEPS]
    current_query = _query(values)
    return render(request, "supervision/inbox.html", {
        "form": form, "rows": rows, "page": page, "tabs": tabs, "columns": columns, "step": step,
        "total": counts[step.key] if step else sum(counts.values()), "bulk_form": bulk_form,
        "dispatchable": {row.petition.pk for row in dispatchable},
        "saved_views": SavedView.objects.filter(user=request.user), "current_query": current_query,
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


def bulk_dispatch_one(*, petition: Petition, action: str, handling_org: int, user) -> BulkOutcome:
    """One matter of a bulk 转送/交办, through petition_act in its own transaction: done entirely, or not at all."""
    try:
        with transaction.atomic():
            petition_act(petition_id=petition.pk, action=action, actor=user, values={"handling_org": handling_org},
                         expected_version=petition.version)
    except PermissionDenied as error:
        return BulkOutcome(petition.pk, petition.number, False, str(error))
    except ValidationError as error:
        return BulkOutcome(petition.pk, petition.number, False, "；".join(error.messages))
    rule = RULES_BY_ACTION[action]
    return BulkOutcome(petition.pk, petition.number, True, f"已{rule.label}（{rule.article}）")


@require_POST
def bulk_dispatch(request: HttpRequest) -> HttpResponse:
    _require_org(request)
    waiting = {p.pk: p for p in inbox_queryset(user=request.user).filter(status=PetitionStatus.REGISTERED)}
    form = BulkDispatchForm(request.POST, user=request.user,
                            petition_choices=[(pk, p.number) for pk, p in waiting.items()])
    if not form.is_valid():
        return render(request, "supervision/bulk_result.html", {"form": form, "outcomes": []}, status=400)
    action, org = form.cleaned_data["action"], form.cleaned_data["handling_org"]
    outcomes = [bulk_dispatch_one(petition=waiting[pk], action=action, handling_org=org, user=request.user)
                for pk in form.cleaned_data["petitions"]]
    return render(request, "supervision/bulk_result.html", {
        "form": form, "outcomes": outcomes, "action_label": dict(BULK_ACTIONS)[action],
        "org": Org.objects.get(pk=org), "done": sum(o.done for o in outcomes),
        "refused": sum(not o.done for o in outcomes),
    })
