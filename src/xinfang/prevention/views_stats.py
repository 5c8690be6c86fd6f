"""The prevention figures (prevention.indicators) for a period and an org subtree, and the records behind each."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from xinfang.orgs.models import Org
from xinfang.prevention.indicators import (
    DIMENSION_LABELS,
    INDICATORS,
    INDICATORS_BY_KEY,
    PERIOD_RULES,
    LedgerFigure,
    LedgerQuery,
    compute,
    compute_totals,
)
from xinfang.prevention.assessments import StabilityAssessment
from xinfang.prevention.disputes import RiskLevel
from xinfang.prevention.lists import AssessmentKind, DisputeField
from xinfang.prevention.permissions import in_scope, require_reader
from xinfang.prevention.views_common import PAGE_SIZE, year_period

# The breakdowns the page shows: (dimension, the indicators broken down).
BREAKDOWNS = (
    ("field", ("prevention_disputes", "prevention_dispute_person_times", "prevention_dispute_amount",
               "prevention_disputes_settled", "prevention_dispute_resolution_rate")),
    ("unit", ("prevention_disputes", "prevention_dispute_person_times", "prevention_dispute_amount",
              "prevention_disputes_settled", "prevention_dispute_resolution_rate")),
    ("level", ("prevention_disputes", "prevention_dispute_amount", "prevention_disputes_settled",
               "prevention_dispute_resolution_rate")),
    ("kind", ("prevention_assessments", "prevention_assessments_approve", "prevention_assessments_defer",
              "prevention_assessments_reject", "prevention_filings")),
)


def _query(request: HttpRequest) -> tuple[LedgerQuery, dict[str, str], list[str]]:
    require_reader(request.user)
    start, end, problems = year_period(request)
    org = None
    raw = request.GET.get("org", "")
    if raw.isdigit():
        org = Org.objects.filter(pk=int(raw)).first()
        if org is None or not in_scope(request.user, org.pk):
            problems.append("所选机构不在您的数据范围内，已显示本单位范围")
            org = None
    params = {"start": start.isoformat(), "end": end.isoformat(), **({"org": str(org.pk)} if org else {})}
    return LedgerQuery(start=start, end=end, user=request.user, org=org, today=timezone.localdate()), params, problems


def _drill(key: str, params: dict[str, str], **extra: str) -> str:
    return f"{reverse('prevention:indicator', kwargs={'key': key})}?{urlencode({**params, **extra})}"


def _group_labels(dimension: str, keys) -> dict:
    if dimension == "field":
        return dict(DisputeField.objects.filter(pk__in=keys).values_list("pk", "name"))
    if dimension == "kind":
        return dict(AssessmentKind.objects.filter(pk__in=keys).values_list("pk", "name"))
    if dimension == "unit":
        return dict(Org.objects.filter(pk__in=keys).values_list("pk", "name"))
    if dimension == "level":
        return dict(RiskLevel.choices)
    return dict(StabilityAssessment.Conclusion.choices)


def figures_page(request: HttpRequest) -> HttpResponse:
    q, params, problems = _query(request)
    totals = compute_totals(q)
    cards = [{"indicator": indicator, "figure": totals[indicator.key], "url": _drill(indicator.key, params)}
             for indicator in INDICATORS]
    tables = []
    for dimension, keys in BREAKDOWNS:
        indicators = [INDICATORS_BY_KEY[key] for key in keys]
        groups = compute(q, by=dimension, indicators=indicators)
        labels = _group_labels(dimension, [group for group in groups if group is not None])
        rows = []
        for group, figures in sorted(groups.items(), key=lambda item: str(labels.get(item[0], ""))):
            if group is None or not any(figures[key].numerator or figures[key].denominator for key in keys):
                continue
            rows.append({"label": labels.get(group, "—"), "cells": [
                {"figure": figures[key], "url": _drill(key, params, by=dimension, group=str(group))} for key in keys]})
        title = "社会稳定风险评估按类别" if dimension == "kind" else f"矛盾纠纷按{DIMENSION_LABELS[dimension]}"
        tables.append({"title": title, "columns": indicators, "rows": rows})
    return render(request, "prevention/figures.html", {
        "cards": cards, "tables": tables, "params": params, "problems": problems, "start": q.start, "end": q.end,
        "org": q.org, "orgs": _scope_orgs(request)})


def _scope_orgs(request: HttpRequest):
    from xinfang.stats.selectors import scope_orgs

    return scope_orgs(user=request.user).filter(kind__in=(Org.Kind.GOVERNMENT, Org.Kind.TOWNSHIP,
                                                          Org.Kind.VILLAGE)).only("pk", "name", "path")


def indicator_records(request: HttpRequest, key: str) -> HttpResponse:
    """The records behind one figure (or one cell of a breakdown); their count is the figure."""
    indicator = INDICATORS_BY_KEY.get(key)
    if indicator is None:
        raise Http404("没有这个统计指标")
    q, params, problems = _query(request)
    part = "denominator" if request.GET.get("part") == "denominator" and indicator.denominator else "numerator"
    records = indicator.records(q, part)
    figure = compute_totals(q, [indicator])[key]
    by, group = request.GET.get("by", ""), request.GET.get("group", "")
    ledger = indicator.numerator.ledger
    group_label = ""
    if by in ledger.dimensions and group:
        records = records.filter(**{ledger.dimensions[by]: group})
        groups = compute(q, by=by, indicators=[indicator])
        figure = next((figures[key] for value, figures in groups.items() if str(value) == group),
                      LedgerFigure(key, 0 if indicator.kind != "rate" else None, 0, 0))
        labels = _group_labels(by, [group])
        group_label = f"{DIMENSION_LABELS[by]}：{labels.get(int(group) if group.isdigit() else group, group)}"
    related = {"disputes": ("locality",), "campaigns": ("organiser", "kind"), "assessments": ("deciding_org",),
               "decisions": ("deciding_org", "kind")}[ledger.name]
    page = Paginator(records.select_related(*related).order_by("-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    extra = {"by": by, "group": group} if group_label else {}
    other = ("" if indicator.denominator is None else
             _drill(key, params, **extra, part="numerator" if part == "denominator" else "denominator"))
    return render(request, "prevention/indicator_records.html", {
        "indicator": indicator, "figure": figure, "part": part, "page": page, "total": page.paginator.count,
        "period_rule": PERIOD_RULES[indicator.period_rule], "ledger": ledger, "problems": problems,
        "group_label": group_label, "other_url": other, "query": query.urlencode(), "start": q.start, "end": q.end, "org": q.org,
        "figures_url": f"{reverse('prevention:figures')}?{urlencode(params)}"})
