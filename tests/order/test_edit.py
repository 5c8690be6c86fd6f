"""The incident's edit page: facts and persons changed by the recording roles, versioned and audited; a stale
form refused in Chinese; every other role 403/404 with nothing changed; the page's read logged like the record's."""

import pytest
from django.urls import reverse

from xinfang.audit.models import AuditEvent
from xinfang.order.models import OrderIncident
from xinfang.order.services import LEDGER
from xinfang.prevention.history import LedgerVersion

from .conftest import SECRET
from .test_access import AUTHORISED, UNAUTHORISED

pytestmark = pytest.mark.django_db


def _post(incident, district, **overrides):
    data = {"version": incident.version, "occurred_on": "2026-03-02", "place": "区信访接待大厅东门",
            "kind": "trouble_at_reception", "description": SECRET, "locality": district.township_a.pk,
            "add_persons": "", "remove_persons": []}
    data.update(overrides)
    return data


def _state(incident):
    incident.refresh_from_db()
    return (incident.version, incident.place, sorted(incident.persons.values_list("pk", flat=True)),
            LedgerVersion.objects.filter(ledger=LEDGER, record_id=incident.pk).count())


@pytest.mark.parametrize("who", [who for who in AUTHORISED if who != "office_leader"])
def test_a_recorder_edits_facts_and_persons_and_each_edit_is_a_version(client, people, district, incident, who):
    user = getattr(people, who)
    client.force_login(user)
    url = reverse("order:incident-edit", args=[incident.pk])
    before = AuditEvent.objects.filter(action="order.detail_read", actor=user).count()
    page = client.get(url).content.decode()
    assert "修改违法信访行为" in page and "赵*勇" in page and "赵大勇" not in page  # names masked in the form
    assert AuditEvent.objects.filter(action="order.detail_read", actor=user).count() == before + 1

    response = client.post(url, _post(incident, district, add_persons="钱二、孙三"))
    assert response.status_code == 302 and response["Location"] == reverse("order:incident-detail",
                                                                          args=[incident.pk])
    incident.refresh_from_db()
    assert (incident.version, incident.place, incident.persons.count()) == (2, "区信访接待大厅东门", 3)
    version = LedgerVersion.objects.get(ledger=LEDGER, record_id=incident.pk, version=2)
    assert version.action == "修改"
    assert version.changes["发生地点"] == ["区信访接待大厅", "区信访接待大厅东门"]
    assert version.changes["涉及人数"] == [1, 3]
    assert "钱二" not in str(version.data)  # the history shows names masked, as the page does

    qian = next(person for person in incident.persons.all() if person.name == "钱二")
    response = client.post(url, _post(incident, district, remove_persons=[str(qian.pk)]))
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.version == 3 and incident.persons.count() == 2
    event = AuditEvent.objects.filter(action="order.incident_update", actor=user).latest("id")
    assert event.data["persons_removed"] == [qian.pk] and SECRET not in str(event.data)
    assert "第3版" in client.get(reverse("order:incident-detail", args=[incident.pk])).content.decode()


def test_a_stale_form_and_bad_edits_are_refused_in_chinese(client, people, district, incident):
    client.force_login(people.reviewer)
    url = reverse("order:incident-edit", args=[incident.pk])
    stale = _post(incident, district)  # read at version 1
    client.post(url, _post(incident, district, place="另一处"))
    state = _state(incident)
    response = client.post(url, stale)
    assert response.status_code == 200
    assert f"{incident.number}已被他人修改（现为第2版），请刷新后重新填写" in response.content.decode()
    assert _state(incident) == state and incident.place == "另一处"

    zhao = incident.persons.get()  # has the 劝阻 of the fixture
    response = client.post(url, _post(incident, district, remove_persons=[str(zhao.pk)]))
    assert "赵*勇已有处置措施，不能移除" in response.content.decode()
    response = client.post(url, _post(incident, district, occurred_on="2026-03-05"))
    assert "发生日期不能晚于已记录的处置措施日期（2026-03-02）" in response.content.decode()
    assert _state(incident) == state


def test_the_leader_reads_but_does_not_edit(client, people, district, incident):
    client.force_login(people.office_leader)
    url = reverse("order:incident-edit", args=[incident.pk])
    state = _state(incident)
    assert client.get(url).status_code == 403
    assert client.post(url, _post(incident, district, place="改")).status_code == 403
    assert _state(incident) == state
    assert "incident-edit" not in client.get(reverse("order:incident-detail", args=[incident.pk])).content.decode()


@pytest.mark.parametrize("who", UNAUTHORISED)
def test_every_other_role_gets_nothing_and_changes_nothing(client, people, district, incident, who):
    user = getattr(people, who)
    client.force_login(user)
    url = reverse("order:incident-edit", args=[incident.pk])
    state = _state(incident)
    for response in (client.get(url), client.post(url, _post(incident, district, place="改", add_persons="某人"))):
        assert response.status_code in (403, 404)
        assert SECRET not in response.content.decode() and incident.number not in response.content.decode()
    assert _state(incident) == state
    assert not AuditEvent.objects.filter(action__startswith="order.", actor=user).exists()


def test_out_of_scope_is_404(client, people, district, incident):
    """A township petition office's 审核员 sees its own township only: 白沙镇's record is not found."""
    from xinfang.orgs.models import Org, Role
    from xinfang.orgs.services import org_create, user_create

    office = org_create(name="青石镇信访办", kind=Org.Kind.PETITION_OFFICE, level=Org.Level.TOWNSHIP,
                        parent=district.township_a)
    reviewer = user_create(username="t-office-reviewer", password="pw-123456", org=office, roles=[Role.REVIEWER])
    other = OrderIncident.objects.get(pk=incident.pk)
    OrderIncident.objects.filter(pk=other.pk).update(locality=district.township_b)
    client.force_login(reviewer)
    url = reverse("order:incident-edit", args=[incident.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _post(incident, district, place="改")).status_code == 404
    incident.refresh_from_db()
    assert incident.place == "区信访接待大厅"
