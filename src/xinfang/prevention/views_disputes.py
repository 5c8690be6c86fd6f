"""Pages of the 矛盾纠纷排查化解 ledger: disputes and campaigns — list, create, edit, settle, verify, Excel.

Thin: parse, call a service or a selector, render. A record outside the reader's scope is 404.
"""

import io
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xinfang.prevention import services_disputes as services
from xinfang.prevention.disputes import Dispute, ScreeningCampaign
from xinfang.prevention.forms import (
    CampaignForm,
    DisputeFilterForm,
    DisputeForm,
    SettlementForm,
    VerifyForm,
    split_numbers,
)
from xinfang.prevention.history import LedgerVersion
from xinfang.stats.ledgers import CENT
from xinfang.prevention.permissions import can_record, is_office_reviewer, require_reader
from xinfang.prevention.selectors_referrals import referrals_visible_to
from xinfang.prevention.selectors import (
    DisputeFilters,
    campaigns_visible_to,
    dispute_petitions,
    disputes_filter,
    disputes_visible_to,
)
from xinfang.prevention.services_common import export_record, history_for
from xinfang.prevention.sheets_disputes import disputes_export, disputes_import
from xinfang.prevention.views_common import PAGE_SIZE, errors_onto, import_page, save_form, xlsx_response


def _filters(request: HttpRequest) -> tuple[DisputeFilterForm, DisputeFilters]:
    form = DisputeFilterForm(request.GET or None, user=request.user)
    values = form.cleaned_data if form.is_valid() else {}
    field = values.get("field")
    return form, DisputeFilters(start=values.get("start"), end=values.get("end"), org=values.get("org"),
                                field_id=field.pk if field else None, risk_level=values.get("risk_level") or "",
                                status=values.get("status") or "", text=(values.get("q") or "").strip(),
                                batch_id=values["batch"].pk if values.get("batch") else None,
                                responsible_org_id=values["responsible_org"].pk if values.get("responsible_org") else None)


def dispute_list(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    form, filters = _filters(request)
    queryset = disputes_filter(disputes_visible_to(user=request.user), filters=filters)
    totals = queryset.aggregate(count=Count("pk"), person_times=Sum("person_times"), amount=Sum("amount"))
    totals["amount"] = Decimal(totals["amount"] or 0).quantize(CENT)  # SQLite's SUM drops the scale
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "prevention/dispute_list.html", {
        "form": form, "today": timezone.localdate(), "page": page, "totals": totals, "query": query.urlencode(),
        "can_record": can_record(request.user), "can_import": is_office_reviewer(request.user)})


