"""Reads for statistics: the period and filters parsed and checked, the petitions in play, the scope."""

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from xinfang.orgs.models import Org, User
from xinfang.orgs.selectors import org_subtree, user_scope_org_ids, user_scope_root
from xinfang.petitions.models import Category, Channel, HotTopic, Petition
from xinfang.petitions.selectors import petitions_hidden_from, petitions_visible_to
from xinfang.petitions.validators import MAX_YEAR, MIN_YEAR, validate_db_id
from xinfang.stats import rollup
from xinfang.workflow.models import Clock
from xinfang.stats.indicators import (
    INDICATORS_BY_KEY,
    PETITIONS,
    THREE_RATES,
    Comparison,
    Figure,
    Indicator,
    PeriodSlice,
    StatsQuery,
    combine,
    compute,
    compute_totals,
    compute_with_comparisons,
    split_period,
)

# The widest range one request may ask for: ten years keeps a mistyped year from scanning a century.
MAX_DAYS = 3660

UNSENT = "none"  # the unit parameter for matters kept by the office (no 责任单位)

PRESETS = {
    "this_month": "本月",
    "last_month": "上月",
    "this_quarter": "本季度",
    "last_quarter": "上季度",
    "this_year": "本年",
    "last_year": "上年",
}


def _month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def period_preset(*, preset: str, today: date) -> tuple[date, date]:
    """The dates of a named period around `today` (本月, 上季度, 上年 …)."""
    if preset == "this_month":
        return today.replace(day=1), _month_end(today)
    if preset == "last_month":
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    quarter_start = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    if preset == "this_quarter":
        return quarter_start, _month_end(date(today.year, quarter_start.month + 2, 1))
    if preset == "last_quarter":
        end = quarter_start - timedelta(days=1)
        return date(end.year, end.month - 2, 1), end
    if preset == "this_year":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    if preset == "last_year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    raise ValidationError({"preset": [f"未知的统计期间“{preset}”"]})


def _parse_date(value: str | date | None, *, field: str, label: str) -> date | None:
    if value is None or value == "":
        return None
    try:
        day = value if isinstance(value, date) else date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError({field: [f"{label}“{value}”不是有效日期，应为 YYYY-MM-DD 格式（如 2025-01-01）"]}) from None
    # The year-on-year comparison and the trend step a year back and forth: keep them inside the calendar.
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValidationError({field: [f"{label}的年份应在{MIN_YEAR}至{MAX_YEAR}之间"]})
    return day


def period_parse(*, start: str | date | None, end: str | date | None, preset: str = "",
                 today: date | None = None) -> tuple[date, date]:
    """A checked, inclusive period: a named preset, else the two dates; the default is this year.

    The preset wins because the dashboard's form always sends the dates it shows; choosing 本月 there means 本月.
    """
    today = today or timezone.localdate()
    if preset:
        return period_preset(preset=preset, today=today)
    start_day = _parse_date(start, field="start", label="开始日期")
    end_day = _parse_date(end, field="end", label="结束日期")
    if start_day is None and end_day is None:
        return period_preset(preset="this_year", today=today)
    if start_day is None or end_day is None:
        raise ValidationError({"start" if start_day is None else "end": ["请同时填写开始日期和结束日期"]})
    if end_day < start_day:
        raise ValidationError({"end": [f"结束日期 {end_day:%Y-%m-%d} 早于开始日期 {start_day:%Y-%m-%d}"]})
    if (end_day - start_day).days > MAX_DAYS:
        raise ValidationError({"end": ["统计期间不能超过十年"]})
    return start_day, end_day


def org_by_code(code: str) -> Org:
    """An org by its 行政区划代码 (the first in tree order, i.e. the government) or its numeric id."""
    key = (code or "").strip()
    org = Org.objects.filter(region_code=key).order_by("path").first() if key else None
    pk = validate_db_id(key) if org is None else None
    if pk is not None:
        org = Org.objects.filter(pk=pk).first()
    if org is None:
        raise ValidationError({"org": [f"没有行政区划代码或编号为“{code}”的机构"]})
    return org


