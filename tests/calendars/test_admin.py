"""The admin: schedules are read-only; an org's days are edited through the audited services."""

from datetime import date

import pytest

from tests.calendars.conftest import SCHEDULE_2027
from xinfang.audit.models import AuditEvent
from xinfang.calendars.models import OrgCalendarDay
from xinfang.calendars.services import holiday_schedule_load, org_calendar_day_set
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/calendars/orgcalendarday/add/"


@pytest.fixture
def superuser(db):
    return user_create(username="root", password="pw-root-123", org=None, roles=[], is_superuser=True)


def test_holiday_schedules_can_be_viewed_but_not_added_changed_or_deleted(client, superuser):
    # given
    loaded = holiday_schedule_load(text=SCHEDULE_2027, actor=None).schedule
    client.force_login(superuser)
    # when / then
    assert client.get("/admin/calendars/holidayschedule/").status_code == 200
    assert client.get("/admin/calendars/holidayschedule/add/").status_code == 403
    page = client.get(f"/admin/calendars/holidayschedule/{loaded.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(f"/admin/calendars/holidayschedule/{loaded.pk}/delete/", {"post": "yes"}).status_code == 403


def test_adding_and_deleting_a_day_in_the_admin_goes_through_the_audited_services(client, superuser, tree):
    client.force_login(superuser)
    # when: added
    response = client.post(ADD_URL, {"org": tree.region.pk, "date": "2026-08-12", "kind": "rest", "name": "雪顿节"})
    # then
    assert response.status_code == 302
    entry = OrgCalendarDay.objects.get()
    assert (entry.org, entry.date, entry.kind, entry.name) == (tree.region, date(2026, 8, 12), "rest", "雪顿节")
    assert AuditEvent.objects.filter(action="calendar.org_day_set", actor=superuser).count() == 1
    # when: deleted
    response = client.post(f"/admin/calendars/orgcalendarday/{entry.pk}/delete/", {"post": "yes"})
    # then
    assert response.status_code == 302
    assert not OrgCalendarDay.objects.exists()
    assert AuditEvent.objects.filter(action="calendar.org_day_remove", actor=superuser).count() == 1


def test_an_administrator_sees_and_edits_only_their_subtree_in_the_admin(client, tree):
    # given: a day of the region and one of a county elsewhere; an administrator of the region
    org_calendar_day_set(org=tree.region, day=date(2026, 8, 12), kind="rest", name="雪顿节", actor=None)
    org_calendar_day_set(org=tree.elsewhere, day=date(2026, 8, 12), kind="work", name="补班", actor=None)
    admin = user_create(username="region-admin", password="pw-123456", org=tree.region, roles=[Role.ADMINISTRATOR])
    admin.user_permissions.add(*_calendar_day_permissions())
    client.force_login(admin)
    # when
    listing = client.get("/admin/calendars/orgcalendarday/").content.decode()
    refused = client.post(ADD_URL, {"org": tree.elsewhere.pk, "date": "2026-08-13", "kind": "rest", "name": "某节"})
    # then
    assert "雪顿节" in listing and "补班" not in listing
    assert refused.status_code == 200 and "不在管辖范围内" in refused.content.decode()
    assert OrgCalendarDay.objects.count() == 2


def _calendar_day_permissions():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="calendars", codename__endswith="orgcalendarday")
