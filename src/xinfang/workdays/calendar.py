"""China's working-day calendar: public holidays, make-up workdays (调休上班), regional rest days.

Counting follows docs/REGULATION.md: a period starts the day after the triggering event. In working days, the
due date is the Nth working day after it. In calendar days (日), the due date is the Nth day after it,
and a due date on a rest day moves to the next working day (Civil Code Arts 201, 203).

A year the calendar has no schedule for is counted with weekends only and the deadline is marked
provisional, with a warning saying which year is missing: never a silent guess.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import cache

import chinese_calendar
from chinese_calendar.constants import Holiday


class Unit(StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"


UNIT_LABELS = {Unit.WORKING_DAYS: "个工作日", Unit.CALENDAR_DAYS: "日"}


@dataclass(frozen=True)
class Schedule:
    """One year's official arrangement: holiday rest days and make-up workdays, each with its name."""

    year: int
    rest_days: Mapping[date, str]
    work_days: Mapping[date, str]
    source: str = ""


@cache
def official_schedules() -> dict[int, Schedule]:
    """The State Council schedules that the `chinese-calendar` package knows, by year."""
    rest: dict[int, dict[date, str]] = {}
    work: dict[int, dict[date, str]] = {}
    for day, value in chinese_calendar.holidays.items():
        rest.setdefault(day.year, {})[day] = Holiday(value).chinese
    for day, value in chinese_calendar.workdays.items():
        work.setdefault(day.year, {})[day] = Holiday(value).chinese
    return {
        year: Schedule(year=year, rest_days=rest.get(year, {}), work_days=work.get(year, {}),
                       source="chinese-calendar")
        for year in sorted(set(rest) | set(work))
    }


@dataclass(frozen=True)
class _Span:
    """A run of consecutive skipped holiday days, for the explanation."""

    names: tuple[str, ...]
    first: date
    last: date


@dataclass(frozen=True)
class Deadline:
    """A computed due date and everything needed to explain it."""

    start: date
    length: int
    unit: Unit
    due: date
    provisional: bool = False
    missing_years: tuple[int, ...] = ()
    holidays_skipped: tuple[_Span, ...] = ()
    make_up_workdays: tuple[tuple[date, str], ...] = ()
    regional_rest_days: tuple[tuple[date, str], ...] = ()
    rolled_from: date | None = None  # calendar days: the rest day the period ended on
    notes: tuple[str, ...] = field(default=())

    @property
    def warning(self) -> str:
        if not self.provisional:
            return ""
        years = "、".join(f"{year}年" for year in self.missing_years)
        return f"{years}节假日安排尚未载入，暂按周末推算，截止日期为临时日期，载入后将重新计算"

    def explain(self) -> str:
        """A sentence like 收到 2025-09-28，15 个工作日，跳过国庆节、中秋节假期 10-01 至 10-08，10-11 调休上班，截止 …"""
        parts = [f"自 {self.start:%Y-%m-%d} 起算", f"{self.length} {UNIT_LABELS[self.unit]}"]
        for span in self.holidays_skipped:
            names = "、".join(span.names)
            if span.first == span.last:
                parts.append(f"跳过{names}假期 {_md(span.first, self.start)}")
            else:
                parts.append(f"跳过{names}假期 {_md(span.first, self.start)} 至 {_md(span.last, self.start)}")
        for day, name in self.regional_rest_days:
            parts.append(f"跳过地方休息日{name} {_md(day, self.start)}")
        for day, _name in self.make_up_workdays:
            parts.append(f"{_md(day, self.start)} 调休上班")
        if self.rolled_from is not None:
            parts.append(f"期满日 {_md(self.rolled_from, self.start)} 为休息日，顺延至下一个工作日")
        parts.append(f"截止 {self.due:%Y-%m-%d}")
        text = "，".join(parts)
        if self.provisional:
            text += f"（临时：{self.warning}）"
        return text


def _md(day: date, reference: date) -> str:
    """Month-day within the reference year, the full date across a year boundary."""
    return f"{day:%m-%d}" if day.year == reference.year else f"{day:%Y-%m-%d}"


