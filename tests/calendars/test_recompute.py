"""A calendar change moves the open deadlines it touches, in its own transaction, and says so.

Dates: in December 2026 the 2027 schedule is not in the package. An objection period (5 working days,
Art 23 ¶3) started on Tuesday 2026-12-29 ends on 2027-01-05 counted with weekends only, on 01-06 with the
test schedule (元旦 Fri 1 – Sun 3 January), and on 01-07 once the schedule is corrected (元旦 until Monday 4).
"""

import io
from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.calendars.conftest import SCHEDULE_2027, SCHEDULE_2027_REVISED
from tests.conftest import ID_LI, ID_WANG, petition_input
from xinfang.audit.models import AuditEvent
from xinfang.calendars.models import HolidaySchedule, OrgCalendarDay
from xinfang.calendars.services import holiday_schedule_load, org_calendar_day_remove, org_calendar_day_set
from xinfang.calendars.signals import calendar_days_changed
from xinfang.petitions.models import PetitionEvent
from xinfang.petitions.services import PetitionerInput, petition_register
from xinfang.workflow.clocks import RECOMPUTED_EVENT, clock_start, clock_stop
from xinfang.workflow.models import Clock

pytestmark = pytest.mark.django_db

OBJECTION = Clock.Kind.OBJECTION


def _register(district, category, day: date, *, who: str, id_number: str):
    # Registered in November (a receipt cannot be in the future), so the office's own 15 days end in
    # November; the periods under test are started directly in late December. Different people and texts:
    # unrelated matters, not repeats of one another.
    received = timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0))
    petition, _ = petition_register(data=petition_input(
        locality=district.township_a, category=category, received_at=received,
        summary=f"{who}反映道路破损", content=f"{who}反映村道破损多年无人维修。",
        petitioners=[PetitionerInput(name=who, id_number=id_number, phone="13912345678", address="清溪区白沙镇")],
    ), actor=district.clerk)
    return petition


def _objection(district, petition, started_on: date, *, org=None) -> Clock:
    return clock_start(petition=petition, kind=OBJECTION, org=org or district.township_a, started_on=started_on)


def _load(tmp_path, text: str) -> str:
    path = tmp_path / "2027.toml"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("holidays", "load", str(path), stdout=out)
    return out.getvalue()


def _recompute_events(petition) -> list[PetitionEvent]:
    return list(PetitionEvent.objects.filter(petition=petition, kind=RECOMPUTED_EVENT).order_by("id"))


def test_a_corrected_schedule_moves_a_deadline_already_computed_on_the_old_one_and_says_so(
        district, category, tmp_path):
    # given: an objection period running across New Year, provisional until 2027 is loaded
    petition = _register(district, category, date(2026, 11, 2), who="李四", id_number=ID_LI)
    clock = _objection(district, petition, date(2026, 12, 29))
    assert (clock.statutory_due, clock.provisional) == (date(2027, 1, 5), True)
    first_output = _load(tmp_path, SCHEDULE_2027)
    clock.refresh_from_db()
    assert (clock.statutory_due, clock.provisional) == (date(2027, 1, 6), False)
    assert f"{petition.number}  异议期  法定截止 2027-01-05 → 2027-01-06（临时日期已确定）" in first_output
    # when: a corrected schedule makes Monday 4 January, inside the period, a rest day
    output = _load(tmp_path, SCHEDULE_2027_REVISED)
    # then: the due date moves by one working day and is explained with the new holiday
    clock.refresh_from_db()
    assert (clock.statutory_due, clock.provisional) == (date(2027, 1, 7), False)
    assert "跳过元旦假期 2027-01-01 至 2027-01-04" in clock.explanation
    # and the output names it: how many moved, the petition, the clock, old → new
    schedule = HolidaySchedule.objects.get(is_current=True)
    assert f"已按2027年节假日安排（#{schedule.pk}）重新计算 1 个未届满的期限，其中 1 个法定截止日期改变" in output
    assert f"  {petition.number}  异议期  法定截止 2027-01-06 → 2027-01-07\n" in output
    # and the case history says why, naming the schedule, as the audit log does for the clock
    event = _recompute_events(petition)[-1]
    assert event.label == "期限重算"
    assert event.note == f"因重新载入2027年节假日安排（#{schedule.pk}）重新计算：异议期  法定截止 2027-01-06 → 2027-01-07"
    assert event.data["schedule_id"] == schedule.pk
    assert event.data["statutory_due"] == ["2027-01-06", "2027-01-07"]
    audit = AuditEvent.objects.filter(action="workflow.clock_recompute").order_by("id").last()
    assert (audit.target_id, audit.data["schedule_id"]) == (str(clock.pk), schedule.pk)


