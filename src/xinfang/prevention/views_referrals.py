"""Pages of the 访调对接 and 导入诉讼 ledgers: list (filters), create, edit (and the outcome), detail with history,
Excel import (the office's 审核员) and export.

Thin: parse, call a service or a selector, render. A record outside the reader's scope is 404.
"""

import io
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from xinfang.orgs.models import User
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.prevention import services_referrals as services
from xinfang.prevention.forms import split_numbers
from xinfang.prevention.forms_referrals import (
    LitigationFilterForm,
    LitigationForm,
    ReferralFilterForm,
    ReferralForm,
)
from xinfang.prevention.permissions import can_record, is_office_reviewer, require_reader
from xinfang.prevention.referrals import LITIGATION_LEDGER, REFERRAL_LEDGER, LitigationBatch, Referral
from xinfang.prevention.selectors_referrals import (
    LitigationFilters,
    ReferralFilters,
    litigation_filter,
    litigation_petitions,
    litigations_visible_to,
    referral_dispute,
    referral_filter,
    referral_petition,
    referrals_visible_to,
)
from xinfang.prevention.services_common import export_record, history_for
from xinfang.prevention.sheets_referrals import litigation_export as litigation_sheet
from xinfang.prevention.sheets_referrals import litigation_import as litigation_sheet_import
from xinfang.prevention.sheets_referrals import referral_export as referral_sheet
from xinfang.prevention.sheets_referrals import referral_import as referral_sheet_import
from xinfang.prevention.views_common import PAGE_SIZE, import_page, save_form, xlsx_response


def _page(request: HttpRequest, queryset) -> tuple:
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def _record_form(request: HttpRequest, form_class, *, initial: dict, editing: bool, detail: str, heading: str,
                 save) -> HttpResponse:
    """The create or edit page of a record: `save(cleaned_data)` (a service) on a valid POST, or the form again."""
    form = form_class(request.POST or None, user=request.user, initial=initial, editing=editing)
    done, problems = save_form(request, form, save, detail=detail)
    if done:
        return done
    return render(request, "prevention/form.html", {"form": form, "problems": problems, "heading": heading})


# --- 访调对接 -------------------------------------------------------------------------------------------


def _referral_filters(request: HttpRequest) -> tuple[ReferralFilterForm, ReferralFilters]:
    form = ReferralFilterForm(request.GET or None, user=request.user)
    values = form.cleaned_data if form.is_valid() else {}
    return form, ReferralFilters(start=values.get("start"), end=values.get("end"), org=values.get("org"),
                                 path=values.get("path") or "", outcome=values.get("outcome") or "",
                                 text=(values.get("q") or "").strip())