@dataclass(frozen=True)
class StatsFilters:
    start: date
    end: date
    org: Org | None = None
    channel: str = ""
    category: Category | None = None
    hot_topic: HotTopic | None = None
    # One 责任单位 exactly (not its subtree), or the matters no unit was sent (UNSENT): the unit tables' rows.
    unit: Org | None = None
    unsent: bool = False

    @property
    def channel_label(self) -> str:
        return Channel(self.channel).label if self.channel else ""

    @property
    def summary_zh(self) -> str:
        """The filters in words, for page headings: "青石镇（含下级） · 来信 · 责任单位：白沙镇"."""
        parts = [f"{self.org.name}（含下级）"] if self.org is not None else []
        parts += [value for value in (self.channel_label, self.category and self.category.name,
                                      self.hot_topic and self.hot_topic.name) if value]
        if self.unit is not None:
            parts.append(f"责任单位：{self.unit.name}")
        elif self.unsent:
            parts.append("未转送（信访部门办理）")
        return " · ".join(parts)

    def as_params(self) -> dict[str, str]:
        """The filters as URL parameters (for the links from a figure to its cases, and the downloads)."""
        params = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.org is not None:
            params["org_id"] = str(self.org.pk)
        if self.channel:
            params["channel"] = self.channel
        if self.category is not None:
            params["category"] = str(self.category.pk)
        if self.hot_topic is not None:
            params["hot_topic"] = str(self.hot_topic.pk)
        if self.unit is not None:
            params["unit"] = str(self.unit.pk)
        elif self.unsent:
            params["unit"] = UNSENT
        return params


def stats_filters_parse(*, start: str | date | None = None, end: str | date | None = None, preset: str = "",
                        org: str = "", org_id: str = "", channel: str = "", category: str = "",
                        hot_topic: str = "", unit: str = "", today: date | None = None) -> StatsFilters:
    """Parse and check filters from a form or the command line; every problem is a ValidationError by field.

    `org` is a code typed by a person (行政区划代码 or id); `org_id` is the id a page's own links carry.
    """
    errors: dict[str, list[str]] = {}
    period = None
    try:
        period = period_parse(start=start, end=end, preset=preset, today=today)
    except ValidationError as error:
        errors.update(error.message_dict)
    org_obj = None
    if org:
        try:
            org_obj = org_by_code(org)
        except ValidationError as error:
            errors.update(error.message_dict)
    elif org_id:
        org_obj = _by_pk(Org, org_id, field="org", label="机构", errors=errors)
    if channel and channel not in Channel.values:
        errors["channel"] = [f"未知的信访形式“{channel}”"]
    category_obj = _by_pk(Category, category, field="category", label="问题分类", errors=errors)
    topic_obj = _by_pk(HotTopic, hot_topic, field="hot_topic", label="热点领域", errors=errors)
    unit_obj = None if unit in ("", UNSENT) else _by_pk(Org, unit, field="unit", label="责任单位", errors=errors)
    if errors:
        raise ValidationError(errors)
    return StatsFilters(start=period[0], end=period[1], org=org_obj, channel=channel, category=category_obj,
                        hot_topic=topic_obj, unit=unit_obj, unsent=unit == UNSENT)


def _by_pk(model, value: str, *, field: str, label: str, errors: dict[str, list[str]]):
    if not value:
        return None
    pk = validate_db_id(value)  # ASCII digits within BIGINT: "²" or 2^64 name nothing (and must not crash)
    found = model.objects.filter(pk=pk).first() if pk is not None else None
    if found is None:
        errors[field] = [f"没有编号为“{value}”的{label}"]
    return found


def stats_petitions(*, user: User | None, filters: StatsFilters) -> QuerySet[Petition]:
    """The petitions statistics may count for this user: their scope, then the org subtree and filters.

    `user=None` is the command line's administrator (everything). The org must lie inside the user's scope:
    asking for another county's figures is refused, not answered with zeros.
    """
    if user is not None and not user.is_superuser and user.org_id is None:
        raise PermissionDenied("当前用户未分配所属机构，不能查看统计")
    base = Petition.objects.all() if user is None else petitions_visible_to(user=user)
    if filters.org is not None:
        scope = None if user is None else user_scope_org_ids(user=user)
        if scope is not None and filters.org.pk not in scope:
            raise PermissionDenied(f"“{filters.org.name}”不在您的数据范围内")
        ids = list(org_subtree(org=filters.org).values_list("pk", flat=True))
        # By unit: matters registered by, located in or sent to the org's subtree (the same rule as scope).
        base = base.filter(Q(registering_org_id__in=ids) | Q(locality_id__in=ids) | Q(handling_org_id__in=ids))
    if filters.channel:
        base = base.filter(channel=filters.channel)
    if filters.category is not None:
        base = base.filter(Q(category_id=filters.category.pk) | Q(category__parent_id=filters.category.pk))
    if filters.hot_topic is not None:
        base = base.filter(hot_topics=filters.hot_topic)
    if filters.unit is not None:
        base = base.filter(handling_org=filters.unit)
    elif filters.unsent:
        base = base.filter(handling_org__isnull=True)
    return base


