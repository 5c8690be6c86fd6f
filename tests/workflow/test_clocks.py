"""Clocks on the calendar: holidays with make-up workdays, year boundaries, provisional dates, levels."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from tests.conftest import act, petition_input
from tests.workflow.test_procedure import running
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


def test_a_deadline_in_a_year_without_a_schedule_is_provisional_and_recomputed_when_loaded(
        district, category, django_capture_on_commit_callbacks):
    # given: accepted on 2026-11-05, 60 days of handling end in January 2027, not yet scheduled
    clock = register_on(district, category, date(2026, 11, 2))
    assert clock.provisional is False  # 11-17: inside 2026
    reviewer = user_create(username="rev", password="pw-123456", org=district.office, roles=[Role.REVIEWER])
    act(clock.petition, "forward", reviewer, on=date(2026, 11, 3), handling_org=district.township_a.pk)
    act(clock.petition, "accept", district.township_a_user, on=date(2026, 11, 5))
    handling = Clock.objects.get(petition=clock.petition, kind=Clock.Kind.HANDLING)
    assert (handling.statutory_due, handling.provisional) == (date(2027, 1, 4), True)
    assert "2027年节假日安排尚未载入" in handling.explanation
    # when nothing has been loaded, recomputing changes nothing
    assert clocks_recompute() == 0
    # when the 2027 schedule is loaded, the deadline is recomputed on commit and no longer provisional
    from xinfang.calendars.services import holiday_schedule_load

    schedule = """year = 2027\nsource = "test"\n[[holidays]]\nname = "元旦"\nstart = 2027-01-01\nend = 2027-01-04\n"""
    admin = user_create(username="admin2", password="pw-123456", org=district.office, roles=[Role.ADMINISTRATOR])
    with django_capture_on_commit_callbacks(execute=True):
        holiday_schedule_load(text=schedule, actor=admin)
    handling.refresh_from_db()
    assert (handling.statutory_due, handling.provisional) == (date(2027, 1, 5), False)


def test_warning_levels_follow_the_policy_thresholds(district, category):
    clock = register_on(district, category, date(2026, 3, 2))  # due 2026-03-17
    assert clock_state(clock=clock, today=date(2026, 3, 10)).level == Level.ON_TIME
    assert clock_state(clock=clock, today=date(2026, 3, 14)).level == Level.APPROACHING
    assert clock_state(clock=clock, today=date(2026, 3, 18)).level == Level.OVERDUE
    assert clock_state(clock=clock, today=date(2026, 4, 17)).level == Level.SERIOUSLY_OVERDUE


def test_a_regional_rest_day_added_later_moves_the_open_deadlines_of_that_region_only(
        district, category, django_capture_on_commit_callbacks):
    from xinfang.calendars.models import OrgCalendarDay
    from xinfang.calendars.services import org_calendar_day_set

    in_a = register_on(district, category, date(2026, 3, 2))  # due Tuesday 2026-03-17, office's clock
    admin = user_create(username="admin3", password="pw-123456", org=district.office, roles=[Role.ADMINISTRATOR])
    with django_capture_on_commit_callbacks(execute=True):
        org_calendar_day_set(org=district.county, day=date(2026, 3, 17), kind=OrgCalendarDay.Kind.REST,
                             name="地方节日", actor=admin)
    in_a.refresh_from_db()
    assert in_a.statutory_due == date(2026, 3, 18)
    assert "03-17 为休息日，顺延" in in_a.explanation


def test_a_petitioners_window_expires_rather_than_falls_overdue(registered, district, actors):
    act(registered, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    act(registered, "accept", actors.handler, on=date(2026, 3, 5))
    act(registered, "reply", actors.head, on=date(2026, 4, 1), outcome="explained", facts="f", decision="d",
        legal_basis="b")
    act(registered, "deliver", actors.handler, on=date(2026, 4, 3), delivery_method="post")
    window = running(registered, Clock.Kind.REVIEW_WINDOW)
    assert clock_state(clock=window, today=date(2026, 6, 1)).level == Level.EXPIRED
