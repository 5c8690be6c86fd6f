"""Role × path: everyone not authorised gets 403/404 and the record's text appears nowhere in their responses;
the authorised read it, and every read (list, search, detail, export, evidence, figures, drill-down) is logged."""

import pytest
from django.urls import reverse

from xinfang.audit.models import AuditEvent
from xinfang.order.services import evidence_add
from xinfang.petitions.services import UploadInput

from .conftest import SECRET

pytestmark = pytest.mark.django_db

UNAUTHORISED = ["clerk", "statistician", "township", "township_leader", "department", "auditor"]
AUTHORISED = ["reviewer", "supervisor", "office_leader", "police", "superuser"]


def _paths(incident, evidence):
    person = incident.persons.get()
    return [
        reverse("order:incidents"), reverse("order:incidents") + "?q=汽油瓶", reverse("order:incident-new"),
        reverse("order:incident-export"), reverse("order:incident-import"),
        reverse("order:incident-detail", args=[incident.pk]),
        reverse("order:person-detail", args=[person.pk]),
        reverse("order:evidence-download", args=[incident.pk, evidence.pk]),
        reverse("stats:ledger-figures", kwargs={"section": "order"}) + "?start=2026-01-01&end=2026-12-31",
        reverse("stats:ledger-indicator", kwargs={"section": "order", "key": "order_incidents"})
        + "?start=2026-01-01&end=2026-12-31",
        reverse("stats:ledger-indicator", kwargs={"section": "order", "key": "order_persons"})
        + "?start=2026-01-01&end=2026-12-31",
    ]


@pytest.fixture
def evidence(incident, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return evidence_add(incident_id=incident.pk, actor=people.police,
                        upload=UploadInput(name="笔录.txt", data=f"笔录：{SECRET}".encode()))


@pytest.mark.parametrize("who", UNAUTHORISED)
def test_the_unauthorised_get_nothing_anywhere(client, people, incident, evidence, who):
    client.force_login(getattr(people, who))
    for path in _paths(incident, evidence):
        response = client.get(path)
        assert response.status_code in (403, 404), path
        assert SECRET not in response.content.decode(errors="replace"), path
    response = client.post(reverse("order:measure-add", args=[incident.pk]), {"measure_kind": "admonish"})
    assert response.status_code in (403, 404)
    # Nor anywhere else they can go: their dashboard, their searches, their home page.
    for path in ("/", reverse("stats:dashboard"), "/petitions/?q=汽油瓶"):
        response = client.get(path, follow=True)
        body = response.content.decode()
        assert SECRET not in body and "违法信访行为" not in body and incident.number not in body, path
    assert not AuditEvent.objects.filter(action__startswith="order.", actor=getattr(people, who)).exists()


def test_anonymous_is_sent_to_login(client, incident):
    response = client.get(reverse("order:incident-detail", args=[incident.pk]))
    assert response.status_code in (302, 403)
    assert SECRET not in response.content.decode()


@pytest.mark.parametrize("who", AUTHORISED)
def test_the_authorised_read_and_every_read_is_logged(client, people, incident, evidence, who):
    user = getattr(people, who)
    client.force_login(user)
    reads = {
        reverse("order:incidents"): "order.list_read",
        reverse("order:incidents") + "?q=汽油瓶": "order.list_read",
        reverse("order:incident-detail", args=[incident.pk]): "order.detail_read",
        reverse("order:incident-export"): "order.export",
        reverse("order:evidence-download", args=[incident.pk, evidence.pk]): "order.evidence_read",
        reverse("stats:ledger-indicator", kwargs={"section": "order", "key": "order_incidents"})
        + "?start=2026-01-01&end=2026-12-31": "order.stats_read",
    }
    for path, action in reads.items():
        before = AuditEvent.objects.filter(action=action, actor=user).count()
        response = client.get(path)
        assert response.status_code == 200, path
        assert AuditEvent.objects.filter(action=action, actor=user).count() > before, path
    body = client.get(reverse("order:incident-detail", args=[incident.pk])).content.decode()
    assert SECRET in body and "赵大勇" not in body  # the name is masked


def test_the_full_name_needs_a_reveal_role_and_a_reason_and_is_logged(client, people, incident):
    person = incident.persons.get()
    url = reverse("order:person-reveal", args=[incident.pk, person.pk])
    client.force_login(people.police)  # a 政法机关 承办人 holds a reveal role (承办人)
    assert "赵大勇" not in client.post(url, {"reason": ""}).content.decode()
    response = client.post(url, {"reason": "制作训诫书"})
    assert "赵大勇" in response.content.decode()
    assert AuditEvent.objects.filter(action="order.person_reveal", actor=people.police).count() == 1
    client.force_login(people.superuser)  # the superuser flag alone does not reveal (petitions' rule)
    assert client.post(url, {"reason": "查看"}).status_code == 403


def test_a_political_legal_org_of_another_county_sees_nothing(client, people, incident):
    from xinfang.orgs.models import Org, Role
    from xinfang.orgs.services import org_create, user_create

    other = org_create(name="邻县人民政府", kind=Org.Kind.GOVERNMENT, level=Org.Level.COUNTY)
    police = org_create(name="邻县公安局", kind=Org.Kind.POLITICAL_LEGAL, level=Org.Level.COUNTY, parent=other)
    client.force_login(user_create(username="n-police", password="pw-123456", org=police, roles=[Role.HANDLER]))
    assert client.get(reverse("order:incident-detail", args=[incident.pk])).status_code == 404
    assert SECRET not in client.get(reverse("order:incidents")).content.decode()


def test_the_audit_log_keeps_no_searched_words(client, people, incident):
    client.force_login(people.reviewer)
    client.get(reverse("order:incidents") + "?q=赵大勇")
    event = AuditEvent.objects.filter(action="order.list_read", actor=people.reviewer).get()
    assert event.data["query"]["searched"] is True and "赵大勇" not in str(event.data)
