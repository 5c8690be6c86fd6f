"""Deadlines on China's working-day calendar: pure functions, no database."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.calendars.conftest import SCHEDULE_2027  # one fictional 2027 schedule for every calendar test
from xinfang.workdays import ScheduleFileError, WorkCalendar, parse_schedule_file

CALENDAR = WorkCalendar()



def test_fifteen_working_days_from_a_letter_of_28_september_2025_skip_the_golden_week():
    # 9-29, 9-30, then 10-01..08 off (国庆 + 中秋), 10-11 a Saturday worked in lieu.
    deadline = CALENDAR.add_workdays(date(2025, 9, 28), 15)
    assert deadline.due == date(2025, 10, 24)
    assert deadline.provisional is False
    assert deadline.explain() == (
        "自 2025-09-28 起算，15 个工作日，跳过国庆节、中秋假期 10-01 至 10-08，10-11 调休上班，截止 2025-10-24"
    )


def test_a_calendar_day_period_ending_in_a_holiday_moves_to_the_next_working_day():
    deadline = CALENDAR.add_days(date(2025, 9, 28), 3)
    assert (deadline.rolled_from, deadline.due) == (date(2025, 10, 1), date(2025, 10, 9))
    assert "顺延" in deadline.explain()


def test_a_calendar_day_period_counts_holidays_inside_it():
    # 60 days of handling from 2025-09-20 include the Golden Week; they still count.
    deadline = CALENDAR.add_days(date(2025, 9, 20), 60)
    assert deadline.due == date(2025, 11, 19)
    assert deadline.holidays_skipped == ()


def test_working_days_across_the_spring_festival_2026_with_its_make_up_saturday():
    deadline = CALENDAR.add_workdays(date(2026, 2, 10), 5)
    assert deadline.due == date(2026, 2, 24)
    assert "02-14 调休上班" in deadline.explain()


def test_a_year_without_a_schedule_is_counted_by_weekends_and_marked_provisional():
    deadline = CALENDAR.add_days(date(2026, 12, 20), 15)
    assert deadline.provisional is True
    assert deadline.missing_years == (2027,)
    assert "2027年节假日安排尚未载入" in deadline.explain()


def test_loading_a_schedule_for_the_missing_year_recomputes_the_date_for_real():
    # given: 10 working days from Monday 2026-12-28; without 2027 data, Friday 1 January counts as one
    provisional = CALENDAR.add_workdays(date(2026, 12, 28), 10)
    # when
    loaded = CALENDAR.with_schedules({2027: parse_schedule_file(SCHEDULE_2027)})
    final = loaded.add_workdays(date(2026, 12, 28), 10)
    # then
    assert (provisional.due, provisional.provisional) == (date(2027, 1, 11), True)
    assert (final.due, final.provisional) == (date(2027, 1, 12), False)
    assert "跳过元旦假期 2027-01-01 至 2027-01-03" in final.explain()


def test_a_regions_own_rest_days_move_its_deadlines_and_are_explained():
    # A fictional regional festival on 2026-03-02..03 (e.g. 藏历新年 in the Tibet Autonomous Region).
    tibet = CALENDAR.with_regional_days(rest_days={date(2026, 3, 2): "藏历新年", date(2026, 3, 3): "藏历新年"},
                                        work_days={})
    # Saturday 2026-02-28 is worked in lieu of the Spring Festival everywhere.
    assert CALENDAR.add_workdays(date(2026, 2, 27), 3).due == date(2026, 3, 3)
    regional = tibet.add_workdays(date(2026, 2, 27), 3)
    assert regional.due == date(2026, 3, 5)
    assert "跳过地方休息日藏历新年 03-02" in regional.explain()


@given(start=st.dates(min_value=date(2005, 1, 1), max_value=date(2026, 11, 30)), length=st.integers(1, 90))
def test_a_working_day_deadline_is_a_working_day_with_exactly_n_working_days_after_the_start(start, length):
    deadline = CALENDAR.add_workdays(start, length)
    assert CALENDAR.is_workday(deadline.due)
    days = (start + timedelta(days=offset) for offset in range(1, (deadline.due - start).days + 1))
    assert sum(CALENDAR.is_workday(day) for day in days) == length


@given(start=st.dates(min_value=date(2005, 1, 1), max_value=date(2026, 10, 31)), length=st.integers(1, 60))
def test_a_calendar_day_deadline_is_never_a_rest_day_and_never_early(start, length):
    deadline = CALENDAR.add_days(start, length)
    assert CALENDAR.is_workday(deadline.due)
    assert deadline.due >= start + timedelta(days=length)
    assert all(not CALENDAR.is_workday(start + timedelta(days=d)) for d in range(length, (deadline.due - start).days))


@given(start=st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)), length=st.integers(0, 60))
def test_longer_periods_never_end_earlier_and_zero_changes_nothing(start, length):
    assert CALENDAR.add_workdays(start, 0).due == start
    assert CALENDAR.add_days(start, 0).due == start
    assert CALENDAR.add_workdays(start, length + 1).due > CALENDAR.add_workdays(start, length).due
    assert CALENDAR.add_days(start, length + 1).due >= CALENDAR.add_days(start, length).due


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("year = 2027", "至少应有一个"),
        ("year = 27\n[[holidays]]\nname='元旦'\nstart=2027-01-01", "year"),
        ("year = 2027\n[[holidays]]\nname='元旦'\nstart=2026-12-31", "不在 2027 年"),
        ("year = 2027\n[[holidays]]\nname='元旦'\nstart=2027-01-01\n[[workdays]]\ndate=2027-01-05", "本来就是工作日"),
        ("year = 2027\n[[holidays]]\nstart=2027-01-01", "缺少 name"),
        ("year = = 2027", "不是有效的 TOML"),
    ],
)
def test_a_bad_schedule_file_is_refused_with_a_precise_message(text, message):
    with pytest.raises(ScheduleFileError, match=message):
        parse_schedule_file(text)