def dispute_export(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    _, filters = _filters(request)
    queryset = disputes_filter(disputes_visible_to(user=request.user), filters=filters)
    stream = io.BytesIO()
    rows = disputes_export(queryset=queryset, out=stream, petitions_of=lambda dispute: [
        petition.number for petition in dispute_petitions(dispute=dispute, user=request.user)])
    export_record(actor=request.user, what="dispute", rows=rows, query=request.GET.urlencode())
    return xlsx_response(stream.getvalue(), filename="disputes.xlsx")


def _dispute_input(cleaned) -> services.DisputeInput:
    campaign = cleaned.get("campaign")
    return services.DisputeInput(
        source=cleaned["source"], field_id=cleaned["field"].pk, summary=cleaned["summary"],
        parties=cleaned["parties"], person_times=cleaned["person_times"],
        amount=services.parse_amount(cleaned.get("amount")), locality_id=cleaned["locality"].pk,
        risk_level=cleaned["risk_level"], responsible_org_id=cleaned["responsible_org"].pk,
        responsible_person=cleaned["responsible_person"], found_on=cleaned["found_on"],
        deadline=cleaned.get("deadline"), measures=cleaned.get("measures") or "",
        campaign_id=campaign.pk if campaign else None,
        petition_numbers=split_numbers(cleaned.get("petition_numbers") or ""), batch=cleaned.get("batch") or "")


def dispute_new(request: HttpRequest) -> HttpResponse:
    if not can_record(request.user):
        raise PermissionDenied("登记矛盾纠纷须由镇街、部门或信访部门的工作人员办理")
    initial = {}
    if request.GET.get("campaign", "").isdigit():
        initial = {"campaign": request.GET["campaign"], "source": Dispute.Source.CAMPAIGN}
    form = DisputeForm(request.POST or None, user=request.user, initial=initial)
    done, problems = save_form(request, form, lambda cleaned: services.dispute_create(
        data=_dispute_input(cleaned), actor=request.user), detail="prevention:dispute-detail")
    if done:
        return done
    return render(request, "prevention/form.html", {"form": form, "problems": problems, "heading": "登记矛盾纠纷"})


def _dispute(request: HttpRequest, pk: int) -> Dispute:
    dispute = (disputes_visible_to(user=request.user)
               .select_related("field", "locality", "responsible_org", "campaign", "batch", "recorded_by", "reported_by",
                               "verified_by").filter(pk=pk).first())
    if dispute is None:
        raise Http404("纠纷不存在或不在本单位范围内")
    return dispute


def dispute_edit(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = _dispute(request, pk)
    if not can_record(request.user):
        raise PermissionDenied("修改矛盾纠纷须由镇街、部门或信访部门的工作人员办理")
    petitions = dispute_petitions(dispute=dispute, user=request.user)
    initial = {
        "version": dispute.version, "found_on": dispute.found_on, "source": dispute.source,
        "campaign": dispute.campaign_id, "batch": dispute.batch.title if dispute.batch_id else "",
        "field": dispute.field_id, "summary": dispute.summary,
        "parties": dispute.parties, "person_times": dispute.person_times, "amount": dispute.amount,
        "locality": dispute.locality_id, "risk_level": dispute.risk_level,
        "responsible_org": dispute.responsible_org_id, "responsible_person": dispute.responsible_person,
        "deadline": dispute.deadline, "measures": dispute.measures,
        "petition_numbers": " ".join(petition.number for petition in petitions)}
    form = DisputeForm(request.POST or None, user=request.user, initial=initial, editing=True)
    done, problems = save_form(request, form, lambda cleaned: services.dispute_update(
        dispute_id=pk, data=_dispute_input(cleaned), actor=request.user, expected_version=cleaned.get("version"),
        note=cleaned.get("note") or ""), detail="prevention:dispute-detail")
    if done:
        return done
    return render(request, "prevention/form.html", {"form": form, "problems": problems,
                                                    "heading": f"修改矛盾纠纷 {dispute.number}"})


def dispute_detail(request: HttpRequest, pk: int, *, settle_form=None, verify_form=None, problems=None):
    dispute = _dispute(request, pk)
    user = request.user
    return render(request, "prevention/dispute_detail.html", {
        "dispute": dispute, "petitions": dispute_petitions(dispute=dispute, user=user),
        # 访调对接 of this dispute, those the user may see (a unit outside the dispute's may have one).
        "referrals": referrals_visible_to(user=user).filter(dispute=dispute).order_by("referred_on", "pk"),
        "history": history_for(ledger=LedgerVersion.Ledger.DISPUTE, record_id=dispute.pk),
        "can_edit": can_record(user) and (dispute.status == Dispute.Status.OPEN or (
            is_office_reviewer(user) and dispute.status != Dispute.Status.REPORTED)),
        "can_report": can_record(user) and dispute.status == Dispute.Status.OPEN,
        "can_verify": is_office_reviewer(user) and dispute.status == Dispute.Status.REPORTED,
        "settle_form": settle_form or SettlementForm(), "verify_form": verify_form or VerifyForm(),
        "problems": problems or []})


@require_POST
def dispute_settle(request: HttpRequest, pk: int) -> HttpResponse:
    _dispute(request, pk)
    form = SettlementForm(request.POST)
    if not form.is_valid():
        return dispute_detail(request, pk, settle_form=form, problems=["请检查化解情况的填写"])
    cleaned = form.cleaned_data
    try:
        services.dispute_report_settlement(dispute_id=pk, actor=request.user, data=services.SettlementInput(
            outcome=cleaned["outcome"], settled_on=cleaned.get("settled_on"), method=cleaned.get("method") or "",
            note=cleaned.get("note") or "", unsettled_reason=cleaned.get("unsettled_reason") or ""))
    except PermissionDenied as error:
        messages.error(request, str(error))
    except ValidationError as error:
        return dispute_detail(request, pk, settle_form=form, problems=errors_onto(form, error))
    else:
        messages.success(request, "已报告化解情况，待信访部门审核员核实")
    return redirect("prevention:dispute-detail", pk)


@require_POST
def dispute_verify(request: HttpRequest, pk: int) -> HttpResponse:
    _dispute(request, pk)
    form = VerifyForm(request.POST)
    if not form.is_valid():
        return dispute_detail(request, pk, verify_form=form, problems=["请选择核实结果"])
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.dispute_verify(dispute_id=pk, approve=approve, reason=form.cleaned_data.get("reason") or "",
                                actor=request.user)
    except PermissionDenied as error:
        messages.error(request, str(error))
    except ValidationError as error:
        return dispute_detail(request, pk, verify_form=form, problems=errors_onto(form, error))
    else:
        messages.success(request, "已核实" if approve else "已退回")
    return redirect("prevention:dispute-detail", pk)


def dispute_import(request: HttpRequest) -> HttpResponse:
    return import_page(request, run=disputes_import, title="导入矛盾纠纷台账", list_url="prevention:disputes")


# --- 排查 ---------------------------------------------------------------------------------------------


def campaign_list(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    queryset = (campaigns_visible_to(user=request.user).select_related("kind", "organiser")
                .annotate(found=Count("disputes")).order_by("-started_on", "-id"))
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "prevention/campaign_list.html", {"page": page, "can_record": can_record(request.user)})


def _campaign(request: HttpRequest, pk: int) -> ScreeningCampaign:
    campaign = campaigns_visible_to(user=request.user).select_related("kind", "organiser").filter(pk=pk).first()
    if campaign is None:
        raise Http404("排查不存在或不在本单位范围内")
    return campaign


def _campaign_input(cleaned) -> services.CampaignInput:
    return services.CampaignInput(
        title=cleaned["title"], kind_id=cleaned["kind"].pk, organiser_id=cleaned["organiser"].pk,
        started_on=cleaned["started_on"], ended_on=cleaned.get("ended_on"), scope=cleaned.get("scope") or "",
        org_ids=tuple(org.pk for org in cleaned.get("orgs") or []), note=cleaned.get("note") or "")


def campaign_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not can_record(request.user):
        raise PermissionDenied("登记矛盾纠纷排查须由镇街、部门或信访部门的工作人员办理")
    campaign = _campaign(request, pk) if pk else None
    initial = {} if campaign is None else {
        "version": campaign.version, "title": campaign.title, "kind": campaign.kind_id,
        "organiser": campaign.organiser_id, "started_on": campaign.started_on, "ended_on": campaign.ended_on,
        "scope": campaign.scope, "orgs": list(campaign.orgs.values_list("pk", flat=True)), "note": campaign.note}
    if campaign is None and request.user.org_id:
        initial = {"organiser": request.user.org_id}
    form = CampaignForm(request.POST or None, user=request.user, initial=initial)

    def save(cleaned) -> ScreeningCampaign:
        if campaign is None:
            return services.campaign_create(data=_campaign_input(cleaned), actor=request.user)
        return services.campaign_update(campaign_id=campaign.pk, data=_campaign_input(cleaned), actor=request.user,
                                        expected_version=cleaned.get("version"))

    done, problems = save_form(request, form, save, detail="prevention:campaign-detail")
    if done:
        return done
    heading = f"修改排查 {campaign.number}" if campaign else "登记矛盾纠纷排查"
    return render(request, "prevention/form.html", {"form": form, "problems": problems, "heading": heading})


def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    disputes = disputes_visible_to(user=request.user).filter(campaign=campaign).select_related("field", "locality")
    return render(request, "prevention/campaign_detail.html", {
        "campaign": campaign, "orgs": campaign.orgs.order_by("path"), "disputes": disputes,
        "history": history_for(ledger=LedgerVersion.Ledger.CAMPAIGN, record_id=campaign.pk),
        "can_record": can_record(request.user)})