def stats_query(*, user: User | None, filters: StatsFilters, today: date | None = None) -> StatsQuery:
    # Unordered: the default order (received_at) would walk that index over every petition (0.9 s at 1,000,000)
    # instead of the complained_org index.
    hidden = () if user is None else tuple(petitions_hidden_from(user=user).order_by().values_list("pk", flat=True))
    by_unit = filters.unit is not None or filters.unsent
    # Sources counted by a unit of their own (督办, 建议, refusals) read the 责任单位 filter as their row's unit.
    any_unit = stats_petitions(user=user, filters=replace(filters, unit=None, unsent=False)) if by_unit else None
    return StatsQuery(start=filters.start, end=filters.end, petitions=stats_petitions(user=user, filters=filters),
                      today=today or timezone.localdate(), hidden=hidden, user=user,
                      unit_id=filters.unit.pk if filters.unit is not None else None, unsent=filters.unsent,
                      any_unit=any_unit,
                      narrowed=bool(filters.org or filters.channel or filters.category or filters.hot_topic),
                      view=rollup.view_for(user=user, channel=filters.channel, category=filters.category,
                                           unit=filters.unit, unsent=filters.unsent, org=filters.org,
                                           hot_topic=filters.hot_topic))


def scope_orgs(*, user: User) -> QuerySet[Org]:
    """Orgs the user may pick as the unit of a statistic (their scope's subtree)."""
    root = None if user.is_superuser else user_scope_root(user=user)
    if root is None:
        return Org.objects.all() if user.is_superuser else Org.objects.none()
    return org_subtree(org=root)


# --- the dashboard's figures --------------------------------------------------------------------------

CARD_KEYS = ("registered", "person_times", "first_petitions", "repeat_ratio", "online_ratio", "group_visits",
             "timely_acceptance_rate", "on_time_completion_rate", "satisfaction_rate", "evaluation_rate",
             "completion_rate", "resolution_rate", "overdue", "reviews_requested")
UNSENT_LABEL = "未转送（信访部门办理）"


@dataclass(frozen=True)
class UnitRow:
    org_id: int | None
    name: str
    figures: dict[str, Figure]
    average: Decimal | None  # of the three rates that have a value; None when none has


@dataclass(frozen=True)
class Dashboard:
    comparisons: dict[str, Comparison]
    trend: list[tuple[PeriodSlice, dict[str, Figure]]]
    categories: list[tuple[int, str, int]]  # top ten: (category id, name, registered)
    units: list[UnitRow]  # ranked by the average of the three rates
    overdue: QuerySet[Petition]


def stats_dashboard(*, q: StatsQuery, top: int = 10) -> Dashboard:
    """Everything the dashboard shows, in a few grouped queries per period."""
    shown = [INDICATORS_BY_KEY[key] for key in CARD_KEYS] + [INDICATORS_BY_KEY[f"channel_{c}"] for c in Channel.values]
    # One grouped evaluation gives both the unit ranking and, added up, the cards (each matter has one unit).
    by_unit = compute(q, by="unit", indicators=shown)
    comparisons = compute_with_comparisons(q, shown, current=combine(by_unit, shown))
    # The trend: the period's months, or the twelve months up to its end for a short period.
    months = split_period(q.start, q.end, step="month")
    if len(months) < 2:
        months = split_period((q.end.replace(day=1) - timedelta(days=330)).replace(day=1), q.end, step="month")
    trend_keys = [INDICATORS_BY_KEY["registered"], INDICATORS_BY_KEY["person_times"]]
    trend = [(month, compute_totals(q.shifted(month.start, month.end), trend_keys)) for month in months]
    by_category = compute(q, by="category", indicators=[INDICATORS_BY_KEY["registered"]])
    names = dict(Category.objects.filter(pk__in=[key for key in by_category if key]).values_list("pk", "name"))
    categories = sorted(((pk, names.get(pk, "未分类"), figures["registered"].value)
                         for pk, figures in by_category.items() if pk and figures["registered"].value),
                        key=lambda row: (-row[2], row[1]))[:top]
    org_names = dict(Org.objects.filter(pk__in=[key for key in by_unit if key]).values_list("pk", "name"))
    units = []
    for org_id, figures in by_unit.items():
        values = [figures[key].value for key in THREE_RATES if figures[key].value is not None]
        units.append(UnitRow(org_id, org_names.get(org_id, UNSENT_LABEL), figures,
                             sum(values) / len(values) if values else None))
    units.sort(key=lambda unit: (unit.average is None, -(unit.average or 0), unit.name))
    # The 20 ids first, then their rows: sorting the candidates' full joined rows costs more than the ids.
    oldest = list(_overdue_petitions(q).order_by("received_at", "id").values_list("pk", flat=True)[:20])
    overdue = (Petition.objects.filter(pk__in=oldest).select_related("category__parent", "locality", "handling_org")
               .order_by("received_at", "id"))
    return Dashboard(comparisons, trend, categories, units, overdue)


