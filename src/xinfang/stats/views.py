"""统计分析: the dashboard, the cases behind each figure, and the Excel downloads. Thin: parse, select, render."""

import io
from dataclasses import replace

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from xinfang.config.routers import replica_reads
from xinfang.orgs.models import Org
from xinfang.petitions.models import Category, Channel, HotTopic
from xinfang.stats.indicators import (
    INDICATORS_BY_KEY,
    PERIOD_RULES,
    REFUSALS,
    THREE_RATES,
    compute_totals,
)
from xinfang.stats.selectors import (
    CARD_KEYS,
    PRESETS,
    StatsFilters,
    drilldown_list,
    scope_orgs,
    stats_dashboard,
    stats_filters_parse,
    stats_query,
)
from xinfang.stats.ledgers import LedgerQuery, sections_totals
from xinfang.stats.records import record_line, record_lines_queryset
from xinfang.stats.views_ledgers import drill_url
from xinfang.stats.services import chinese_date, drilldown_workbook, stats_export_record, stats_workbook

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(request: HttpRequest) -> tuple[StatsFilters, list[str]]:
    """The filters of the request, or this year's with the reasons the request's were refused."""
    params = request.GET
    try:
        return stats_filters_parse(
            start=params.get("start", ""), end=params.get("end", ""), preset=params.get("preset", ""),
            org_id=params.get("org_id", ""), channel=params.get("channel", ""),
            category=params.get("category", ""), hot_topic=params.get("hot_topic", ""), unit=params.get("unit", ""),
        ), []
    except ValidationError as error:
        problems = [message for messages in error.message_dict.values() for message in messages]
        return stats_filters_parse(), problems


def _query(request: HttpRequest, filters: StatsFilters, problems: list[str]):
    try:
        return filters, stats_query(user=request.user, filters=filters)
    except PermissionDenied as error:  # an org outside the user's scope: say so, show their own scope
        problems.append(str(error))
        filters = replace(filters, org=None)
        return filters, stats_query(user=request.user, filters=filters)


def _link(name: str, filters: StatsFilters, **extra: str) -> str:
    return f"{reverse(name, kwargs=extra.pop('kwargs', {}))}?{urlencode({**filters.as_params(), **extra})}"


@replica_reads
def dashboard(request: HttpRequest) -> HttpResponse:
    filters, problems = _filters(request)
    filters, q = _query(request, filters, problems)
    data = stats_dashboard(q=q)
    cards = [{"indicator": INDICATORS_BY_KEY[key], "item": data.comparisons[key],
              "url": _link("stats:drilldown", filters, kwargs={"key": key})} for key in CARD_KEYS]
    trend = [{"label": month.label, "registered": figures["registered"].value,
              "person_times": figures["person_times"].value,
              "url": _link("stats:drilldown", replace(filters, start=month.start, end=month.end),
                           kwargs={"key": "registered"})}
             for month, figures in data.trend]
    channels = [{"label": channel.label, "value": data.comparisons[f"channel_{channel.value}"].figure.value,
                 "url": _link("stats:drilldown", filters, kwargs={"key": f"channel_{channel.value}"})}
                for channel in Channel]
    categories = [{"label": name, "value": value,
                   "url": _link("stats:drilldown", replace(filters, category=Category(pk=pk)),
                                kwargs={"key": "registered"})}
                  for pk, name, value in data.categories]
    units = []
    for unit in data.units:
        unit_filters = replace(filters, unit=Org(pk=unit.org_id) if unit.org_id else None, unsent=unit.org_id is None)
        units.append({"name": unit.name, "cells": [
            {"figure": unit.figures[key], "url": _link("stats:drilldown", unit_filters, kwargs={"key": key})}
            for key in THREE_RATES]})
    chart_data = {
        "trend": {"labels": [row["label"] for row in trend], "registered": [row["registered"] for row in trend],
                  "person_times": [row["person_times"] for row in trend]},
        "channels": [{"name": row["label"], "value": row["value"]} for row in channels if row["value"]],
        "categories": {"labels": [row["label"] for row in categories], "values": [row["value"] for row in categories]},
    }
    return render(request, "stats/dashboard.html", {
        "ledgers": _ledgers(request, filters), "filters": filters, "problems": problems, "cards": cards, "trend": trend, "channels": channels,
        "categories": categories, "units": units, "three_rates": [INDICATORS_BY_KEY[key] for key in THREE_RATES],
        "overdue": data.overdue, "overdue_url": _link("stats:drilldown", filters, kwargs={"key": "overdue"}),
        "chart_data": chart_data, "presets": PRESETS, "orgs": scope_orgs(user=request.user).only("pk", "name", "path"),
        "channel_choices": Channel.choices, "categories_top": Category.objects.filter(parent__isnull=True),
        "hot_topics": HotTopic.objects.filter(is_active=True),
        "tables_url": _link("stats:tables-export", filters), "today": timezone.localdate(),
    })


