"""Loading a year's holiday schedule: deadlines into that year become final, history is kept."""

from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.calendars.conftest import SCHEDULE_2025, SCHEDULE_2027, SCHEDULE_2027_REVISED
from xinfang.audit.models import AuditEvent
from xinfang.audit.services import audit_verify
from xinfang.calendars.models import HolidaySchedule
from xinfang.calendars.selectors import calendar_for_org, loaded_years, schedule_for_year
from xinfang.calendars.services import holiday_schedule_load
from xinfang.calendars.signals import schedule_loaded
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.workdays import ScheduleFileError, parse_schedule_file

pytestmark = pytest.mark.django_db

EXAMPLE_FILE = Path(__file__).parents[2] / "src/xinfang/calendars/data/2027.example.toml"


def test_loading_2027_makes_a_deadline_running_into_it_final_and_correct():
    # given: 15 days from 2026-12-20 end in 2027, a year the package does not know
    before = calendar_for_org(org=None).add_days(date(2026, 12, 20), 15)
    assert (before.due, before.provisional, before.missing_years) == (date(2027, 1, 4), True, (2027,))
    # when
    holiday_schedule_load(text=SCHEDULE_2027, actor=None)
    # then: Monday 4 January is a working day under the loaded schedule, and the date is no longer provisional
    after = calendar_for_org(org=None).add_days(date(2026, 12, 20), 15)
    assert (after.due, after.provisional, after.warning) == (date(2027, 1, 4), False, "")
    assert loaded_years() == [2027]


def test_loading_2027_moves_a_provisional_due_date_that_falls_in_its_holidays():
    # given: 46 days from 2026-12-21 end on Friday 2027-02-05, a working day when only weekends are known
    start = date(2026, 12, 21)
    assert calendar_for_org(org=None).add_days(start, 46).due == date(2027, 2, 5)
    # when
    holiday_schedule_load(text=SCHEDULE_2027, actor=None)
    # then: 5–11 February are the Spring Festival holiday, so the period ends on Friday the 12th
    deadline = calendar_for_org(org=None).add_days(start, 46)
    assert (deadline.due, deadline.rolled_from, deadline.provisional) == (date(2027, 2, 12), date(2027, 2, 5), False)
    assert "跳过春节假期 2027-02-05 至 2027-02-11" in deadline.explain()


def test_a_bad_file_changes_nothing_and_reports_the_parsers_exact_message():
    # given: a current 2027 version, and a file with a make-up "workday" on a Tuesday
    good = holiday_schedule_load(text=SCHEDULE_2027, actor=None).schedule
    bad = SCHEDULE_2027_REVISED.replace("date = 2027-02-13", "date = 2027-02-16")
    with pytest.raises(ScheduleFileError) as expected:
        parse_schedule_file(bad)
    audit_events = AuditEvent.objects.count()
    # when
    with pytest.raises(ScheduleFileError) as raised:
        holiday_schedule_load(text=bad, actor=None)
    # then
    assert str(raised.value) == str(expected.value) == "第1个 [[workdays]]: 2027-02-16 本来就是工作日，调休上班日应为周六或周日"
    assert list(HolidaySchedule.objects.values_list("pk", "is_current")) == [(good.pk, True)]
    assert AuditEvent.objects.count() == audit_events


def test_reloading_a_year_replaces_it_and_keeps_the_old_version():
    # given
    first = holiday_schedule_load(text=SCHEDULE_2027, actor=None).schedule
    # when
    second = holiday_schedule_load(text=SCHEDULE_2027_REVISED, actor=None).schedule
    # then: the revised 元旦 (to Monday 4 January) is used; the first version is still there, superseded
    first.refresh_from_db()
    assert (first.is_current, first.superseded_at is not None, first.file_text) == (False, True, SCHEDULE_2027)
    assert (second.is_current, second.superseded_at) == (True, None)
    assert HolidaySchedule.objects.filter(year=2027).count() == 2
    assert calendar_for_org(org=None).add_days(date(2026, 12, 20), 15).due == date(2027, 1, 5)
    assert schedule_for_year(year=2027).loaded == second
    events = list(AuditEvent.objects.filter(action="calendar.schedule_load").order_by("id"))
    assert [event.data["superseded_id"] for event in events] == [None, first.pk]
    assert audit_verify()[1] is None


