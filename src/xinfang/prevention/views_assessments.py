"""Pages of the 社会稳定风险评估 ledger and the 重大决策事项 register ("应评尽评")."""

import io
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xinfang.prevention import services_assessments as services
from xinfang.prevention.assessments import MajorDecision, StabilityAssessment
from xinfang.prevention.forms_assessments import AssessmentFilterForm, AssessmentForm, DecisionForm, ReviewForm
from xinfang.prevention.history import LedgerVersion
from xinfang.prevention.permissions import can_record, is_office_reviewer, require_reader
from xinfang.prevention.selectors import (
    AssessmentFilters,
    assessments_filter,
    assessments_visible_to,
    decisions_visible_to,
    decisions_with_gaps,
)
from xinfang.prevention.services_common import export_record, history_for
from xinfang.prevention.sheets_assessments import assessments_export, assessments_import
from xinfang.prevention.views_common import PAGE_SIZE, errors_onto, import_page, save_form, xlsx_response

Filing = StabilityAssessment.Filing


def _filters(request: HttpRequest) -> tuple[AssessmentFilterForm, AssessmentFilters]:
    form = AssessmentFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    kind = values.get("kind")
    return form, AssessmentFilters(start=values.get("start"), end=values.get("end"), kind_id=kind.pk if kind else None,
                                   conclusion=values.get("conclusion") or "", filing=values.get("filing") or "")


def assessment_list(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    form, filters = _filters(request)
    queryset = assessments_filter(assessments_visible_to(user=request.user), filters=filters)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "prevention/assessment_list.html", {
        "form": form, "page": page, "total": page.paginator.count, "query": query.urlencode(),
        "can_record": can_record(request.user), "can_import": is_office_reviewer(request.user),
        "to_review": assessments_visible_to(user=request.user).filter(filing=Filing.RECEIVED).count()})


