"""补录 in the statistics (issue 12 item 3): figures keep the legal date; late entries are counted by unit."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from tests.conftest import act, petition_input
from xinfang.petitions.services import petition_register
from xinfang.stats.indicators import INDICATORS_BY_KEY, compute, compute_totals
from xinfang.stats.selectors import StatsFilters, stats_query
from xinfang.workflow.models import Clock
from xinfang.workflow.services import petition_act, petition_correct

pytestmark = pytest.mark.django_db


def days_ago(days: int):
    return timezone.localdate() - timedelta(days=days)


def query(start, end):
    return stats_query(user=None, filters=StatsFilters(start=start, end=end))


@pytest.fixture
def two(district, category, actors):
    received = timezone.make_aware(datetime.combine(days_ago(40), time(9, 30)))
    return [petition_register(data=petition_input(locality=district.township_a, category=category,
                                                  received_at=received), actor=district.clerk)[0]
            for _ in range(2)]


def test_late_entries_are_counted_by_the_unit_that_entered_them_on_the_legal_date(two, district, actors):
    first, second = two
    # The office forwards the first late (yesterday) and the second today; the township accepts the first late.
    petition_act(petition_id=first.pk, action="forward", actor=actors.reviewer, acted_on=days_ago(1),
                 values={"handling_org": district.township_a.pk})
    act(second, "forward", actors.reviewer, handling_org=district.township_a.pk)
    petition_act(petition_id=first.pk, action="accept", actor=actors.handler, acted_on=days_ago(1))
    q = query(days_ago(1), days_ago(1))
    totals = compute_totals(q)
    assert totals["late_entries"].value == 2 and totals["late_entries_beyond_window"].value == 0
    assert set(INDICATORS_BY_KEY["late_entries"].petitions(q)) == {first}
    by_unit = compute(q, by="unit")
    assert by_unit[district.office.pk]["late_entries"].value == 1
    assert by_unit[district.township_a.pk]["late_entries"].value == 1
    # Counted on the legal date: nothing today.
    today = timezone.localdate()
    assert compute_totals(query(today, today))["late_entries"].value == 0


def test_a_late_forward_counts_on_its_legal_date_and_is_listed_beyond_the_window(two, district, actors):
    first, _ = two
    disposition = Clock.objects.get(petition=first, kind=Clock.Kind.DISPOSITION)
    assert disposition.statutory_due < days_ago(20)  # 15 days from 40 days ago: overdue by now
    # Forwarded "on" 30 days ago, entered today by a reviewer with a reason: on time by the legal date, as the
    # Regulation counts it, but listed as a late entry beyond the window.
    petition_act(petition_id=first.pk, action="forward", actor=actors.reviewer, acted_on=days_ago(30),
                 values={"handling_org": district.township_a.pk, "backdate_reason": "纸质转送单已于当日寄出"})
    disposition.refresh_from_db()
    assert disposition.stopped_on == days_ago(30) and disposition.met
    q = query(days_ago(35), timezone.localdate())
    totals = compute_totals(q)
    assert totals["late_entries"].value == 1 and totals["late_entries_beyond_window"].value == 1
    assert set(INDICATORS_BY_KEY["late_entries_beyond_window"].petitions(q)) == {first}


def test_a_corrected_late_entry_no_longer_counts(two, district, actors):
    first, _ = two
    petition_act(petition_id=first.pk, action="forward", actor=actors.reviewer, acted_on=days_ago(1),
                 values={"handling_org": district.township_a.pk})
    petition_correct(petition_id=first.pk, actor=actors.reviewer, reason="单位选错")
    assert compute_totals(query(days_ago(1), days_ago(1)))["late_entries"].value == 0


def test_a_supervisor_drills_into_the_late_entries_and_sees_both_dates(client, two, district, actors):
    from xinfang.orgs.models import Role
    from xinfang.orgs.services import user_create

    first, _ = two
    petition_act(petition_id=first.pk, action="forward", actor=actors.reviewer, acted_on=days_ago(1),
                 values={"handling_org": district.township_a.pk})
    supervisor = user_create(username="ducha", password="pw-123456", org=district.office, roles=[Role.SUPERVISOR])
    client.force_login(supervisor)
    day = days_ago(1).isoformat()
    drill = client.get(f"/stats/indicators/late_entries/?start={day}&end={day}").content.decode()
    assert "补录办理操作数" in drill and first.number in drill
    case = client.get(f"/petitions/{first.pk}/").content.decode().split('class="timeline"')[1]
    assert "补录" in case and "录入日期" in case