def _overdue_petitions(q: StatsQuery) -> QuerySet[Petition]:
    """The overdue drill-down's petitions (the same measure, the same rows), found from the clocks' index.

    The candidate clocks are the two conjuncts of the overdue condition that the (stopped_on, statutory_due)
    index answers alone (due before the day, not stopped by then): a few thousand rows found in a few ms,
    where the whole condition makes SQLite walk every clock by due date (0.6 s at 1,000,000 petitions). The
    measure's own condition is then applied to those rows, so the set is exactly the drill-down's.
    """
    measure = INDICATORS_BY_KEY["overdue"].numerator
    candidates = Clock.objects.filter(Q(stopped_on__isnull=True) | Q(stopped_on__gt=q.as_of),
                                      statutory_due__lt=q.as_of).values("pk")
    rows = measure.source.model.objects.filter(pk__in=candidates).filter(measure.source.where(q)
                                                                         & measure.condition(q))
    return q.petitions.filter(pk__in=rows.values(measure.source.petition_path))


# --- the drill-down list ------------------------------------------------------------------------------

DRILLDOWN_ORDER = ("-received_at", "-id")


@dataclass(frozen=True)
class DrilldownList:
    rows: QuerySet[Petition]  # newest first
    total: int  # 件: always the figure's count
    person_times: int | None  # 人次 of the list; None when not counted (the total came from the rollup)


def drilldown_list(q: StatsQuery, indicator: Indicator, part: str, figure: Figure) -> DrilldownList:
    """The petitions behind a figure, with their total.

    When the rollup answers the figure (a closed calendar period, filters the cells hold), the total is the
    figure itself and the rows are found by walking the petitions newest first and testing each against the
    measure's rows (EXISTS), which stops after a page: no COUNT over the live list (10.9 s for a year's
    按期办结率 denominator at 1,000,000 petitions). Otherwise the list is counted live, with its 人次.
    """
    measure = indicator.measure(part)
    if (measure.source in rollup.HEAVY and not measure.sum_person_times and not measure.count_rows
            and rollup.reader(q, by=None, indicators=[indicator]) is not None):
        total = figure.denominator if indicator.denominator is not None and part == "denominator" else figure.numerator
        return DrilldownList(_walkable_petitions(q, measure).order_by(*DRILLDOWN_ORDER), total, None)
    queryset = measure.petitions(q)
    totals = queryset.aggregate(cases=Count("pk"), person_times=Sum("person_times"))
    return DrilldownList(queryset.order_by(*DRILLDOWN_ORDER), totals["cases"], totals["person_times"] or 0)


def _walkable_petitions(q: StatsQuery, measure) -> QuerySet[Petition]:
    """`measure.petitions(q)` written so that newest-first with a LIMIT walks the receipt index and stops.

    The same set: EXISTS on the measure's rows instead of IN (the IN list is every matching row of the
    period, read before the first petition). Bounded by the period's end: each row counted by a clock or an
    evaluation source is dated by the period's end (started, rated), and no step is dated before the petition
    was received (workflow.services refuses it; the first clock starts on the receipt day), so no petition
    received later can be counted. Without the bound the walk would cross every later petition first.
    """
    if measure.source is PETITIONS:  # its condition holds the receipt range
        return measure.petitions(q)
    source = measure.source
    rows = source.model.objects.filter(source.where(q), **{source.petition_path: OuterRef("pk")})
    result = q.petitions.filter(Exists(rows.filter(measure.condition(q))))
    if measure.minus is not None:
        result = result.exclude(Exists(rows.filter(measure.minus(q))))
    return result.filter(received_at__lt=q.received_range()[1])
