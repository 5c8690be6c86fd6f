"""Pure arithmetic of periods, percentages and changes: properties, no database."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from xinfang.stats.indicators import Figure, change, percent, previous_period, same_period_last_year, split_period
from xinfang.stats.selectors import period_parse, period_preset

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


@given(days, st.integers(min_value=0, max_value=1200), st.sampled_from(["month", "quarter", "year"]))
def test_split_period_covers_the_range_without_gaps_or_overlaps(start, length, step):
    end = start + timedelta(days=length)
    parts = split_period(start, end, step=step)
    assert parts[0].start == start and parts[-1].end == end
    for before, after in zip(parts, parts[1:], strict=False):
        assert after.start == before.end + timedelta(days=1)


@given(days, st.integers(min_value=0, max_value=800))
def test_the_previous_period_ends_the_day_before(start, length):
    end = start + timedelta(days=length)
    first, last = previous_period(start, end)
    assert last == start - timedelta(days=1) and first <= last


@given(days)
def test_a_whole_month_compares_with_whole_months(day):
    start = day.replace(day=1)
    end = split_period(start, start + timedelta(days=40), step="month")[0].end
    first, last = previous_period(start, end)
    assert first.day == 1 and last == start - timedelta(days=1)
    first, last = same_period_last_year(start, end)
    assert (first.year, first.month, first.day) == (start.year - 1, start.month, 1)
    assert (last + timedelta(days=1)).day == 1  # the last day of that month, 28 February included


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**6))
def test_a_percentage_needs_a_denominator_and_stays_within_bounds(numerator, denominator):
    value = percent(min(numerator, denominator), denominator)
    if denominator == 0:
        assert value is None
    else:
        assert Decimal(0) <= value <= Decimal(100)


def test_changes_of_counts_and_rates():
    assert change(Figure("registered", 47, 47), Figure("registered", 90, 90), kind="count") == Decimal("-47.78")
    assert change(Figure("registered", 5, 5), Figure("registered", 0, 0), kind="count") is None
    rate = Figure("satisfaction_rate", Decimal("90.00"), 9, 10)
    assert change(rate, Figure("satisfaction_rate", Decimal("80.00"), 8, 10), kind="rate") == Decimal("10.00")
    assert change(rate, Figure("satisfaction_rate", None, 0, 0), kind="rate") is None


def test_presets_around_a_day():
    today = date(2025, 2, 14)
    assert period_preset(preset="last_month", today=today) == (date(2025, 1, 1), date(2025, 1, 31))
    assert period_preset(preset="this_quarter", today=today) == (date(2025, 1, 1), date(2025, 3, 31))
    assert period_preset(preset="last_quarter", today=today) == (date(2024, 10, 1), date(2024, 12, 31))
    assert period_parse(start=None, end=None, today=today) == (date(2025, 1, 1), date(2025, 12, 31))
    # the form sends the dates it shows along with the chosen preset: the preset wins
    assert period_parse(start="2020-01-01", end="2020-12-31", preset="this_month", today=today) == (
        date(2025, 2, 1), date(2025, 2, 28))


def test_half_a_range_is_refused():
    with pytest.raises(ValidationError, match="请同时填写开始日期和结束日期"):
        period_parse(start="2025-01-01", end="", today=date(2025, 6, 1))
