"""Pages of 约谈 and 限期整改: the list, the two issue forms, the detail with the report, check and close forms.

Thin, on the 督办 pages' helpers (views_records): records the user may not see are 404.
"""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xinfang.orgs.models import User
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.supervision import services_accountability as services
from xinfang.supervision.accountability import Rectification
from xinfang.supervision.forms_accountability import FORMS, CheckForm, RectificationFilterForm, ReportForm
from xinfang.supervision.forms_records import NoteForm
from xinfang.supervision.records import RecordStatus
from xinfang.supervision.selectors_accountability import (
    RECTIFICATION_STATES,
    rectification_get_for_user,
    rectification_target_orgs,
    rectifications_visible_to,
)
from xinfang.supervision.selectors_records import RecordFilters, records_filter
from xinfang.supervision.views_records import PAGE_SIZE, _act, _is_supervisor, _issue, _roles

DETAIL = "supervision:rectification-detail"


def petition_ids_for_numbers(*, user: User, numbers: list[str]) -> tuple[int, ...]:
    """The ids of the numbered petitions the user sees; a number the user cannot see is "not found"."""
    found = dict(petitions_visible_to(user=user).filter(number__in=numbers).values_list("number", "pk"))
    missing = [number for number in numbers if number not in found]
    if missing:
        raise ValidationError({"petition_numbers": f"找不到信访件：{'、'.join(missing)}"})
    return tuple(found[number] for number in numbers)


def rectification_list(request: HttpRequest) -> HttpResponse:
    form = RectificationFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    filters = RecordFilters(kind=values.get("kind") or "", target_org_id=values.get("unit"),
                            state=values.get("state") or "")
    today = timezone.localdate()
    queryset = records_filter(rectifications_visible_to(user=request.user), filters=filters, today=today)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/accountability/list.html", {
        "rows": [(record, record.state(today), (record.due_on - today).days) for record in page.object_list],
        "page": page, "total": page.paginator.count, "kinds": Rectification.Kind.choices, "kind": filters.kind,
        "unit": filters.target_org_id, "units": rectification_target_orgs(user=request.user),
        "state": filters.state, "states": RECTIFICATION_STATES, "is_supervisor": _is_supervisor(request.user),
    })


def rectification_new(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in Rectification.Kind.values:
        raise Http404

    def build(cleaned) -> services.RectificationInput:
        return services.RectificationInput(
            kind=kind, target_org_id=cleaned["target_org"].pk, subject=cleaned["subject"],
            content=cleaned["content"], requirements=cleaned.get("requirements") or "",
            interviewees=cleaned.get("interviewees") or "", held_on=cleaned.get("held_on"),
            petition_ids=petition_ids_for_numbers(user=request.user, numbers=cleaned.get("petition_numbers") or []),
            issued_on=cleaned.get("issued_on"), due_on=cleaned.get("due_on"), due_days=cleaned.get("due_days"))

    return _issue(request, form_class=FORMS[kind], template="supervision/accountability/form.html", build=build,
                  issue=services.rectification_issue, detail=DETAIL,
                  context={"kind": kind, "kind_label": Rectification.Kind(kind).label})


def _rectification(request: HttpRequest, pk: int) -> Rectification:
    try:
        return rectification_get_for_user(user=request.user, rectification_id=pk)
    except Rectification.DoesNotExist:
        raise Http404 from None


def rectification_detail(request: HttpRequest, pk: int, *, form=None, problems=None) -> HttpResponse:
    record = _rectification(request, pk)
    roles = _roles(request, record)
    supervising = roles["can_follow_up"]  # the issuing office's supervisor, record not closed
    last_check = record.last_check()
    forms = {"report_form": ReportForm(), "note_form": NoteForm(), "check_form": CheckForm()}
    if form is not None:
        forms[{ReportForm: "report_form", CheckForm: "check_form"}.get(type(form), "note_form")] = form
    return render(request, "supervision/accountability/detail.html", {
        "record": record, "petitions": list(record.petitions.all()), "entries": list(record.entries.all()),
        "problems": problems or [], **forms, **roles,
        "due_label": "整改报告期限" if record.kind == Rectification.Kind.INTERVIEW else "整改期限",
        "can_check": supervising and record.status == RecordStatus.ANSWERED
        and not (last_check is not None and last_check.passed),
        "can_close": supervising and record.may_close(),
    })


def _post(request: HttpRequest, pk: int, form, call) -> HttpResponse:
    _rectification(request, pk)
    return _act(request, pk, detail_view=rectification_detail, detail_name=DETAIL, form=form, call=call)


@require_POST
def rectification_report(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(request, pk, ReportForm(request.POST), lambda cleaned: services.rectification_report(
        rectification_id=pk, report=cleaned["report"], reported_on=cleaned.get("reported_on"), actor=request.user))


@require_POST
def rectification_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(request, pk, NoteForm(request.POST), lambda cleaned: services.rectification_follow_up(
        rectification_id=pk, note=cleaned.get("note") or "", actor=request.user))


@require_POST
def rectification_check(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(request, pk, CheckForm(request.POST), lambda cleaned: services.rectification_check(
        rectification_id=pk, passed=cleaned["passed"], note=cleaned["note"], due_on=cleaned.get("due_on"),
        due_days=cleaned.get("due_days"), actor=request.user))


@require_POST
def rectification_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(request, pk, NoteForm(request.POST), lambda cleaned: services.rectification_close(
        rectification_id=pk, note=cleaned.get("note") or "", actor=request.user))
