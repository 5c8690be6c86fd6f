"""The report's figures: computed from the statistics (never typed), snapshotted with what each one means.

A figure is one indicator key: a petition indicator of `xinfang.stats.indicators` (with 同比 and 环比), or a
ledger indicator of a registered section of `xinfang.stats.ledgers` (矛盾预防, 积案, 领导接访, 违法信访行为 …, with
同比 computed the same way). Each snapshot entry keeps the key, value, definition, period rule and the URL of
its drill-down, so the 核对 page and the document read the same numbers.

The area counted: an office's reports cover the area it serves — a 信访办 counts its parent's subtree (the
county government's townships and departments); any other org counts its own subtree.
"""

from dataclasses import replace
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from xinfang.orgs.models import Org, User
from xinfang.petitions.models import Category
from xinfang.stats.indicators import (
    INDICATORS, INDICATORS_BY_KEY, PERIOD_RULES, Figure, change, compute, compute_totals as compute_petition_totals,
    compute_with_comparisons, previous_period, same_period_last_year, split_period)
from xinfang.stats.ledgers import LedgerQuery, compute_totals, sections_readable
from xinfang.stats.ledgers import compute as compute_ledger
from xinfang.stats.selectors import stats_filters_parse, stats_query


def area_of(office: Org) -> Org:
    """The org subtree an office's report counts."""
    if office.kind == Org.Kind.PETITION_OFFICE and office.parent_id is not None:
        return office.parent
    return office


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _change(current: Any, base: Any, kind: str) -> str | None:
    if base is None:
        return None
    return _text(change(Figure("", current, 0), Figure("", base, 0), kind=kind))


def petition_figures(*, user: User | None, office: Org, start: date, end: date,
                     today: date | None = None) -> dict[str, dict[str, Any]]:
    area = area_of(office)
    filters = stats_filters_parse(start=start, end=end, org_id=str(area.pk))
    q = stats_query(user=user, filters=filters, today=today)
    comparisons = compute_with_comparisons(q, INDICATORS)
    result = _entries(comparisons, filters)
    result.update(top_groups(q, filters, by="unit"))
    result.update(top_groups(q, filters, by="category"))
    result.update(area_groups(user=user, area=area, filters=filters, today=today))
    result.update(monthly(q, filters))
    return result


TOP = 5
GROUP_KEYS = {"unit": "registered_unit_", "category": "registered_category_"}


def top_groups(q, filters, *, by: str) -> dict[str, dict[str, Any]]:
    """The 5 责任单位 (organs the matters were sent to) or top-level 问题分类 with the most petitions, as figures
    keyed registered_unit_<id> / registered_category_<id>, each drillable (the drill-down filtered to that group)."""
    indicator = INDICATORS_BY_KEY["registered"]
    groups = [(group, figures["registered"].value) for group, figures in compute(q, by=by, indicators=[indicator]).items()
              if group is not None and figures["registered"].value]
    groups.sort(key=lambda item: (-item[1], item[0]))
    # 同比 per group: the same breakdown over the same period of last year (a group absent then has no base).
    before = {group: figures["registered"] for group, figures in
              compute(q.shifted(*same_period_last_year(q.start, q.end)), by=by, indicators=[indicator]).items()}
    model = Org if by == "unit" else Category
    names = dict(model.objects.filter(pk__in=[group for group, _ in groups[:TOP]]).values_list("pk", "name"))
    result = {}
    for rank, (group, value) in enumerate(groups[:TOP]):
        narrowed = replace(filters, unit=Org(pk=group)) if by == "unit" else replace(filters, category=Category(pk=group))
        result[f"{GROUP_KEYS[by]}{group}"] = {
            "key": f"{GROUP_KEYS[by]}{group}", "source": "petitions", "group": names.get(group, ""), "rank": rank,
            "name": f"{names.get(group, '')}：{indicator.name_zh}", "kind": "count", "unit": "件", "value": str(value),
            "numerator": value, "denominator": None, "last_year": _text(_value(before.get(group))),
            "yoy": _text(change(Figure("registered", value, value), before.get(group), kind="count")), "mom": None,
            "definition": f"{indicator.definition_zh}中，{'转送交办该责任单位' if by == 'unit' else '属该类问题'}的",
            "period_rule": PERIOD_RULES[indicator.period_rule],
            "url": f"{reverse('stats:drilldown', kwargs={'key': 'registered'})}?{urlencode(narrowed.as_params())}",
        }
    return result


