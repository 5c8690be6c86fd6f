"""Deadline warnings: once per (clock, level) and recipient, to the right people, never into the accused unit."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from tests.conftest import act, petition_input
from xinfang.calendars.selectors import calendar_for_org
from xinfang.notifications.models import ContactPoint, DeadlineWarning, Notification, WarningLevel
from xinfang.notifications.services import deadlines_scan
from xinfang.notifications.sms import MemorySmsBackend
from xinfang.notifications.tasks import deadlines_scan_once
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.petitions.models import PetitionType
from xinfang.petitions.services import petition_register
from xinfang.workflow.clocks import clock_start
from xinfang.workflow.models import Clock

pytestmark = pytest.mark.django_db


def warnings_of(clock, level):
    return Notification.objects.filter(warning__clock=clock, warning__level=level)


def test_an_overdue_clock_yields_one_overdue_warning_per_recipient_across_two_scans(case):
    late = case.clock.statutory_due + timedelta(days=3)
    first = deadlines_scan(today=late)
    second = deadlines_scan(today=late)
    assert first.warnings >= 1 and second.warnings == 0
    assert DeadlineWarning.objects.filter(clock=case.clock).count() == 1
    notes = warnings_of(case.clock, WarningLevel.OVERDUE)
    assert sorted(n.recipient.username for n in notes) == sorted(
        [case.handler.username, case.head.username, case.supervisor.username])
    assert all(n.title.startswith("【超期】") and n.petition_id == case.petition.pk for n in notes)


def test_an_assigned_matter_warns_its_assignee_and_not_the_units_other_handlers(case, district):
    other = user_create(username="qingshi-2", password="pw-123456", org=district.township_a, roles=[Role.HANDLER])
    act(case.petition, "assign_handler", case.head, on=date(2026, 3, 5), assignee=other.pk)
    deadlines_scan(today=case.clock.statutory_due + timedelta(days=3))
    assert sorted(n.recipient.username for n in warnings_of(case.clock, WarningLevel.OVERDUE)) == sorted(
        [other.username, case.head.username, case.supervisor.username])


def test_an_approaching_clock_yields_one_approaching_warning(case):
    calendar = calendar_for_org(org=case.clock.org)
    due = case.clock.statutory_due
    # three working days before: not yet; two working days before (policy default): 临期
    day = due - timedelta(days=1)
    while calendar.add_workdays(day, 2).due >= due:
        day -= timedelta(days=1)
    assert deadlines_scan(today=day).warnings == 0 or not warnings_of(case.clock, WarningLevel.APPROACHING)
    day += timedelta(days=1)
    deadlines_scan(today=day)
    deadlines_scan(today=day)
    assert warnings_of(case.clock, WarningLevel.APPROACHING).count() == 3
    assert set(warnings_of(case.clock, WarningLevel.APPROACHING).values_list("title", flat=True)) == {
        f"【临期】{case.petition.number} 办理期限"}


def test_each_level_is_raised_once_as_the_clock_ages(case):
    due = case.clock.statutory_due
    for day in (due, due + timedelta(days=1), due + timedelta(days=2), due + timedelta(days=31), due + timedelta(days=40)):
        deadlines_scan(today=day)
    levels = list(DeadlineWarning.objects.filter(clock=case.clock).order_by("id").values_list("level", flat=True))
    assert levels == [WarningLevel.APPROACHING, WarningLevel.OVERDUE, WarningLevel.SERIOUSLY_OVERDUE]


def test_a_stopped_or_paused_clock_is_not_warned(case):
    case.clock.paused_since = case.clock.statutory_due - timedelta(days=10)
    case.clock.save()
    deadlines_scan(today=case.clock.statutory_due + timedelta(days=5))
    assert not DeadlineWarning.objects.filter(clock=case.clock).exists()


def test_nobody_inside_the_accused_unit_is_warned_about_an_accusation(district, category, actors, case):
    accusation, _ = petition_register(data=petition_input(
        locality=district.township_a, category=category, petition_type=PetitionType.ACCUSATION,
        complained_org_id=district.township_a.pk), actor=district.clerk)
    # A clock on the accused unit itself (as a mistaken import might leave it): its users still hear nothing.
    clock = clock_start(petition=accusation, kind=Clock.Kind.HANDLING, org=district.township_a,
                        started_on=date(2026, 3, 4))
    deadlines_scan(today=clock.statutory_due + timedelta(days=2))
    recipients = set(warnings_of(clock, WarningLevel.OVERDUE).values_list("recipient__username", flat=True))
    assert recipients == {case.supervisor.username}
    inside = {case.handler.username, case.head.username}
    assert not Notification.objects.filter(petition=accusation, recipient__username__in=inside).exists()
    assert not any(accusation.number in m.body for m in mail.outbox if set(m.to) & {"handler@example.cn",
                                                                                   "head@example.cn"})


def test_email_is_sent_once_and_sms_through_the_gateway(case, settings):
    settings.XINFANG_SMS_BACKEND = "xinfang.notifications.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    ContactPoint.objects.create(user=case.head, mobile="13900001111")
    mail.outbox.clear()
    late = case.clock.statutory_due + timedelta(days=3)
    deadlines_scan(today=late)
    deadlines_scan(today=late)
    handling = [m for m in mail.outbox if case.petition.number in m.subject and "办理期限" in m.subject]
    assert sorted(m.to[0] for m in handling) == ["duban@example.cn", "handler@example.cn", "head@example.cn"]
    assert f"/petitions/{case.petition.pk}/" in handling[0].body
    assert [phone for phone, text in MemorySmsBackend.outbox if "办理期限" in text] == ["13900001111"]


def test_the_task_and_the_cron_command_run_the_same_scan(case, capsys):
    # Today the March case is long past due: the task (run at once by the test settings' immediate backend)
    # raises 严重超期 for the three; the cron command, run after it, finds nothing left to raise.
    result = deadlines_scan_once.enqueue()
    assert result.return_value == {"warnings": 1, "notifications": 3, "delivered": 3}
    assert DeadlineWarning.objects.get(clock=case.clock).level == WarningLevel.SERIOUSLY_OVERDUE
    call_command("deadlines", "scan")
    assert "预警 0 条" in capsys.readouterr().out


def test_the_bell_shows_the_unread_count_and_the_list_marks_read(client, case):
    deadlines_scan(today=case.clock.statutory_due + timedelta(days=3))
    unread = Notification.objects.filter(recipient=case.handler, read_at__isnull=True).count()
    assert unread >= 1
    client.force_login(case.handler)
    page = client.get("/petitions/")
    assert f'<span class="bell-count">{unread}</span>' in page.content.decode()
    listing = client.get("/notifications/")
    assert f"【超期】{case.petition.number}" in listing.content.decode()
    assert not Notification.objects.filter(recipient=case.handler, read_at__isnull=True).exists()
    assert 'class="bell-count"' not in client.get("/petitions/").content.decode()


def test_the_list_shows_only_ones_own(client, case, district):
    deadlines_scan(today=case.clock.statutory_due + timedelta(days=3))
    other = user_create(username="other", password="pw-123456", org=district.township_b, roles=[Role.HANDLER])
    client.force_login(other)
    assert case.petition.number not in client.get("/notifications/").content.decode()
