"""The 晾晒 page (/supervision/rankings/?year=2026&quarter=3), its print layout and its Excel download. Thin."""

import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from xinfang.audit.services import audit_record
from xinfang.orgs.models import Role
from xinfang.stats.selectors import scope_orgs, stats_filters_parse, stats_query
from xinfang.supervision.rankings import (
    MATCH_ZH,
    Rankings,
    last_complete_quarter,
    quarter_dates,
    quarter_parse,
    rankings_compute,
    rankings_workbook,
    rule_text,
)
from xinfang.web.navigation import can_see_statistics

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIABILITY_ROLES = (Role.SUPERVISOR, Role.LEADER)


def can_see_liability(user) -> bool:
    """Liability signals (Arts 43–46) are for supervisors (督查督办员) and leaders."""
    return user.is_superuser or user.has_role(*LIABILITY_ROLES)


def _rankings(request: HttpRequest) -> tuple[Rankings, list[str]]:
    if not can_see_statistics(request.user):
        raise PermissionDenied("当前用户未分配所属机构，不能查看晾晒排名")
    problems = []
    try:
        year, quarter = quarter_parse(year=request.GET.get("year"), quarter=request.GET.get("quarter"))
    except ValidationError as error:
        problems = [message for messages in error.message_dict.values() for message in messages]
        year, quarter = last_complete_quarter(timezone.localdate())
    start, end = quarter_dates(year, quarter)
    q = stats_query(user=request.user, filters=stats_filters_parse(start=start, end=end))
    unit_ids = None if request.user.is_superuser else set(scope_orgs(user=request.user).values_list("pk", flat=True))
    return rankings_compute(q=q, year=year, quarter=quarter, unit_ids=unit_ids), problems


def _scope_name(request: HttpRequest) -> str:
    return request.user.org.name if request.user.org_id else "全部"


def drilldown_url(rankings: Rankings, key: str, org_id: int, part: str = "") -> str:
    """The statistics drill-down whose count equals the figure: the same indicator, quarter and 责任单位."""
    params = {"start": rankings.start.isoformat(), "end": rankings.end.isoformat(), "unit": str(org_id)}
    if part:
        params["part"] = part
    return f"{reverse('stats:drilldown', kwargs={'key': key})}?{urlencode(params)}"


def rankings_page(request: HttpRequest) -> HttpResponse:
    rankings, problems = _rankings(request)
    units = [{
        "unit": unit,
        "cells": [{"item": item, "url": drilldown_url(rankings, item.spec.key, unit.org_id),
                   "den_url": (drilldown_url(rankings, item.spec.key, unit.org_id, "denominator")
                               if item.spec.indicator.kind == "rate" else "")}
                  for item in unit.measures],
    } for unit in rankings.units]
    lists = [{"spec": spec, "rules": [rule_text(rule) for rule in spec.rules], "entries": entries}
             for spec, entries in rankings.lists]
    liability = []
    if can_see_liability(request.user):
        for row in rankings.liability:
            liability.append({"row": row, "late": [
                {"label": label, "late": late, "figure": figure,
                 "den_url": drilldown_url(rankings, key, row.org_id, "denominator"),
                 "num_url": drilldown_url(rankings, key, row.org_id)} for key, label, figure, late in row.late],
                "counts": [{"label": label, "figure": figure, "url": drilldown_url(rankings, key, row.org_id)}
                           for key, label, figure in row.counts]})
    today = timezone.localdate()
    return render(request, "supervision/rankings.html", {
        "rankings": rankings, "problems": problems, "units": units, "lists": lists, "liability": liability,
        "show_liability": can_see_liability(request.user), "measures": rankings.config.measures,
        "match_zh": MATCH_ZH, "scope_name": _scope_name(request), "quarters": range(1, 5),
        "years": range(today.year, today.year - 6, -1),
        "export_url": f"{reverse('supervision:rankings-export')}?"
                      f"{urlencode({'year': rankings.year, 'quarter': rankings.quarter})}",
    })


def rankings_export(request: HttpRequest) -> FileResponse:
    rankings, _ = _rankings(request)
    with_liability = can_see_liability(request.user)
    stream = io.BytesIO()
    rankings_workbook(rankings=rankings, out=stream, scope_name=_scope_name(request), with_liability=with_liability)
    audit_record(actor=request.user, action="supervision.rankings_export",
                 data={"year": rankings.year, "quarter": rankings.quarter, "units": len(rankings.units),
                       "liability": with_liability})
    stream.seek(0)
    return FileResponse(stream, as_attachment=True, content_type=XLSX,
                        filename=f"rankings-{rankings.year}-q{rankings.quarter}.xlsx")
