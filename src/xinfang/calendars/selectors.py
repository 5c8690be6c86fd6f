"""Reads: the working-day calendar an org's deadlines are computed with, and the schedules known."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet

from xinfang.calendars.models import HolidaySchedule, OrgCalendarDay
from xinfang.orgs.models import Org
from xinfang.workdays import Schedule, WorkCalendar, official_schedules


def loaded_schedules() -> QuerySet[HolidaySchedule]:
    """The current loaded version of each year, oldest year first."""
    return HolidaySchedule.objects.filter(is_current=True).select_related("loaded_by").order_by("year")


def loaded_years() -> list[int]:
    """Years with a current loaded schedule (whether or not it is in effect: see `effective_schedules`)."""
    return list(HolidaySchedule.objects.filter(is_current=True).order_by("year").values_list("year", flat=True))


def schedule_versions(*, year: int) -> QuerySet[HolidaySchedule]:
    """Every version of a year ever loaded, newest first."""
    return HolidaySchedule.objects.filter(year=year).select_related("loaded_by").order_by("-loaded_at", "-id")


def schedule_version_counts() -> dict[int, int]:
    """How many versions of each year were loaded (the current one included)."""
    rows = HolidaySchedule.objects.order_by().values("year").annotate(versions=Count("id"))
    return {row["year"]: row["versions"] for row in rows}


def _in_effect(loaded: HolidaySchedule, official: dict[int, Schedule]) -> bool:
    # The package's State Council data wins, unless the administrator explicitly replaced it; so a
    # year loaded ahead of time gives way to the package once an upgraded package knows that year.
    return loaded.year not in official or loaded.replaces_official


def effective_schedules() -> dict[int, Schedule]:
    """Schedules by year as deadlines use them: the official package plus loaded years in effect (1 query)."""
    official = official_schedules()
    schedules = dict(official)
    for loaded in HolidaySchedule.objects.filter(is_current=True):
        if _in_effect(loaded, official):
            schedules[loaded.year] = loaded.to_schedule()
    return schedules


@dataclass(frozen=True)
class YearSchedule:
    """A year's schedule in effect and where it comes from."""

    schedule: Schedule
    loaded: HolidaySchedule | None  # None: from the official package

    @property
    def origin(self) -> str:
        if self.loaded is None:
            return "官方数据包 chinese-calendar"
        return "管理员载入的文件（替换了官方数据包）" if self.loaded.replaces_official else "管理员载入的文件"


def schedule_for_year(*, year: int) -> YearSchedule | None:
    """The schedule in effect for `year`, or None when the year is unknown (deadlines are provisional)."""
    official = official_schedules()
    loaded = HolidaySchedule.objects.filter(year=year, is_current=True).select_related("loaded_by").first()
    if loaded is not None and _in_effect(loaded, official):
        return YearSchedule(loaded.to_schedule(), loaded)
    if year in official:
        return YearSchedule(official[year], None)
    return None


def org_calendar_days(*, org: Org) -> tuple[dict[date, str], dict[date, str]]:
    """The rest days and workdays `org` inherits from its chain, nearer orgs overriding farther ones (1 query)."""
    depth = {org_id: index for index, org_id in enumerate(org.ancestor_ids)}
    entries = sorted(
        OrgCalendarDay.objects.filter(org_id__in=depth).only("org_id", "date", "kind", "name"),
        key=lambda entry: depth[entry.org_id],
    )
    merged: dict[date, OrgCalendarDay] = {}
    for entry in entries:  # root first, so the nearest org's entry is written last and wins
        merged[entry.date] = entry
    rest_days = {day: entry.name for day, entry in merged.items() if entry.kind == OrgCalendarDay.Kind.REST}
    work_days = {day: entry.name for day, entry in merged.items() if entry.kind == OrgCalendarDay.Kind.WORK}
    return rest_days, work_days


# Inside `calendars_cached()`: org id (None: national) → its calendar, for one bulk job.
_cache: ContextVar[dict[int | None, WorkCalendar] | None] = ContextVar("calendar_cache", default=None)


@contextmanager
def calendars_cached() -> Iterator[None]:
    """Compute each org's calendar once within the block (a bulk job that computes many deadlines).

    Only for work in which schedules and regional days do not change (an import, a recompute).
    """
    token = _cache.set({})
    try:
        yield
    finally:
        _cache.reset(token)


def calendar_for_org(*, org: Org | None) -> WorkCalendar:
    """The calendar `org`'s deadlines are computed with: official and loaded schedules, plus the
    regional days of the org and every org above it. `org=None`: the national calendar. Two queries
    (none inside `calendars_cached()` once the org's calendar was computed)."""
    cache = _cache.get()
    key = org.pk if org is not None else None
    if cache is not None and key in cache:
        return cache[key]
    calendar = _calendar_for_org(org=org)
    if cache is not None:
        cache[key] = calendar
    return calendar


def _calendar_for_org(*, org: Org | None) -> WorkCalendar:
    calendar = WorkCalendar(effective_schedules())
    if org is None:
        return calendar
    rest_days, work_days = org_calendar_days(org=org)
    return calendar.with_regional_days(rest_days=rest_days, work_days=work_days)