class WorkCalendar:
    """Working days under the official schedules, plus an org's own rest days and workdays."""

    def __init__(
        self,
        schedules: Mapping[int, Schedule] | None = None,
        *,
        extra_rest_days: Mapping[date, str] | None = None,
        extra_work_days: Mapping[date, str] | None = None,
    ) -> None:
        self.schedules = dict(official_schedules() if schedules is None else schedules)
        self.extra_rest_days = dict(extra_rest_days or {})
        self.extra_work_days = dict(extra_work_days or {})
        # Deadlines already computed: a calendar is not changed after it is made (the with_* methods copy),
        # and a bulk job asks for the same few periods from the same days many times.
        self._deadlines: dict[tuple[date, int, Unit], Deadline] = {}

    def with_schedules(self, schedules: Mapping[int, Schedule]) -> "WorkCalendar":
        """A copy where `schedules` replace or add years (e.g. ones an administrator loaded)."""
        return WorkCalendar({**self.schedules, **schedules}, extra_rest_days=self.extra_rest_days,
                            extra_work_days=self.extra_work_days)

    def with_regional_days(self, *, rest_days: Mapping[date, str], work_days: Mapping[date, str]) -> "WorkCalendar":
        """A copy with a region's own rest days (e.g. 藏历新年) and workdays layered on top."""
        return WorkCalendar(self.schedules, extra_rest_days={**self.extra_rest_days, **rest_days},
                            extra_work_days={**self.extra_work_days, **work_days})

    def is_known(self, year: int) -> bool:
        return year in self.schedules

    def is_workday(self, day: date) -> bool:
        if day in self.extra_rest_days:
            return False
        if day in self.extra_work_days:
            return True
        schedule = self.schedules.get(day.year)
        if schedule is not None:
            if day in schedule.rest_days:
                return False
            if day in schedule.work_days:
                return True
        return day.weekday() < 5

    def _holiday_name(self, day: date) -> str | None:
        schedule = self.schedules.get(day.year)
        return schedule.rest_days.get(day) if schedule is not None else None

    def _make_up_name(self, day: date) -> str | None:
        if day in self.extra_work_days:
            return self.extra_work_days[day]
        schedule = self.schedules.get(day.year)
        if schedule is not None and day.weekday() >= 5:
            return schedule.work_days.get(day)
        return None

    def add_workdays(self, start: date, length: int) -> Deadline:
        """The `length`-th working day after `start` (0: `start` itself)."""
        if length < 0:
            raise ValueError("a period cannot be negative")
        return self._count(start, length, Unit.WORKING_DAYS)

    def add_days(self, start: date, length: int) -> Deadline:
        """`length` calendar days after `start`; a rest day at the end moves to the next working day."""
        if length < 0:
            raise ValueError("a period cannot be negative")
        return self._count(start, length, Unit.CALENDAR_DAYS)

    def add(self, start: date, length: int, unit: Unit | str) -> Deadline:
        key = (start, length, Unit(unit))
        deadline = self._deadlines.get(key)
        if deadline is None:
            deadline = self.add_workdays(start, length) if key[2] == Unit.WORKING_DAYS else self.add_days(start, length)
            self._deadlines[key] = deadline
        return deadline

    def _count(self, start: date, length: int, unit: Unit) -> Deadline:
        examined: list[date] = []
        if length == 0:
            due = start
        elif unit == Unit.WORKING_DAYS:
            remaining = length
            day = start
            while remaining:
                day += timedelta(days=1)
                examined.append(day)
                if self.is_workday(day):
                    remaining -= 1
            due = day
        else:
            examined = [start + timedelta(days=offset) for offset in range(1, length + 1)]
            due = examined[-1]
        rolled_from = None
        if unit == Unit.CALENDAR_DAYS and length and not self.is_workday(due):
            rolled_from = due
            while not self.is_workday(due):
                due += timedelta(days=1)
                examined.append(due)
        missing = tuple(sorted({day.year for day in examined if not self.is_known(day.year)}))
        # In calendar days holidays count like any day; only those the end was moved across are named.
        passed_over = examined if unit == Unit.WORKING_DAYS else [d for d in examined if rolled_from and d >= rolled_from]
        return Deadline(
            start=start, length=length, unit=unit, due=due, provisional=bool(missing), missing_years=missing,
            holidays_skipped=tuple(self._holiday_spans(passed_over)),
            make_up_workdays=tuple((day, name) for day in passed_over if (name := self._make_up_name(day))
                                   and self.is_workday(day)),
            regional_rest_days=tuple((day, self.extra_rest_days[day]) for day in passed_over
                                     if day in self.extra_rest_days),
            rolled_from=rolled_from,
        )

    def _holiday_spans(self, days: list[date]) -> Iterator[_Span]:
        """Group consecutive official holiday rest days (weekends between them included) into spans."""
        current: list[date] = []
        names: list[str] = []
        for day in days:
            name = self._holiday_name(day)
            if name is not None and day not in self.extra_work_days:
                if current and (day - current[-1]).days > 1:
                    yield _Span(tuple(names), current[0], current[-1])
                    current, names = [], []
                current.append(day)
                if name not in names:
                    names.append(name)
        if current:
            yield _Span(tuple(names), current[0], current[-1])