def _value(figure: Figure | None) -> Any:
    return None if figure is None else figure.value


AREA_KINDS = (Org.Kind.TOWNSHIP, Org.Kind.VILLAGE)


def area_groups(*, user: User | None, area: Org, filters, today: date | None) -> dict[str, dict[str, Any]]:
    """By 属地: one figure per 镇街 (or 村 under a township) directly below the area, with 同比.

    Each is the statistics' own org filter (matters registered by, located in or sent to that 镇街's subtree,
    stats.selectors.stats_petitions), so its drill-down (`?org_id=`) lists exactly the matters counted; a matter
    located in one 镇街 and sent to another counts for both, so the areas may add up to more than the total.
    """
    indicators = [INDICATORS_BY_KEY["registered"], INDICATORS_BY_KEY["person_times"]]
    result = {}
    rows = []
    for org in area.children.filter(kind__in=AREA_KINDS).order_by("path"):
        narrowed = replace(filters, org=org)
        try:
            q = stats_query(user=user, filters=narrowed, today=today)
        except PermissionDenied:  # outside the reader's scope: not reported, never shown as zero
            continue
        comparisons = compute_with_comparisons(q, indicators)
        if comparisons["registered"].figure.value:
            rows.append((org, narrowed, comparisons))
    rows.sort(key=lambda row: (-row[2]["registered"].figure.value, row[0].path))
    indicator = indicators[0]
    for rank, (org, narrowed, comparisons) in enumerate(rows):
        item = comparisons["registered"]
        key = f"registered_area_{org.pk}"
        result[key] = {
            "key": key, "source": "petitions", "group": org.name, "rank": rank, "name": f"{org.name}：{indicator.name_zh}",
            "kind": "count", "unit": "件", "value": _text(item.figure.value), "numerator": item.figure.numerator,
            "denominator": None, "last_year": _text(item.last_year.value), "yoy": _text(item.yoy), "mom": _text(item.mom),
            "person_times": _text(comparisons["person_times"].figure.value),
            "definition": f"{indicator.definition_zh}中，问题属地、登记机构或责任单位在{org.name}（含下级）的",
            "period_rule": PERIOD_RULES[indicator.period_rule],
            "url": f"{reverse('stats:drilldown', kwargs={'key': 'registered'})}?{urlencode(narrowed.as_params())}",
        }
    return result


def monthly(q, filters) -> dict[str, dict[str, Any]]:
    """信访量 by month (the chart's points) with the same month of last year: registered_month_<n>, 1-based.

    Only for a period of two months or more (a monthly analysis has no trend of its own)."""
    months = split_period(q.start, q.end, step="month")
    if len(months) < 2:
        return {}
    indicator = INDICATORS_BY_KEY["registered"]
    result = {}
    for rank, month in enumerate(months):
        now = compute_petition_totals(q.shifted(month.start, month.end), [indicator])["registered"]
        before = compute_petition_totals(q.shifted(*same_period_last_year(month.start, month.end)), [indicator])["registered"]
        narrowed = replace(filters, start=month.start, end=month.end)
        key = f"registered_month_{rank + 1}"
        result[key] = {
            "key": key, "source": "petitions", "group": f"{month.start.month}月", "rank": rank,
            "name": f"{month.label}：{indicator.name_zh}", "kind": "count", "unit": "件", "value": _text(now.value),
            "numerator": now.numerator, "denominator": None, "last_year": _text(before.value),
            "yoy": _text(change(now, before, kind="count")), "mom": None,
            "definition": f"{indicator.definition_zh}（{month.label}）", "period_rule": PERIOD_RULES[indicator.period_rule],
            "url": f"{reverse('stats:drilldown', kwargs={'key': 'registered'})}?{urlencode(narrowed.as_params())}",
        }
    return result