def test_a_year_the_official_package_covers_is_refused_without_replace_official():
    # when
    with pytest.raises(ValidationError) as raised:
        holiday_schedule_load(text=SCHEDULE_2025, actor=None)
    # then
    assert "2025年的节假日安排已由官方数据包" in raised.value.messages[0]
    assert "--replace-official" in raised.value.messages[0]
    assert not HolidaySchedule.objects.exists()
    assert calendar_for_org(org=None).is_workday(date(2025, 3, 3))


def test_replace_official_loads_over_the_package_and_the_loaded_year_is_used():
    # when
    loaded = holiday_schedule_load(text=SCHEDULE_2025, actor=None, replace_official=True).schedule
    # then: the fictional rest day of the loaded file now counts, the package's days for 2025 do not
    assert loaded.replaces_official is True
    calendar = calendar_for_org(org=None)
    assert not calendar.is_workday(date(2025, 3, 3))
    assert calendar.is_workday(date(2025, 10, 1))
    assert schedule_for_year(year=2025).origin == "管理员载入的文件（替换了官方数据包）"


def test_the_shipped_example_file_parses_but_cannot_be_loaded_by_mistake():
    # given: the format example, with fictional dates
    text = EXAMPLE_FILE.read_text(encoding="utf-8")
    assert "FORMAT EXAMPLE" in text and parse_schedule_file(text).year == 2027
    # when / then
    with pytest.raises(ValidationError, match="格式示例文件"):
        holiday_schedule_load(text=text, actor=None)
    assert not HolidaySchedule.objects.exists()


def test_only_an_administrator_may_load_a_schedule(district):
    # when / then: a handler is refused, an administrator is recorded as the loader
    with pytest.raises(PermissionDenied):
        holiday_schedule_load(text=SCHEDULE_2027, actor=district.township_a_user)
    admin = user_create(username="calendar-admin", password=None, org=district.county, roles=[Role.ADMINISTRATOR])
    loaded = holiday_schedule_load(text=SCHEDULE_2027, actor=admin).schedule
    assert loaded.loaded_by == admin
    assert AuditEvent.objects.get(action="calendar.schedule_load").actor == admin


def test_schedule_loaded_fires_with_the_year_only_after_commit(django_capture_on_commit_callbacks):
    # given
    received = []

    def receiver(sender, year, schedule_id, **kwargs):
        received.append((year, schedule_id))

    schedule_loaded.connect(receiver)
    try:
        # when: the load's transaction has not committed yet
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            loaded = holiday_schedule_load(text=SCHEDULE_2027, actor=None).schedule
        # then: nothing is sent until it commits, then once, with the year
        assert received == []
        for callback in callbacks:
            callback()
        assert received == [(2027, loaded.pk)]
    finally:
        schedule_loaded.disconnect(receiver)


def test_a_failing_receiver_does_not_hide_a_committed_load(django_capture_on_commit_callbacks, caplog):
    # given
    def broken(sender, **kwargs):
        raise RuntimeError("recompute failed")

    schedule_loaded.connect(broken)
    try:
        # when
        with django_capture_on_commit_callbacks(execute=True):
            loaded = holiday_schedule_load(text=SCHEDULE_2027, actor=None).schedule
    finally:
        schedule_loaded.disconnect(broken)
    # then: the schedule is loaded and the failure is logged
    assert HolidaySchedule.objects.get(is_current=True) == loaded
    assert "recompute failed" in caplog.text


def test_a_failed_load_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ValidationError):
        holiday_schedule_load(text=SCHEDULE_2025, actor=None)
    assert callbacks == []
