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
from xinfang.supervision import services_bulletins as services
from xinfang.supervision.accountability import Bulletin
from xinfang.supervision.bulletin_document import bulletin_filename
from xinfang.supervision.forms_accountability import BulletinFilterForm, BulletinForm
from xinfang.supervision.selectors_accountability import (
    BulletinFilters,
    bulletin_filter_choices,
    bulletin_get_for_user,
    bulletins_filter,
    bulletins_visible_to,
)
from xinfang.supervision.views_accountability import petition_ids_for_numbers
from xinfang.supervision.views_records import PAGE_SIZE, _errors, _is_supervisor

DETAIL = "supervision:bulletin-detail"


def bulletin_list(request: HttpRequest) -> HttpResponse:
    form = BulletinFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    filters = BulletinFilters(kind=values.get("kind") or "", unit_id=values.get("unit"), year=values.get("year"),
                              status=values.get("status") or "")
    queryset = bulletins_filter(bulletins_visible_to(user=request.user), filters=filters).prefetch_related("units")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    units, years = bulletin_filter_choices(user=request.user)
    return render(request, "supervision/bulletins/list.html", {
        "page": page, "total": page.paginator.count, "filters": filters, "units": units, "years": years,
        "kinds": Bulletin.Kind.choices, "statuses": Bulletin.Status.choices,
        "is_supervisor": _is_supervisor(request.user),
    })


def _bulletin(request: HttpRequest, pk: int) -> Bulletin:
    try:
        return bulletin_get_for_user(user=request.user, bulletin_id=pk)
    except Bulletin.DoesNotExist:
        raise Http404 from None


def _input(request: HttpRequest, cleaned) -> services.BulletinInput:
    return services.BulletinInput(
        kind=cleaned["kind"], title=cleaned["title"], body=cleaned["body"],
        unit_ids=tuple(unit.pk for unit in cleaned["units"]),
        petition_ids=petition_ids_for_numbers(user=request.user, numbers=cleaned.get("petition_numbers") or []))


def _draft_form(request: HttpRequest, *, bulletin: Bulletin | None) -> HttpResponse:
    """New draft (bulletin None) or edit of a draft: same form, same checks (in the services)."""
    if not _is_supervisor(request.user):
        raise PermissionDenied("须由信访部门的督查督办员办理")
    initial = None
    if bulletin is not None:
        initial = {"kind": bulletin.kind, "title": bulletin.title, "body": bulletin.body,
                   "units": list(bulletin.units.all()),
                   "petition_numbers": " ".join(petition.number for petition in bulletin.petitions.all())}
    form = BulletinForm(request.POST or None, user=request.user, initial=initial)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            data = _input(request, form.cleaned_data)
            if bulletin is None:
                bulletin = services.bulletin_draft_create(data=data, actor=request.user)
            else:
                bulletin = services.bulletin_draft_update(bulletin_id=bulletin.pk, data=data, actor=request.user)
        except ValidationError as error:
            problems = _errors(error)
        else:
            messages.success(request, "通报草稿已保存")
            return redirect(DETAIL, bulletin.pk)
    return render(request, "supervision/bulletins/form.html", {"form": form, "problems": problems,
                                                               "bulletin": bulletin})


def bulletin_new(request: HttpRequest) -> HttpResponse:
    return _draft_form(request, bulletin=None)


def bulletin_edit(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin(request, pk)
    if not bulletin.is_draft:
        messages.error(request, "已印发的通报不能修改；如需更正，请点击“更正（撤销原通报）”")
        return redirect(DETAIL, pk)
    return _draft_form(request, bulletin=bulletin)


def bulletin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin(request, pk)
    user = request.user
    own_office = _is_supervisor(user) and user.org_id == bulletin.office_id
    visible = set(petitions_visible_to(user=user).filter(pk__in=[p.pk for p in bulletin.petitions.all()])
                  .values_list("pk", flat=True))
    correction = Bulletin.objects.filter(revokes=bulletin).first()
    return render(request, "supervision/bulletins/detail.html", {
        "bulletin": bulletin, "units": list(bulletin.units.all()),
        "petitions": [(petition, petition.pk in visible) for petition in bulletin.petitions.all()],
        "correction": correction if correction is not None and (own_office or not correction.is_draft) else None,
        "can_edit": own_office and bulletin.is_draft,
        "can_correct": own_office and bulletin.status == Bulletin.Status.ISSUED and correction is None,
    })


def _do(request: HttpRequest, pk: int, call) -> HttpResponse:
    _bulletin(request, pk)
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
def bulletin_issue(request: HttpRequest, pk: int) -> HttpResponse:
    return _do(request, pk, lambda: services.bulletin_issue(bulletin_id=pk, actor=request.user))


@require_POST
def bulletin_correct(request: HttpRequest, pk: int) -> HttpResponse:
    return _do(request, pk, lambda: services.bulletin_correct(bulletin_id=pk, actor=request.user))


def bulletin_document(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin(request, pk)
    if bulletin.is_draft:
        raise Http404
    try:
        data = services.bulletin_document_export(bulletin=bulletin, actor=request.user)
    except NoticeTemplateError as error:
        messages.error(request, str(error))
        return redirect(DETAIL, pk)
    return FileResponse(BytesIO(data), as_attachment=True, filename=bulletin_filename(bulletin=bulletin),
                        content_type=DOCX_CONTENT_TYPE)
