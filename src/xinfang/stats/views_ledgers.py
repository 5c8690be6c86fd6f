"""A ledger section's figures (stats.ledgers) for a period and an org subtree, and the records behind each figure.

One page per registered section (矛盾预防, 领导接访 …) and one drill-down for every ledger indicator; the sections'
apps route their own URLs here (prevention's /prevention/ is this page for the section "prevention").
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from xinfang.config.routers import replica_reads
from xinfang.orgs.models import Org
from xinfang.orgs.selectors import user_scope_org_ids
from xinfang.stats.ledgers import LedgerQuery, LedgerSection, compute, compute_totals, empty_figure, section_for
from xinfang.stats.ledgers import section_of_indicator as _section_of_indicator
from xinfang.stats.selectors import period_parse, scope_orgs

PAGE_SIZE = 50


def ledger_query(request: HttpRequest, section: LedgerSection) -> tuple[LedgerQuery, dict[str, str], list[str]]:
    """The period (?start=&end=, default this year) and org (?org=, within the reader's scope) of a request."""
    if not section.can_read(request.user):
        raise PermissionDenied(f"当前用户不能查看{section.title}统计")
    problems: list[str] = []
    try:
        start, end = period_parse(start=request.GET.get("start", ""), end=request.GET.get("end", ""))
    except ValidationError as error:
        today = timezone.localdate()
        problems = [message for texts in error.message_dict.values() for message in texts]
        start, end = date(today.year, 1, 1), date(today.year, 12, 31)
    org = None
    raw = request.GET.get("org", "")
    if raw.isdigit() and len(raw) <= 18:
        org = Org.objects.filter(pk=int(raw)).first()
        scope = user_scope_org_ids(user=request.user)
        if org is None or (scope is not None and org.pk not in scope):
            problems.append("所选机构不在您的数据范围内，已显示本单位范围")
            org = None
    params = {"start": start.isoformat(), "end": end.isoformat(), **({"org": str(org.pk)} if org else {})}
    return LedgerQuery(start=start, end=end, user=request.user, org=org, today=timezone.localdate()), params, problems


def drill_url(section: LedgerSection, key: str, params: dict[str, str], **extra: str) -> str:
    url = reverse("stats:ledger-indicator", kwargs={"section": section.key, "key": key})
    return f"{url}?{urlencode({**params, **extra})}"


@replica_reads
def figures_page(request: HttpRequest, section: str) -> HttpResponse:
    ledger_section = section_for(section)
    if ledger_section is None:
        raise Http404("没有这个统计")
    q, params, problems = ledger_query(request, ledger_section)
    totals = compute_totals(q, ledger_section.indicators)
    cards = [{"indicator": indicator, "figure": totals[indicator.key],
              "url": drill_url(ledger_section, indicator.key, params)} for indicator in ledger_section.indicators]
    tables = []
    for breakdown in ledger_section.breakdowns:
        indicators = [ledger_section.indicator(key) for key in breakdown.keys]
        groups = compute(q, indicators, by=breakdown.dimension)
        labels = ledger_section.group_labels(breakdown.dimension, [group for group in groups if group is not None])
        rows = []
        for group, figures in sorted(groups.items(), key=lambda item: str(labels.get(item[0], ""))):
            if group is None or not any(figures[key].numerator or figures[key].denominator for key in breakdown.keys):
                continue
            rows.append({"label": labels.get(group, "—"), "cells": [
                {"figure": figures[key], "url": drill_url(ledger_section, key, params, by=breakdown.dimension,
                                                          group=str(group))} for key in breakdown.keys]})
        tables.append({"title": breakdown.title, "columns": indicators, "rows": rows})
    return render(request, "stats/ledger_figures.html", {
        "section": ledger_section, "cards": cards, "tables": tables, "params": params, "problems": problems,
        "start": q.start, "end": q.end, "org": q.org, "orgs": _filter_orgs(request),
        "action": request.path})


def _filter_orgs(request: HttpRequest):
    return scope_orgs(user=request.user).filter(kind__in=(Org.Kind.GOVERNMENT, Org.Kind.TOWNSHIP,
                                                          Org.Kind.VILLAGE)).only("pk", "name", "path")


@replica_reads
def indicator_records(request: HttpRequest, key: str, section: str = "") -> HttpResponse:
    """The records behind one figure (or one cell of a breakdown); their count is the figure."""
    found = _section_of_indicator(key)
    if found is None or (section and found[0].key != section):
        raise Http404("没有这个统计指标")
    ledger_section, indicator = found
    q, params, problems = ledger_query(request, ledger_section)
    part = "denominator" if request.GET.get("part") == "denominator" and indicator.denominator else "numerator"
    records = indicator.records(q, part)
    figure = compute_totals(q, [indicator])[key]
    by, group = request.GET.get("by", ""), request.GET.get("group", "")
    ledger = indicator.measure(part).ledger
    group_label = ""
    if by in ledger.dimensions and group and len(group) <= 64:
        records = records.filter(**{ledger.dimensions[by]: group})
        groups = compute(q, [indicator], by=by)
        figure = next((figures[key] for value, figures in groups.items() if str(value) == group),
                      empty_figure(indicator))
        labels = ledger_section.group_labels(by, [int(group) if group.isdigit() else group])
        name = labels.get(int(group) if group.isdigit() else group, group)
        group_label = f"{ledger_section.dimension_labels.get(by, by)}：{name}"
    page = Paginator(records.select_related(*ledger.related).order_by("-pk"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    rows = [{"record": record, "url": reverse(ledger.detail_url, args=[record.pk]),
             "cells": [column.value(record) for column in ledger.columns]} for record in page]
    query = request.GET.copy()
    query.pop("page", None)
    extra = {"by": by, "group": group} if group_label else {}
    other = ("" if indicator.denominator is None else
             drill_url(ledger_section, key, params, **extra, part="numerator" if part == "denominator" else "denominator"))
    return render(request, "stats/ledger_records.html", {
        "section": ledger_section, "indicator": indicator, "figure": figure, "part": part, "page": page,
        "rows": rows, "total": page.paginator.count, "period_rule": ledger_section.period_rules[indicator.period_rule],
        "ledger": ledger, "problems": problems, "group_label": group_label, "other_url": other,
        "query": query.urlencode(), "start": q.start, "end": q.end, "org": q.org,
        "figures_url": f"{reverse('stats:ledger-figures', kwargs={'section': ledger_section.key})}?{urlencode(params)}"})
