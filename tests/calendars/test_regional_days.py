"""An org's own rest days and workdays: inherited by its subtree, nearer orgs overriding farther ones.

The dates are fictional (a 雪顿节 on Wednesday 12 – Friday 14 August 2026), chosen clear of national holidays.
"""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from xinfang.audit.models import AuditEvent
from xinfang.calendars.models import OrgCalendarDay
from xinfang.calendars.selectors import calendar_for_org
from xinfang.calendars.services import org_calendar_day_remove, org_calendar_day_set
from xinfang.calendars.signals import org_calendar_changed
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create

pytestmark = pytest.mark.django_db

REST = OrgCalendarDay.Kind.REST
WORK = OrgCalendarDay.Kind.WORK
SHOTON = [date(2026, 8, 12), date(2026, 8, 13), date(2026, 8, 14)]


def _set_shoton_on(org) -> None:
    for day in SHOTON:
        org_calendar_day_set(org=org, day=day, kind=REST, name="雪顿节", actor=None)


def test_a_regions_rest_day_moves_a_county_below_it_and_not_a_county_elsewhere(tree):
    # given: the province-level region rests for 雪顿节
    _set_shoton_on(tree.region)
    # when: 5 days from Friday 2026-08-07 end on Wednesday the 12th
    county = calendar_for_org(org=tree.county).add_days(date(2026, 8, 7), 5)
    elsewhere = calendar_for_org(org=tree.elsewhere).add_days(date(2026, 8, 7), 5)
    # then: the county two levels below moves past the festival and the weekend; the other county does not
    assert (county.due, county.rolled_from) == (date(2026, 8, 17), date(2026, 8, 12))
    assert "期满日 08-12 为休息日，顺延至下一个工作日" in county.explain()
    assert elsewhere.due == date(2026, 8, 12)
    # and in working days the festival is skipped and named
    working = calendar_for_org(org=tree.county).add_workdays(date(2026, 8, 10), 3)
    assert working.due == date(2026, 8, 18)
    assert "跳过地方休息日雪顿节 08-12" in working.explain()
    assert calendar_for_org(org=tree.elsewhere).add_workdays(date(2026, 8, 10), 3).due == date(2026, 8, 13)


def test_a_nearer_orgs_workday_overrides_the_regions_rest_day(tree):
    # given: the region rests 12–14 August; the city between it and the county works on the 13th
    _set_shoton_on(tree.region)
    org_calendar_day_set(org=tree.city, day=date(2026, 8, 13), kind=WORK, name="照常上班", actor=None)
    # when
    county = calendar_for_org(org=tree.county)
    region = calendar_for_org(org=tree.region)
    # then: the county (below the city) works on the 13th; the region itself still rests
    assert county.add_days(date(2026, 8, 7), 5).due == date(2026, 8, 13)
    assert [county.is_workday(day) for day in SHOTON] == [False, True, False]
    assert region.add_days(date(2026, 8, 7), 5).due == date(2026, 8, 17)


def test_the_calendar_of_an_org_costs_two_queries_however_deep(tree, django_assert_num_queries):
    # given
    _set_shoton_on(tree.region)
    org_calendar_day_set(org=tree.city, day=date(2026, 8, 13), kind=WORK, name="照常上班", actor=None)
    # when / then: one for loaded schedules, one for the chain's days
    with django_assert_num_queries(2):
        calendar_for_org(org=tree.county)
    with django_assert_num_queries(1):
        calendar_for_org(org=None)


def test_setting_a_day_again_changes_it_and_removing_it_restores_the_chain(tree):
    # given
    entry = org_calendar_day_set(org=tree.region, day=SHOTON[0], kind=REST, name="雪顿节", actor=None).entry
    # when: set again as a workday, then removed
    changed = org_calendar_day_set(org=tree.region, day=SHOTON[0], kind=WORK, name="补班", actor=None).entry
    assert changed.pk == entry.pk and OrgCalendarDay.objects.count() == 1
    assert calendar_for_org(org=tree.county).is_workday(SHOTON[0])
    org_calendar_day_remove(entry=changed, actor=None)
    # then: nothing is left and every step was audited, the removal with what was removed
    assert not OrgCalendarDay.objects.exists()
    actions = list(AuditEvent.objects.filter(action__startswith="calendar.").values_list("action", "data"))
    assert [action for action, _ in actions] == ["calendar.org_day_set", "calendar.org_day_set",
                                                 "calendar.org_day_remove"]
    assert actions[1][1]["before"] == {"kind": "rest", "name": "雪顿节"}
    assert actions[2][1] == {"org": tree.region.pk, "date": "2026-08-12", "kind": "work", "name": "补班"}


def test_a_day_needs_a_name_and_a_known_kind(tree):
    with pytest.raises(ValidationError) as raised:
        org_calendar_day_set(org=tree.region, day=SHOTON[0], kind="holiday", name=" ", actor=None)
    assert set(raised.value.message_dict) == {"kind", "name"}
    assert not OrgCalendarDay.objects.exists()


def test_an_administrator_sets_days_only_inside_their_own_subtree(tree, district):
    # given: an administrator of the region and one of a county elsewhere, and a handler
    region_admin = user_create(username="region-admin", password=None, org=tree.region, roles=[Role.ADMINISTRATOR])
    other_admin = user_create(username="other-admin", password=None, org=tree.elsewhere, roles=[Role.ADMINISTRATOR])
    # when / then
    org_calendar_day_set(org=tree.county, day=SHOTON[0], kind=REST, name="雪顿节", actor=region_admin)
    with pytest.raises(PermissionDenied, match="不在管辖范围内"):
        org_calendar_day_set(org=tree.region, day=SHOTON[1], kind=REST, name="雪顿节", actor=other_admin)
    with pytest.raises(PermissionDenied):
        org_calendar_day_set(org=district.township_a, day=SHOTON[1], kind=REST, name="某节", actor=district.township_a_user)
    assert OrgCalendarDay.objects.count() == 1


def test_a_change_of_an_orgs_days_is_announced_after_commit(tree, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, org_id, org_path, day, **kwargs):
        received.append((org_id, org_path, day))

    org_calendar_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            org_calendar_day_set(org=tree.region, day=SHOTON[0], kind=REST, name="雪顿节", actor=None)
    finally:
        org_calendar_changed.disconnect(receiver)
    assert received == [(tree.region.pk, tree.region.path, SHOTON[0])]