def test_a_deadline_whose_window_has_no_changed_day_and_a_stopped_one_do_not_move(district, category, tmp_path):
    # given: the 2027 schedule is loaded; a period that ended before New Year, and one stopped on 12-30
    _load(tmp_path, SCHEDULE_2027)
    earlier = _register(district, category, date(2026, 11, 9), who="王五", id_number=ID_WANG)
    untouched = _objection(district, earlier, date(2026, 12, 21))
    assert untouched.statutory_due == date(2026, 12, 28)
    later = _register(district, category, date(2026, 11, 2), who="李四", id_number=ID_LI)
    stopped = _objection(district, later, date(2026, 12, 29))
    assert stopped.statutory_due == date(2027, 1, 6)
    clock_stop(clock=stopped, stopped_on=date(2026, 12, 30))
    before = {clock.pk: (clock.statutory_due, clock.updated_at) for clock in Clock.objects.all()}
    # when: the corrected schedule makes 01-04 a rest day
    output = _load(tmp_path, SCHEDULE_2027_REVISED)
    # then: nothing moved and nothing was rewritten; the stopped clock keeps the date it was met by
    assert {clock.pk: (clock.statutory_due, clock.updated_at) for clock in Clock.objects.all()} == before
    assert "没有未届满的期限受影响，截止日期均未改变。" in output
    assert not PetitionEvent.objects.filter(kind=RECOMPUTED_EVENT).exists()
    stopped.refresh_from_db()
    assert stopped.met is True


def test_the_recomputation_is_part_of_the_loads_transaction(district, category, django_capture_on_commit_callbacks):
    # given
    petition = _register(district, category, date(2026, 11, 2), who="李四", id_number=ID_LI)
    clock = _objection(district, petition, date(2026, 12, 29))
    holiday_schedule_load(text=SCHEDULE_2027, actor=None)
    # when: the corrected load has not committed yet
    with django_capture_on_commit_callbacks(execute=False):
        result = holiday_schedule_load(text=SCHEDULE_2027_REVISED, actor=None)
        clock.refresh_from_db()
        # then: the deadline has already moved, within the same transaction, and the load reports it
        assert clock.statutory_due == date(2027, 1, 7)
    assert [(change.petition_number, change.old_due, change.new_due) for change in result.recomputed] == [
        (petition.number, date(2027, 1, 6), date(2027, 1, 7))]


def test_a_failing_recomputation_undoes_the_load(district, category):
    # given
    petition = _register(district, category, date(2026, 11, 2), who="李四", id_number=ID_LI)
    clock = _objection(district, petition, date(2026, 12, 29))
    holiday_schedule_load(text=SCHEDULE_2027, actor=None)

    def broken(sender, **kwargs):
        raise RuntimeError("recompute failed")

    calendar_days_changed.connect(broken)
    try:
        # when
        with pytest.raises(RuntimeError):
            holiday_schedule_load(text=SCHEDULE_2027_REVISED, actor=None)
    finally:
        calendar_days_changed.disconnect(broken)
    # then: the old schedule is still current and the deadline is where it was: never half done
    assert HolidaySchedule.objects.get(is_current=True).source == "测试用安排（虚构）"
    clock.refresh_from_db()
    assert clock.statutory_due == date(2027, 1, 6)


def test_a_regional_rest_day_moves_the_subtrees_deadlines_with_a_record_and_removing_it_moves_them_back(
        district, category):
    # given: the 2027 schedule; an objection period of the township running to 2027-01-06
    holiday_schedule_load(text=SCHEDULE_2027, actor=None)
    petition = _register(district, category, date(2026, 11, 2), who="李四", id_number=ID_LI)
    clock = _objection(district, petition, date(2026, 12, 29))
    other = _register(district, category, date(2026, 11, 2), who="王五", id_number=ID_WANG)
    elsewhere = _objection(district, other, date(2026, 12, 29), org=district.township_b)
    assert elsewhere.statutory_due == date(2027, 1, 6)
    # when: 青石镇 (not its neighbour 白沙镇) rests on Tuesday 5 January
    change = org_calendar_day_set(org=district.township_a, day=date(2027, 1, 5), kind=OrgCalendarDay.Kind.REST,
                                  name="地方节日", actor=None)
    # then: 青石镇's period moves a working day and is reported and recorded; 白沙镇's does not move
    clock.refresh_from_db()
    assert clock.statutory_due == date(2027, 1, 7)
    assert [change.describe() for change in change.recomputed] == [
        f"{petition.number}  异议期  法定截止 2027-01-06 → 2027-01-07"]
    elsewhere.refresh_from_db()
    assert elsewhere.statutory_due == date(2027, 1, 6)
    assert not _recompute_events(other)
    event = _recompute_events(petition)[-1]
    assert event.note.startswith("因青石镇将 2027-01-05 设为休息日（地方节日）重新计算：异议期")
    assert event.data["org_day"] == change.entry.pk
    # when the day is removed, the period goes back, recorded again
    moved_back = org_calendar_day_remove(entry=change.entry, actor=None)
    clock.refresh_from_db()
    assert clock.statutory_due == date(2027, 1, 6)
    assert [(item.old_due, item.new_due) for item in moved_back] == [(date(2027, 1, 7), date(2027, 1, 6))]
    assert _recompute_events(petition)[-1].note.startswith("因青石镇取消 2027-01-05 的休息日（地方节日）重新计算")


def test_a_regional_day_does_not_move_a_stopped_deadline(district, category):
    holiday_schedule_load(text=SCHEDULE_2027, actor=None)
    petition = _register(district, category, date(2026, 11, 2), who="李四", id_number=ID_LI)
    clock = _objection(district, petition, date(2026, 12, 29))
    clock_stop(clock=clock, stopped_on=date(2026, 12, 30))
    change = org_calendar_day_set(org=district.county, day=date(2027, 1, 5), kind=OrgCalendarDay.Kind.REST,
                                  name="地方节日", actor=None)
    clock.refresh_from_db()
    assert (clock.statutory_due, change.recomputed) == (date(2027, 1, 6), ())
    assert not _recompute_events(petition)