def _entries(comparisons, filters) -> dict[str, dict[str, Any]]:
    params = urlencode(filters.as_params())
    result = {}
    for indicator in INDICATORS:
        item = comparisons[indicator.key]
        result[indicator.key] = {
            "key": indicator.key, "source": "petitions", "name": indicator.name_zh, "kind": indicator.kind,
            "unit": indicator.unit_zh, "value": _text(item.figure.value), "numerator": item.figure.numerator,
            "denominator": item.figure.denominator, "last_year": _text(item.last_year.value),
            "yoy": _text(item.yoy), "mom": _text(item.mom), "definition": indicator.definition_zh,
            "period_rule": PERIOD_RULES[indicator.period_rule],
            "url": f"{reverse('stats:drilldown', kwargs={'key': indicator.key})}?{params}",
        }
    return result


def ledger_figures(*, user: User | None, office: Org, start: date, end: date,
                   today: date | None = None) -> dict[str, dict[str, Any]]:
    area = area_of(office)
    today = today or timezone.localdate()
    q = LedgerQuery(start=start, end=end, user=user, org=area, today=today)
    last = LedgerQuery(*same_period_last_year(start, end), user=user, org=area, today=today)
    previous = LedgerQuery(*previous_period(start, end), user=user, org=area, today=today)
    params = urlencode({"start": start.isoformat(), "end": end.isoformat(), "org": str(area.pk)})
    result = {}
    for section in sections_readable(user):
        now, before, prior = (compute_totals(query, section.indicators) for query in (q, last, previous))
        for indicator in section.indicators:
            figure, base, earlier = now[indicator.key], before[indicator.key], prior[indicator.key]
            kind = "rate" if indicator.kind == "rate" else "count"
            url = reverse("stats:ledger-indicator", kwargs={"section": section.key, "key": indicator.key})
            result[indicator.key] = {
                "key": indicator.key, "source": section.key, "section": section.title, "name": indicator.name_zh,
                "kind": indicator.kind, "unit": indicator.unit_zh, "value": _text(figure.value),
                "numerator": str(figure.numerator), "denominator": figure.denominator,
                "last_year": _text(base.value), "yoy": _change(figure.value, base.value, kind),
                "mom": _change(figure.value, earlier.value, kind), "definition": indicator.definition_zh,
                "period_rule": section.period_rules.get(indicator.period_rule, indicator.period_rule),
                "url": f"{url}?{params}",
            }
        for key, dimension, prefix in LEDGER_GROUPS:
            if section.indicator(key) is not None:
                result.update(ledger_groups(q, section, key, dimension, prefix, params))
    return result


# Ledger figures broken down for a sentence: (indicator key, the section's dimension, the snapshot key prefix).
LEDGER_GROUPS = (("prevention_assessments", "kind", "prevention_assessments_kind_"),)


def ledger_groups(q: LedgerQuery, section, key: str, dimension: str, prefix: str,
                  params: str) -> dict[str, dict[str, Any]]:
    """One figure per group of a breakdown (e.g. 风险评估 by 类别), drillable through ?by=&group=."""
    indicator = section.indicator(key)
    groups = {group: figures[key] for group, figures in compute_ledger(q, [indicator], by=dimension).items()
              if group is not None and figures[key].value}
    labels = section.group_labels(dimension, list(groups))
    url = reverse("stats:ledger-indicator", kwargs={"section": section.key, "key": key})
    result = {}
    for rank, (group, figure) in enumerate(sorted(groups.items(), key=lambda item: (-item[1].value, str(item[0])))):
        name = str(labels.get(group, group))
        result[f"{prefix}{group}"] = {
            "key": f"{prefix}{group}", "source": section.key, "section": section.title, "group": name, "rank": rank,
            "name": f"{name}：{indicator.name_zh}", "kind": indicator.kind, "unit": indicator.unit_zh,
            "value": _text(figure.value), "numerator": str(figure.numerator), "denominator": figure.denominator,
            "last_year": None, "yoy": None, "mom": None,
            "definition": f"{indicator.definition_zh}中，{section.dimension_labels.get(dimension, '类别')}为“{name}”的",
            "period_rule": section.period_rules.get(indicator.period_rule, indicator.period_rule),
            "url": f"{url}?{params}&{urlencode({'by': dimension, 'group': str(group)})}",
        }
    return result


def figures_compute(*, user: User | None, office: Org, start: date, end: date,
                    today: date | None = None) -> dict[str, dict[str, Any]]:
    """Every figure a report may cite, by key (petition indicators, then every readable ledger section's)."""
    return {**petition_figures(user=user, office=office, start=start, end=end, today=today),
            **ledger_figures(user=user, office=office, start=start, end=end, today=today)}