def _ledgers(request: HttpRequest, filters: StatsFilters) -> list[dict]:
    """The ledger sections' figures (stats.ledgers) for the dashboard's period and org, each linked to its records."""
    q = LedgerQuery(start=filters.start, end=filters.end, user=request.user, org=filters.org,
                    today=timezone.localdate())
    params = {"start": filters.start.isoformat(), "end": filters.end.isoformat(),
              **({"org": str(filters.org.pk)} if filters.org else {})}
    return [{"key": item.section.key, "title": item.section.title,
             "url": f"{reverse('stats:ledger-figures', kwargs={'section': item.section.key})}?{urlencode(params)}",
             "rows": [{"indicator": indicator, "figure": figure,
                       "url": drill_url(item.section, indicator.key, params)} for indicator, figure in item.items()]}
            for item in sections_totals(q)]


def _drilldown_queryset(request: HttpRequest, key: str):
    indicator = INDICATORS_BY_KEY.get(key)
    if indicator is None:
        raise Http404("没有这个统计指标")
    part = "denominator" if request.GET.get("part") == "denominator" and indicator.denominator else "numerator"
    filters, problems = _filters(request)
    filters, q = _query(request, filters, problems)
    return indicator, part, filters, problems, q


def _records_drilldown(request: HttpRequest, indicator, part: str, q, context: dict) -> HttpResponse:
    """The records behind a figure counted by rows (督办, 建议, refusals): one line per counted record."""
    source = indicator.measure(part).source
    records = indicator.records(q, part)
    if source is REFUSALS:
        records = records.select_related("petition", "org", "actor", "actor_org").order_by("-at", "-id")
    else:
        records = record_lines_queryset(records)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [{"record": record} if source is REFUSALS else
            record_line(record, url=reverse(source.record_url, args=[record.pk]) if source.record_url else "",
                        today=today) for record in page]
    return render(request, "stats/drilldown_records.html", {
        **context, "page": page, "total": page.paginator.count, "source": source, "rows": rows,
        "refusals": source is REFUSALS,
    })


@replica_reads
def drilldown(request: HttpRequest, key: str) -> HttpResponse:
    """The cases behind one figure; the count shown is the figure (same conditions, same scope)."""
    indicator, part, filters, problems, q = _drilldown_queryset(request, key)
    query = request.GET.copy()
    query.pop("page", None)
    other = "numerator" if part == "denominator" else "denominator"
    context = {
        "indicator": indicator, "part": part, "filters": filters, "problems": problems,
        "figure": compute_totals(q, [indicator])[key], "base_query": query.urlencode(),
        "period_rule": PERIOD_RULES[indicator.period_rule],
        "dashboard_url": f"{reverse('stats:dashboard')}?{urlencode(filters.as_params())}",
        "other_part_url": (f"{reverse('stats:drilldown', kwargs={'key': key})}?"
                           f"{urlencode({**filters.as_params(), 'part': other})}" if indicator.denominator else ""),
    }
    if indicator.lists_records:
        return _records_drilldown(request, indicator, part, q, context)
    listing = drilldown_list(q, indicator, part, context["figure"])
    paginator = Paginator(listing.rows.select_related("category__parent", "locality", "handling_org"), PAGE_SIZE)
    paginator.count = listing.total  # the figure, or counted with the 人次: the paginator need not count again
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "stats/drilldown.html", {
        **context, "total": listing.total, "person_times": listing.person_times, "page": page, "hidden": set(q.hidden),
        "export_url": f"{reverse('stats:drilldown-export', kwargs={'key': key})}?{query.urlencode()}",
    })


@replica_reads
def drilldown_export(request: HttpRequest, key: str) -> FileResponse:
    indicator, part, filters, _, q = _drilldown_queryset(request, key)
    if indicator.lists_records:  # the page lists 督办/建议/refusal records; the case workbook does not fit them
        raise Http404("该指标的明细为督办、建议或拒绝记录，请在页面查看")
    stream = io.BytesIO()
    label = "分母" if part == "denominator" else ("分子" if indicator.denominator else "")
    title = f"{indicator.name_zh}{label}：{chinese_date(filters.start)}至{chinese_date(filters.end)}"
    rows = drilldown_workbook(queryset=indicator.petitions(q, part), out=stream, title=title, hidden=set(q.hidden))
    stats_export_record(actor=request.user, what="drilldown_export", filters=filters, indicator=key, part=part,
                        rows=rows)
    stream.seek(0)
    return FileResponse(stream, as_attachment=True, content_type=XLSX,
                        filename=f"{indicator.key}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.xlsx")


@replica_reads
def tables_export(request: HttpRequest) -> FileResponse:
    filters, problems = _filters(request)
    filters, q = _query(request, filters, problems)
    scope = filters.org.name if filters.org else (request.user.org.name if request.user.org_id else "全部")
    stream = io.BytesIO()
    stats_workbook(q=q, out=stream, title=f"{scope}信访工作统计表")
    stats_export_record(actor=request.user, what="tables_export", filters=filters)
    stream.seek(0)
    return FileResponse(stream, as_attachment=True, content_type=XLSX,
                        filename=f"stats-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.xlsx")
