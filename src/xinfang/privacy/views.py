"""Pages of the privacy app: data requests (查阅、复制、更正、删除) and legal holds. Thin: parse, call a service or
a selector, render. Only the petition office's staff open them; a record outside the reader's scope is 404."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xinfang.petitions.models import Petition, Petitioner
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.prevention.views_common import PAGE_SIZE, errors_onto, xlsx_response
from xinfang.privacy import services
from xinfang.privacy.forms import DecideForm, HoldForm, ReleaseForm, RequestForm
from xinfang.privacy.models import DataRequest
from xinfang.privacy.selectors import (
    holds_visible_to,
    is_office_reviewer,
    is_office_staff,
    requests_overdue,
    requests_visible_to,
)
from xinfang.privacy.sheets import access_copy


def _staff(request) -> None:
    if not is_office_staff(request.user):
        raise PermissionDenied("个人信息权利申请和保全只向信访部门的登记员、审核员开放")


def _petition_by_number(request, number: str) -> Petition | None:
    return petitions_visible_to(user=request.user).filter(number=number.strip()).first()


def _party(petition: Petition, position: int | None) -> Petitioner | None:
    parties = list(petition.parties.select_related("petitioner").order_by("position", "id"))
    index = (position or 1) - 1
    return parties[index].petitioner if 0 <= index < len(parties) else None


def request_list(request) -> HttpResponse:
    _staff(request)
    overdue = request.GET.get("overdue") == "1"
    queryset = requests_overdue(user=request.user) if overdue else requests_visible_to(user=request.user)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "privacy/request_list.html", {
        "page": page, "overdue": overdue, "today": timezone.localdate(),
        "overdue_count": requests_overdue(user=request.user).count(),
    })


def request_new(request) -> HttpResponse:
    _staff(request)
    form = RequestForm(request.POST or None, initial={"received_on": timezone.localdate()})
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        petition = _petition_by_number(request, cleaned["petition_number"])
        petitioner = _party(petition, cleaned["position"]) if petition is not None else None
        if petition is None:
            form.add_error("petition_number", "信访件不存在或不在本单位范围内")
        elif petitioner is None:
            form.add_error("position", "该信访件没有这一序号的信访人")
        else:
            try:
                created = services.request_receive(actor=request.user, data=services.RequestInput(
                    petitioner_id=petitioner.pk, kind=cleaned["kind"], received_on=cleaned["received_on"],
                    channel=cleaned["channel"], asked=cleaned["asked"], new_name=cleaned["new_name"],
                    new_phone=cleaned["new_phone"], new_address=cleaned["new_address"]))
            except ValidationError as error:
                problems = errors_onto(form, error)
            else:
                messages.success(request, f"已登记申请{created.number}，答复期限{created.due_on:%Y-%m-%d}")
                return redirect("privacy:request-detail", created.pk)
    return render(request, "privacy/request_form.html", {"form": form, "problems": problems})


def _request_for(request, pk: int) -> DataRequest:
    found = requests_visible_to(user=request.user).filter(pk=pk).first()
    if found is None:
        raise Http404("申请不存在或不在本单位范围内")
    return found


def request_detail(request, pk: int) -> HttpResponse:
    _staff(request)
    found = _request_for(request, pk)
    form = DecideForm(request.POST or None)
    problems: list[str] = []
    if request.method == "POST":
        if not is_office_reviewer(request.user):
            raise PermissionDenied("决定个人信息权利申请须由信访部门的审核员办理")
        if form.is_valid():
            cleaned = form.cleaned_data
            try:
                services.request_decide(request_id=found.pk, grant=cleaned["grant"], reason=cleaned["reason"],
                                        answered_on=cleaned["answered_on"], actor=request.user)
            except ValidationError as error:
                problems = errors_onto(form, error)
            else:
                messages.success(request, f"申请{found.number}已处理")
                return redirect("privacy:request-detail", found.pk)
    return render(request, "privacy/request_detail.html", {
        "item": found, "form": form, "problems": problems, "can_decide": is_office_reviewer(request.user),
        "corrections": found.corrections.all(), "today": timezone.localdate(),
    })


def request_export(request, pk: int) -> HttpResponse:
    _staff(request)
    found = _request_for(request, pk)
    if not is_office_reviewer(request.user):
        raise PermissionDenied("导出信访人本人信息须由信访部门的审核员办理")
    services.request_export_allowed(request=found)
    data, rows = access_copy(request=found, user=request.user)
    services.request_export_record(request_id=found.pk, actor=request.user, rows=rows)
    return xlsx_response(data, filename=f"privacy-copy-{found.pk}.xlsx")


def hold_list(request) -> HttpResponse:
    _staff(request)
    page = Paginator(holds_visible_to(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "privacy/hold_list.html", {"page": page, "can_decide": is_office_reviewer(request.user),
                                                      "release_form": ReleaseForm()})


def hold_new(request) -> HttpResponse:
    _staff(request)
    if not is_office_reviewer(request.user):
        raise PermissionDenied("保全须由信访部门的审核员决定")
    form = HoldForm(request.POST or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        petition = _petition_by_number(request, cleaned["petition_number"])
        petitioner = None
        if petition is None:
            form.add_error("petition_number", "信访件不存在或不在本单位范围内")
        elif cleaned["target"] == "petitioner" and (petitioner := _party(petition, cleaned["position"])) is None:
            form.add_error("position", "该信访件没有这一序号的信访人")
        else:
            try:
                if petitioner is not None:
                    services.hold_place(actor=request.user, reason=cleaned["reason"], petitioner_id=petitioner.pk)
                else:
                    services.hold_place(actor=request.user, reason=cleaned["reason"], petition_id=petition.pk)
            except ValidationError as error:
                problems = errors_onto(form, error)
            else:
                messages.success(request, "已保全：保全期间不进行匿名化")
                return redirect("privacy:holds")
    return render(request, "privacy/hold_form.html", {"form": form, "problems": problems})


@require_POST
def hold_release(request, pk: int) -> HttpResponse:
    _staff(request)
    if not is_office_reviewer(request.user):
        raise PermissionDenied("解除保全须由信访部门的审核员决定")
    if not holds_visible_to(user=request.user).filter(pk=pk).exists():
        raise Http404("保全记录不存在或不在本单位范围内")
    form = ReleaseForm(request.POST)
    form.is_valid()
    try:
        services.hold_release(hold_id=pk, actor=request.user, reason=form.cleaned_data.get("reason", ""))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "已解除保全")
    return redirect("privacy:holds")
