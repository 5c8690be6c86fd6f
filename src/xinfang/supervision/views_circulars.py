"""Pages of 通报: the filed list, the draft form (new and edit), the detail with 印发 / 更正, the Word file."""

from io import BytesIO

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xinfang.notices.documents import DOCX_CONTENT_TYPE, NoticeTemplateError
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.supervision import services_circulars as services
from xinfang.supervision.accountability import Circular
from xinfang.supervision.circular_document import circular_filename
from xinfang.supervision.forms_accountability import CircularFilterForm, CircularForm
from xinfang.supervision.selectors_accountability import (
    CircularFilters,
    circular_filter_choices,
    circular_get_for_user,
    circulars_filter,
    circulars_visible_to,
)
from xinfang.supervision.views_accountability import petition_ids_for_numbers
from xinfang.supervision.views_records import PAGE_SIZE, _errors, _is_supervisor

DETAIL = "supervision:circular-detail"


def circular_list(request: HttpRequest) -> HttpResponse:
    form = CircularFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    filters = CircularFilters(kind=values.get("kind") or "", unit_id=values.get("unit"), year=values.get("year"),
                              status=values.get("status") or "")
    queryset = circulars_filter(circulars_visible_to(user=request.user), filters=filters).prefetch_related("units")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    units, years = circular_filter_choices(user=request.user)
    return render(request, "supervision/circulars/list.html", {
        "page": page, "total": page.paginator.count, "filters": filters, "units": units, "years": years,
        "kinds": Circular.Kind.choices, "statuses": Circular.Status.choices,
        "is_supervisor": _is_supervisor(request.user),
    })


def _circular(request: HttpRequest, pk: int) -> Circular:
    try:
        return circular_get_for_user(user=request.user, circular_id=pk)
    except Circular.DoesNotExist:
        raise Http404 from None


def _input(request: HttpRequest, cleaned) -> services.CircularInput:
    return services.CircularInput(
        kind=cleaned["kind"], title=cleaned["title"], body=cleaned["body"],
        unit_ids=tuple(unit.pk for unit in cleaned["units"]),
        petition_ids=petition_ids_for_numbers(user=request.user, numbers=cleaned.get("petition_numbers") or []))


def _draft_form(request: HttpRequest, *, circular: Circular | None) -> HttpResponse:
    """New draft (circular None) or edit of a draft: same form, same checks (in the services)."""
    if not _is_supervisor(request.user):
        raise PermissionDenied("须由信访部门的督查督办员办理")
    initial = None
    if circular is not None:
        initial = {"kind": circular.kind, "title": circular.title, "body": circular.body,
                   "units": list(circular.units.all()),
                   "petition_numbers": " ".join(petition.number for petition in circular.petitions.all())}
    form = CircularForm(request.POST or None, user=request.user, initial=initial)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            data = _input(request, form.cleaned_data)
            if circular is None:
                circular = services.circular_draft_create(data=data, actor=request.user)
            else:
                circular = services.circular_draft_update(circular_id=circular.pk, data=data, actor=request.user)
        except ValidationError as error:
            problems = _errors(error)
        else:
            messages.success(request, "通报草稿已保存")
            return redirect(DETAIL, circular.pk)
    return render(request, "supervision/circulars/form.html", {"form": form, "problems": problems,
                                                               "circular": circular})


def circular_new(request: HttpRequest) -> HttpResponse:
    return _draft_form(request, circular=None)


def circular_edit(request: HttpRequest, pk: int) -> HttpResponse:
    circular = _circular(request, pk)
    if not circular.is_draft:
        messages.error(request, "已印发的通报不能修改；如需更正，请点击“更正（撤销原通报）”")
        return redirect(DETAIL, pk)
    return _draft_form(request, circular=circular)


def circular_detail(request: HttpRequest, pk: int) -> HttpResponse:
    circular = _circular(request, pk)
    user = request.user
    own_office = _is_supervisor(user) and user.org_id == circular.office_id
    visible = set(petitions_visible_to(user=user).filter(pk__in=[p.pk for p in circular.petitions.all()])
                  .values_list("pk", flat=True))
    correction = Circular.objects.filter(revokes=circular).first()
    return render(request, "supervision/circulars/detail.html", {
        "circular": circular, "units": list(circular.units.all()),
        "petitions": [(petition, petition.pk in visible) for petition in circular.petitions.all()],
        "correction": correction if correction is not None and (own_office or not correction.is_draft) else None,
        "can_edit": own_office and circular.is_draft,
        "can_correct": own_office and circular.status == Circular.Status.ISSUED and correction is None,
    })


def _do(request: HttpRequest, pk: int, call) -> HttpResponse:
    _circular(request, pk)
    try:
        result = call()
    except PermissionDenied as error:
        messages.error(request, str(error))
    except ValidationError as error:
        for problem in _errors(error):
            messages.error(request, problem)
    else:
        messages.success(request, f"{result.number} 已印发" if not result.is_draft else "已生成更正稿，请修改后印发")
        return redirect(DETAIL, result.pk)
    return redirect(DETAIL, pk)


@require_POST
def circular_issue(request: HttpRequest, pk: int) -> HttpResponse:
    return _do(request, pk, lambda: services.circular_issue(circular_id=pk, actor=request.user))


@require_POST
def circular_correct(request: HttpRequest, pk: int) -> HttpResponse:
    return _do(request, pk, lambda: services.circular_correct(circular_id=pk, actor=request.user))


def circular_document(request: HttpRequest, pk: int) -> HttpResponse:
    circular = _circular(request, pk)
    if circular.is_draft:
        raise Http404
    try:
        data = services.circular_document_export(circular=circular, actor=request.user)
    except NoticeTemplateError as error:
        messages.error(request, str(error))
        return redirect(DETAIL, pk)
    return FileResponse(BytesIO(data), as_attachment=True, filename=circular_filename(circular=circular),
                        content_type=DOCX_CONTENT_TYPE)