def assessment_export(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    _, filters = _filters(request)
    stream = io.BytesIO()
    rows = assessments_export(queryset=assessments_filter(assessments_visible_to(user=request.user), filters=filters),
                              out=stream)
    export_record(actor=request.user, what="assessment", rows=rows, query=request.GET.urlencode())
    return xlsx_response(stream.getvalue(), filename="assessments.xlsx")


def _assessment(request: HttpRequest, pk: int) -> StabilityAssessment:
    assessment = (assessments_visible_to(user=request.user)
                  .select_related("kind", "deciding_org", "decision", "recorded_by", "reviewed_by")
                  .filter(pk=pk).first())
    if assessment is None:
        raise Http404("社会稳定风险评估不存在或不在本单位范围内")
    return assessment


def _assessment_input(cleaned) -> services.AssessmentInput:
    decision = cleaned.get("decision")
    return services.AssessmentInput(
        title=cleaned["title"], kind_id=cleaned["kind"].pk, deciding_org_id=cleaned["deciding_org"].pk,
        assessing_body=cleaned["assessing_body"], assessed_on=cleaned["assessed_on"],
        risk_level=cleaned["risk_level"], conclusion=cleaned["conclusion"], summary=cleaned.get("summary") or "",
        decision_id=decision.pk if decision else None)


def assessment_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not can_record(request.user):
        raise PermissionDenied("登记社会稳定风险评估须由镇街、部门或信访部门的工作人员办理")
    assessment = _assessment(request, pk) if pk else None
    if assessment is None:
        initial = {}
        if request.GET.get("decision", "").isdigit():
            decision = decisions_visible_to(user=request.user).filter(pk=int(request.GET["decision"])).first()
            if decision is not None:
                initial = {"decision": decision.pk, "title": decision.title, "kind": decision.kind_id,
                           "deciding_org": decision.deciding_org_id}
    else:
        initial = {name: getattr(assessment, name) for name in (
            "version", "title", "assessing_body", "assessed_on", "risk_level", "conclusion", "summary")}
        initial.update(kind=assessment.kind_id, decision=assessment.decision_id,
                       deciding_org=assessment.deciding_org_id)
    form = AssessmentForm(request.POST or None, user=request.user, initial=initial)

    def save(cleaned) -> StabilityAssessment:
        if assessment is None:
            return services.assessment_create(data=_assessment_input(cleaned), actor=request.user)
        return services.assessment_update(assessment_id=assessment.pk, data=_assessment_input(cleaned),
                                          actor=request.user, expected_version=cleaned.get("version"))

    done, problems = save_form(request, form, save, detail="prevention:assessment-detail")
    if done:
        return done
    heading = f"修改风险评估 {assessment.number}" if assessment else "登记社会稳定风险评估"
    return render(request, "prevention/form.html", {"form": form, "problems": problems, "heading": heading})


def assessment_detail(request: HttpRequest, pk: int, *, review_form=None, problems=None) -> HttpResponse:
    assessment = _assessment(request, pk)
    user = request.user
    return render(request, "prevention/assessment_detail.html", {
        "assessment": assessment, "problems": problems or [],
        "history": history_for(ledger=LedgerVersion.Ledger.ASSESSMENT, record_id=assessment.pk),
        "can_edit": can_record(user) and assessment.filing in (Filing.NOT_FILED, Filing.RETURNED),
        "can_file": can_record(user) and assessment.filing in (Filing.NOT_FILED, Filing.RETURNED),
        "can_review": is_office_reviewer(user) and assessment.filing == Filing.RECEIVED,
        "review_form": review_form or ReviewForm()})


def _act(request: HttpRequest, pk: int, call, success: str, form=None) -> HttpResponse:
    try:
        call()
    except PermissionDenied as error:
        messages.error(request, str(error))
    except ValidationError as error:
        problems = errors_onto(form, error) if form is not None else list(error.messages)
        return assessment_detail(request, pk, review_form=form, problems=problems)
    else:
        messages.success(request, success)
    return redirect("prevention:assessment-detail", pk)


@require_POST
def assessment_file(request: HttpRequest, pk: int) -> HttpResponse:
    _assessment(request, pk)
    return _act(request, pk, lambda: services.assessment_file(assessment_id=pk, actor=request.user),
                "已报备，待信访部门审查")


@require_POST
def assessment_review(request: HttpRequest, pk: int) -> HttpResponse:
    _assessment(request, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return assessment_detail(request, pk, review_form=form, problems=["请选择审查结果"])
    passed = form.cleaned_data["decision"] == "pass"
    return _act(request, pk, lambda: services.assessment_review(
        assessment_id=pk, passed=passed, reason=form.cleaned_data.get("reason") or "", actor=request.user),
        "备案通过" if passed else "已退回补充", form=form)


def assessment_import(request: HttpRequest) -> HttpResponse:
    return import_page(request, run=assessments_import, title="导入社会稳定风险评估台账",
                       list_url="prevention:assessments")


# --- 重大决策事项 ---------------------------------------------------------------------------------------


def decision_list(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    queryset = decisions_visible_to(user=request.user).select_related("kind", "deciding_org")
    gaps_only = request.GET.get("gaps") == "1"
    if gaps_only:
        queryset = decisions_with_gaps(queryset)
    gap_ids = set(decisions_with_gaps(decisions_visible_to(user=request.user)).values_list("pk", flat=True))
    page = Paginator(queryset.order_by("-decided_on", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "prevention/decision_list.html", {
        "page": page, "gap_ids": gap_ids, "gaps": len(gap_ids), "gaps_only": gaps_only,
        "query": "gaps=1" if gaps_only else "", "can_record": can_record(request.user)})


def _decision(request: HttpRequest, pk: int) -> MajorDecision:
    decision = decisions_visible_to(user=request.user).select_related("kind", "deciding_org").filter(pk=pk).first()
    if decision is None:
        raise Http404("重大决策事项不存在或不在本单位范围内")
    return decision


def decision_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not can_record(request.user):
        raise PermissionDenied("登记重大决策事项须由镇街、部门或信访部门的工作人员办理")
    decision = _decision(request, pk) if pk else None
    initial = {} if decision is None else {
        "version": decision.version, "title": decision.title, "kind": decision.kind_id,
        "deciding_org": decision.deciding_org_id, "decided_on": decision.decided_on,
        "requires_assessment": decision.requires_assessment, "exemption_reason": decision.exemption_reason,
        "note": decision.note}
    form = DecisionForm(request.POST or None, user=request.user, initial=initial)

    def save(cleaned) -> MajorDecision:
        data = services.DecisionInput(
            title=cleaned["title"], kind_id=cleaned["kind"].pk, deciding_org_id=cleaned["deciding_org"].pk,
            decided_on=cleaned["decided_on"], requires_assessment=cleaned.get("requires_assessment", False),
            exemption_reason=cleaned.get("exemption_reason") or "", note=cleaned.get("note") or "")
        if decision is None:
            return services.decision_create(data=data, actor=request.user)
        return services.decision_update(decision_id=decision.pk, data=data, actor=request.user,
                                        expected_version=cleaned.get("version"))

    done, problems = save_form(request, form, save, detail="prevention:decision-detail")
    if done:
        return done
    heading = f"修改重大决策事项 {decision.number}" if decision else "登记重大决策事项"
    return render(request, "prevention/form.html", {"form": form, "problems": problems, "heading": heading})


def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    assessments = assessments_visible_to(user=request.user).filter(decision=decision)
    return render(request, "prevention/decision_detail.html", {
        "decision": decision, "assessments": assessments,
        "is_gap": decision.requires_assessment and not decision.assessments.exists(),
        "history": history_for(ledger=LedgerVersion.Ledger.DECISION, record_id=decision.pk),
        "can_record": can_record(request.user)})
