"""Clocks on the calendar: holidays with make-up workdays, year boundaries, provisional dates, levels."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from tests.conftest import petition_input
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.petitions.services import petition_register
from xinfang.workflow.clocks import Level, clock_state, clocks_recompute
from xinfang.workflow.models import Clock

pytestmark = pytest.mark.django_db


def register_on(district, category, day: date):
    received = timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0))
    petition, _ = petition_register(data=petition_input(locality=district.township_a, category=category,
                                                        received_at=received), actor=district.clerk)
    return Clock.objects.get(petition=petition, kind=Clock.Kind.DISPOSITION)


def test_a_letter_received_on_the_make_up_sunday_before_national_day_2025(district, category):
    clock = register_on(district, category, date(2025, 9, 28))
    assert clock.statutory_due == date(2025, 10, 13)  # 15 days; 10-13 is a working day
    assert clock.target_due == date(2025, 9, 29)  # 1 working day
    assert clock.provisional is False


def test_a_period_ending_in_the_spring_festival_moves_to_the_first_working_day_after_it(district, category):
    clock = register_on(district, category, date(2026, 2, 1))
    assert clock.statutory_due == date(2026, 2, 24)  # 02-16 falls in 02-15..02-23
    assert "顺延" in clock.explanation


def test_a_deadline_in_a_year_without_a_schedule_is_provisional_and_recomputed_when_loaded(district, category):
    # given: accepted on 2026-11-05, 60 days of handling end in January 2027, not yet scheduled
    from tests.workflow.test_procedure import act

    clock = register_on(district, category, date(2026, 11, 2))
    assert clock.provisional is False  # 11-17: inside 2026
    reviewer = user_create(username="rev", password="pw-123456", org=district.office, roles=[Role.REVIEWER])
    act(clock.petition, "forward", reviewer, on=date(2026, 11, 3), handling_org=district.township_a.pk)
    act(clock.petition, "accept", district.township_a_user, on=date(2026, 11, 5))
    handling = Clock.objects.get(petition=clock.petition, kind=Clock.Kind.HANDLING)
    assert (handling.statutory_due, handling.provisional) == (date(2027, 1, 4), True)
    assert "2027年节假日安排尚未载入" in handling.explanation
    # when nothing has been loaded, recomputing keeps it provisional
    assert clocks_recompute() == 1
    handling.refresh_from_db()
    assert handling.provisional is True


def test_warning_levels_follow_the_policy_thresholds(district, category):
    clock = register_on(district, category, date(2026, 3, 2))  # due 2026-03-17
    assert clock_state(clock=clock, today=date(2026, 3, 10)).level == Level.ON_TIME
    assert clock_state(clock=clock, today=date(2026, 3, 14)).level == Level.APPROACHING
    assert clock_state(clock=clock, today=date(2026, 3, 18)).level == Level.OVERDUE
    assert clock_state(clock=clock, today=date(2026, 4, 17)).level == Level.SERIOUSLY_OVERDUE