def referral_list(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    form, filters = _referral_filters(request)
    queryset = referral_filter(referrals_visible_to(user=request.user), filters=filters)
    page, query = _page(request, queryset)
    return render(request, "prevention/referral_list.html", {
        "form": form, "page": page, "count": queryset.count(), "query": query, "tab": "referrals",
        "can_record": can_record(request.user), "can_import": is_office_reviewer(request.user)})


def referral_export(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    _, filters = _referral_filters(request)
    queryset = referral_filter(referrals_visible_to(user=request.user), filters=filters)
    stream = io.BytesIO()
    rows = referral_sheet(
        queryset=queryset, out=stream,
        petition_of=lambda r: getattr(referral_petition(referral=r, user=request.user), "number", ""),
        dispute_of=lambda r: getattr(referral_dispute(referral=r, user=request.user), "number", ""))
    export_record(actor=request.user, what="referral", rows=rows, query=request.GET.urlencode())
    return xlsx_response(stream.getvalue(), filename="referrals.xlsx")


def referral_import(request: HttpRequest) -> HttpResponse:
    return import_page(request, run=referral_sheet_import, title="导入访调对接台账", list_url="prevention:referral-list")


def _referral(request: HttpRequest, pk: int) -> Referral:
    referral = (referrals_visible_to(user=request.user).select_related("responsible_org", "recorded_by")
                .filter(pk=pk).first())
    if referral is None:
        raise Http404("访调对接记录不存在或不在本单位范围内")
    return referral


def _referral_input(cleaned) -> services.ReferralInput:
    return services.ReferralInput(
        summary=cleaned["summary"], path=cleaned["path"], receiving_body=cleaned["receiving_body"],
        responsible_org_id=cleaned["responsible_org"].pk, referred_on=cleaned["referred_on"],
        person_times=cleaned["person_times"], amount_involved=cleaned["amount_involved"],
        outcome=cleaned["outcome"], outcome_on=cleaned.get("outcome_on"),
        amount_recovered=cleaned["amount_recovered"], note=cleaned.get("note") or "",
        petition_number=cleaned.get("petition_number") or "", dispute_number=cleaned.get("dispute_number") or "")


def referral_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    referral = _referral(request, pk) if pk else None
    if not can_record(request.user):
        raise PermissionDenied("登记访调对接须由镇街、部门或信访部门的工作人员办理")
    if referral is None:
        # From a case page's 访调对接 panel (?petition=<number>): the matter it is moved for, already filled in.
        initial = {"referred_on": timezone.localdate()}
        source = petitions_visible_to(user=request.user).filter(number=request.GET.get("petition", "")[:40]).first()
        if source is not None:  # its number, what it is about and the unit that handles it (or where it arose)
            initial.update(petition_number=source.number, summary=source.summary[:300],
                           responsible_org=source.handling_org_id or source.locality_id)
    else:
        initial = {name: getattr(referral, name) for name in (
            "version", "summary", "path", "receiving_body", "referred_on", "person_times", "amount_involved",
            "outcome", "outcome_on", "amount_recovered", "note")}
        initial["responsible_org"] = referral.responsible_org_id
    return _record_form(
        request, ReferralForm, initial=initial, editing=referral is not None, detail="prevention:referral-detail",
        heading=f"修改访调对接 {referral.number}" if referral else "登记访调对接",
        save=lambda cleaned: services.referral_create(data=_referral_input(cleaned), actor=request.user)
        if referral is None else services.referral_update(
            referral_id=referral.pk, data=_referral_input(cleaned), actor=request.user,
            expected_version=cleaned.get("version"), note=cleaned.get("change_note") or ""))


def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _referral(request, pk)
    return render(request, "prevention/referral_detail.html", {
        "referral": referral, "petition": referral_petition(referral=referral, user=request.user),
        "dispute": referral_dispute(referral=referral, user=request.user),
        "history": history_for(ledger=REFERRAL_LEDGER, record_id=referral.pk),
        "can_edit": can_record(request.user)})


# --- 导入诉讼 -------------------------------------------------------------------------------------------


def _litigation_filters(request: HttpRequest) -> tuple[LitigationFilterForm, LitigationFilters]:
    form = LitigationFilterForm(request.GET or None, user=request.user)
    values = form.cleaned_data if form.is_valid() else {}
    return form, LitigationFilters(start=values.get("start"), end=values.get("end"), org=values.get("org"),
                                   text=(values.get("q") or "").strip())


def litigation_list(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    form, filters = _litigation_filters(request)
    queryset = litigation_filter(litigations_visible_to(user=request.user), filters=filters)
    page, query = _page(request, queryset)
    totals = {"cases": sum(queryset.values_list("case_count", flat=True)),
              "amount": sum(queryset.values_list("amount", flat=True), start=Decimal("0.00"))}
    return render(request, "prevention/litigation_list.html", {
        "form": form, "page": page, "count": queryset.count(), "query": query, "tab": "litigations",
        "totals": totals, "can_record": can_record(request.user), "can_import": is_office_reviewer(request.user)})


def litigation_export(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    _, filters = _litigation_filters(request)
    queryset = litigation_filter(litigations_visible_to(user=request.user), filters=filters)
    stream = io.BytesIO()
    rows = litigation_sheet(queryset=queryset, out=stream, petitions_of=lambda batch: [
        petition.number for petition in litigation_petitions(batch=batch, user=request.user)])
    export_record(actor=request.user, what="litigation", rows=rows, query=request.GET.urlencode())
    return xlsx_response(stream.getvalue(), filename="litigations.xlsx")


def litigation_import(request: HttpRequest) -> HttpResponse:
    return import_page(request, run=litigation_sheet_import, title="导入导入诉讼台账",
                       list_url="prevention:litigation-list")


def _litigation(request: HttpRequest, pk: int) -> LitigationBatch:
    batch = (litigations_visible_to(user=request.user).select_related("responsible_org", "recorded_by")
             .filter(pk=pk).first())
    if batch is None:
        raise Http404("导入诉讼批次不存在或不在本单位范围内")
    return batch


def _litigation_input(cleaned) -> services.LitigationInput:
    return services.LitigationInput(
        title=cleaned["title"], guided_on=cleaned["guided_on"], court=cleaned["court"],
        responsible_org_id=cleaned["responsible_org"].pk, case_count=cleaned["case_count"],
        person_times=cleaned["person_times"], amount=cleaned["amount"], note=cleaned.get("note") or "",
        petition_numbers=split_numbers(cleaned.get("petition_numbers") or ""))


def litigation_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    batch = _litigation(request, pk) if pk else None
    if not can_record(request.user):
        raise PermissionDenied("登记导入诉讼须由镇街、部门或信访部门的工作人员办理")
    if batch is None:
        initial = {"guided_on": timezone.localdate()}
    else:
        initial = {name: getattr(batch, name) for name in (
            "version", "title", "guided_on", "court", "case_count", "person_times", "amount", "note")}
        initial["responsible_org"] = batch.responsible_org_id
        # Only the petitions this editor may see; the others stay linked (services_referrals.litigation_update).
        initial["petition_numbers"] = " ".join(
            petition.number for petition in litigation_petitions(batch=batch, user=request.user))
    return _record_form(
        request, LitigationForm, initial=initial, editing=batch is not None, detail="prevention:litigation-detail",
        heading=f"修改导入诉讼批次 {batch.number}" if batch else "登记导入诉讼批次",
        save=lambda cleaned: services.litigation_create(data=_litigation_input(cleaned), actor=request.user)
        if batch is None else services.litigation_update(
            batch_id=batch.pk, data=_litigation_input(cleaned), actor=request.user,
            expected_version=cleaned.get("version"), note=cleaned.get("change_note") or ""))


def litigation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _litigation(request, pk)
    return render(request, "prevention/litigation_detail.html", {
        "batch": batch, "petitions": litigation_petitions(batch=batch, user=request.user),
        "history": history_for(ledger=LITIGATION_LEDGER, record_id=batch.pk),
        "can_edit": can_record(request.user)})


def petition_referral_context(*, petition: Petition, user: User) -> dict:
    """For the petition's case page (prevention/referrals_petition.html): its 访调对接 the reader may see, and
    whether the reader may move it to mediation (a link to the form with the petition filled in)."""
    return {"petition_referrals": list(referrals_visible_to(user=user).filter(petition=petition)
                                       .select_related("responsible_org").order_by("referred_on", "pk")),
            "can_refer": can_record(user)}
