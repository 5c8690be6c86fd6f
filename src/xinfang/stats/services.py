"""Statistics output: figures as JSON (command line), statistical tables and drill-down lists as Excel."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, BinaryIO

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from xinfang.audit.services import audit_record
from xinfang.exchange.cells import xlsx_row
from xinfang.orgs.models import Org, User
from xinfang.petitions.models import Category, HotTopic, Petition
from xinfang.stats.indicators import (
    INDICATORS,
    INDICATORS_BY_KEY,
    PERIOD_RULES,
    Comparison,
    Figure,
    Indicator,
    StatsQuery,
    compute,
    compute_with_comparisons,
    split_period,
)
from xinfang.stats.selectors import StatsFilters


def chinese_date(day: date) -> str:
    """A date as offices write it: 2025年1月1日."""
    return f"{day.year}年{day.month}月{day.day}日"


def _number(value: Decimal | int | None) -> float | int | None:
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


def figures_as_json(*, filters: StatsFilters, comparisons: dict[str, Comparison]) -> dict[str, Any]:
    """The stable JSON form: {"period": …, "org": …, "indicators": {key: {value, numerator, …}}}."""
    indicators = {}
    for indicator in INDICATORS:
        item = comparisons[indicator.key]
        entry: dict[str, Any] = {
            "name": indicator.name_zh, "kind": indicator.kind, "unit": indicator.unit_zh,
            "value": _number(item.figure.value), "numerator": item.figure.numerator,
            "denominator": item.figure.denominator,
            "last_year": _number(item.last_year.value), "previous": _number(item.previous.value),
            "yoy": _number(item.yoy), "mom": _number(item.mom),
        }
        indicators[indicator.key] = entry
    return {
        "period": {"from": filters.start.isoformat(), "to": filters.end.isoformat()},
        "org": None if filters.org is None else {"id": filters.org.pk, "name": filters.org.name,
                                                  "region_code": filters.org.region_code},
        "channel": filters.channel or None,
        "category": None if filters.category is None else filters.category.code,
        "indicators": indicators,
    }


# --- Excel ----------------------------------------------------------------------------------------------

TABLE_KEYS = (
    "registered", "person_times", "batches", "visit_person_times", "first_petitions", "repeat_petitions",
    "repeat_ratio", "online", "online_ratio", "group_visits", "group_visit_person_times", "skip_level",
    "litigation_related", "timely_acceptance_rate", "on_time_completion_rate", "satisfaction_rate",
    "evaluation_rate", "completed", "completion_rate", "resolution_rate", "overdue", "reviews_requested",
    "reviews_decided", "re_reviews_requested", "re_reviews_decided",
)
STEP_SHEETS = {"month": "按月", "quarter": "按季度", "year": "按年度"}
BOLD = Font(bold=True)


def _cell(figure: Figure) -> Any:
    if INDICATORS_BY_KEY[figure.key].kind == "rate":
        return "—" if figure.value is None else float(figure.value) / 100
    return figure.value


def _write_table(sheet, *, title: str, head: str, columns: list[Indicator],
                 rows: Iterable[tuple[str, dict[str, Figure]]]) -> None:
    """Title row, header row (Chinese names), one row per period or group; rates as Excel percentages."""
    sheet.append(xlsx_row(sheet, [title]))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([head] + [f"{column.name_zh}（{column.unit_zh}）" for column in columns])
    for cell in sheet[2]:
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for label, figures in rows:
        # Labels are org, category and hot-topic names typed by users: never a live formula.
        sheet.append(xlsx_row(sheet, [label] + [_cell(figures[column.key]) for column in columns]))
        for offset, column in enumerate(columns, start=2):
            if column.kind == "rate":
                sheet.cell(row=sheet.max_row, column=offset).number_format = "0.00%"
    sheet.column_dimensions["A"].width = 22
    sheet.freeze_panes = "B3"


def _group_labels(by: str, keys: Iterable[Any]) -> dict[Any, str]:
    ids = [key for key in keys if key is not None]
    if by == "unit":
        names = dict(Org.objects.filter(pk__in=ids).values_list("pk", "name"))
        return {key: names.get(key, "未转送（信访部门办理）") if key is not None else "未转送（信访部门办理）"
                for key in keys}
    if by == "category":
        names = dict(Category.objects.filter(pk__in=ids).values_list("pk", "name"))
    elif by == "hot_topic":
        names = dict(HotTopic.objects.filter(pk__in=ids).values_list("pk", "name"))
    else:
        from xinfang.petitions.models import Channel

        names = dict(Channel.choices)
    return {key: names.get(key, "未标注") for key in keys}


def grouped_rows(q: StatsQuery, *, by: str, keys: Iterable[str] = TABLE_KEYS) -> list[tuple[str, dict[str, Figure]]]:
    """One row per unit, category, channel or hot topic, largest first, then the total."""
    indicators = [INDICATORS_BY_KEY[key] for key in keys]
    groups = compute(q, by=by, indicators=indicators)
    labels = _group_labels(by, groups)
    ordered = sorted(groups.items(), key=lambda item: (-item[1]["registered"].value if "registered" in item[1]
                                                         else 0, labels[item[0]]))
    total = compute(q, indicators=indicators)[None]
    if by == "hot_topic":  # a petition may have several hot topics, or none: the rows do not add up
        ordered = [(key, figures) for key, figures in ordered if key is not None]
        return [(labels[key], figures) for key, figures in ordered] + [("全部事项（一件可涉及多个热点）", total)]
    return [(labels[key], figures) for key, figures in ordered] + [("合计", total)]


def stats_workbook(*, q: StatsQuery, out: BinaryIO, title: str) -> None:
    """The statistical tables as offices file them: summary with 同比/环比, by month, quarter, year, unit, category."""
    workbook = Workbook()
    columns = [INDICATORS_BY_KEY[key] for key in TABLE_KEYS]
    summary = workbook.active
    summary.title = "汇总"
    comparisons = compute_with_comparisons(q)
    summary.append(xlsx_row(summary, [f"{title}（{chinese_date(q.start)}至{chinese_date(q.end)}）"]))
    summary["A1"].font = Font(bold=True, size=14)
    summary.append(["指标", "代码", "本期", "分子", "分母", "上年同期", "同比", "上期", "环比", "口径", "计入期间"])
    for cell in summary[2]:
        cell.font = BOLD
    for indicator in INDICATORS:
        item = comparisons[indicator.key]
        unit = "百分点" if indicator.kind == "rate" else "%"
        summary.append([
            indicator.name_zh, indicator.key, item.figure.display, item.figure.numerator, item.figure.denominator,
            item.last_year.display, "—" if item.yoy is None else f"{item.yoy}{unit}", item.previous.display,
            "—" if item.mom is None else f"{item.mom}{unit}", indicator.definition_zh,
            PERIOD_RULES[indicator.period_rule],
        ])
    for letter, width in zip("ABCDEFGHIJK", (20, 30, 12, 10, 10, 12, 12, 12, 12, 60, 40), strict=True):
        summary.column_dimensions[letter].width = width
    for step, sheet_name in STEP_SHEETS.items():
        rows = [(part.label, compute(q.shifted(part.start, part.end), indicators=columns)[None])
                for part in split_period(q.start, q.end, step=step)]
        rows.append(("合计", compute(q, indicators=columns)[None]))
        _write_table(workbook.create_sheet(sheet_name), title=f"{title}（{sheet_name}）", head="期间",
                     columns=columns, rows=rows)
    for by, sheet_name, head in (("unit", "按责任单位", "责任单位"), ("category", "按问题分类", "问题分类"),
                                 ("hot_topic", "按热点领域", "热点领域")):
        _write_table(workbook.create_sheet(sheet_name), title=f"{title}（{sheet_name}）", head=head, columns=columns,
                     rows=grouped_rows(q, by=by))
    workbook.save(out)


DRILLDOWN_HEADERS = ("信访件编号", "收到日期", "信访形式", "问题分类", "问题属地", "责任单位", "人次", "集体访", "初件/重件", "状态")


def drilldown_rows(queryset: QuerySet[Petition], hidden: set[int] = frozenset()) -> Iterable[list[Any]]:
    """`hidden`: petitions Art 30 hides from the reader; a repeat of one of them reads as a first petition."""
    rows = (queryset.select_related("category__parent", "locality", "handling_org").order_by("-received_at", "-id")
            .iterator(chunk_size=2000))
    for petition in rows:
        yield [
            petition.number, timezone.localtime(petition.received_at).date().isoformat(),
            petition.get_channel_display(), str(petition.category), petition.locality.name,
            petition.handling_org.name if petition.handling_org else "", petition.person_times,
            "是" if petition.is_group_visit else "", "重件" if petition.first_petition_id and petition.first_petition_id not in hidden else "初件",
            petition.get_status_display(),
        ]


def drilldown_workbook(*, queryset: QuerySet[Petition], out: BinaryIO, title: str,
                       hidden: set[int] = frozenset()) -> int:
    """The cases behind a figure, streamed (write-only workbook: memory stays flat however long the list)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("信访事项")
    sheet.append(xlsx_row(sheet, [title]))
    sheet.append(list(DRILLDOWN_HEADERS))
    count = 0
    for row in drilldown_rows(queryset, hidden):
        sheet.append(xlsx_row(sheet, row))  # org and category names are users' text: never a live formula
        count += 1
    sheet.append([f"合计 {count} 件"])
    workbook.save(out)
    return count


@transaction.atomic
def stats_export_record(*, actor: User, what: str, filters: StatsFilters, **details: Any) -> None:
    """Record an Excel download in the audit log: lists of cases leave the system with it."""
    audit_record(actor=actor, action=f"stats.{what}", target=filters.org, data={**filters.as_params(), **details})
