"""Open311 GeoReport v2: a 12345 work order round-trips — posted as a service request, registered as a petition,
read back open, carried through the procedure, read back closed with its history."""

from datetime import date

import pytest

from tests.conftest import act
from xinfang.api.services import api_token_create
from xinfang.petitions.models import Channel, Petition

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(actors):
    return api_token_create(user=actors.clerk, scopes="read,register")


def work_order(district, category, key, **overrides):
    body = {"api_key": key, "service_code": category.code, "description": "小区门口路灯损坏两个月无人维修",
            "last_name": "王", "first_name": "小明", "phone": "13912345678",
            "requested_datetime": "2026-03-02T09:00:00+08:00",
            "attribute[locality]": district.township_a.region_code, "attribute[petition_type]": "grievance",
            "attribute[work_order]": "GD20260302001"}
    body.update(overrides)
    return body


def test_services_and_their_definitions(client, key, category):
    services = client.get(f"/open311/v2/services.json?api_key={key}").json()
    assert category.code in [service["service_code"] for service in services]
    definition = client.get(f"/open311/v2/services/{category.code}.json?api_key={key}").json()
    assert [attribute["code"] for attribute in definition["attributes"]] == ["locality", "petition_type",
                                                                              "work_order"]
    assert client.get(f"/open311/v2/services/nope.json?api_key={key}").status_code == 404
    assert client.get("/open311/v2/services.json").status_code == 401


def test_a_work_order_round_trips_as_a_petition(client, key, category, district, actors):
    created = client.post("/open311/v2/requests.json", work_order(district, category, key))
    assert created.status_code == 200, created.content
    number = created.json()[0]["service_request_id"]
    petition = Petition.objects.get(number=number)
    assert (petition.channel, petition.source_reference, petition.locality) == (
        Channel.HOTLINE_TRANSFER, "GD20260302001", district.township_a)
    # the hotline retries the same work order: the same petition, not a second one
    again = client.post("/open311/v2/requests.json", work_order(district, category, key))
    assert again.json()[0]["service_request_id"] == number and Petition.objects.count() == 1

    read = client.get(f"/open311/v2/requests/{number}.json?api_key={key}").json()[0]
    assert (read["status"], read["service_code"], read["address_id"]) == (
        "open", category.code, district.township_a.region_code)
    assert "13912345678" not in str(read)

    act(petition, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    act(petition, "accept", actors.head, on=date(2026, 3, 5))
    act(petition, "reply", actors.head, on=date(2026, 3, 20), outcome="supported", facts="路灯损坏属实。",
        decision="已更换路灯。", legal_basis="《城市道路照明设施管理规定》")
    act(petition, "deliver", actors.head, on=date(2026, 3, 21), delivery_method="in_person")
    closed = client.get(f"/open311/v2/requests.json?api_key={key}&service_request_id={number}"
                        f"&extensions=true").json()[0]
    assert closed["status"] == "closed" and closed["agency_responsible"] == district.township_a.name
    notes = [note["summary"] for note in closed["extended_attributes"]["notes"]]
    assert notes[0] == "登记" and "转送" in notes[1]
    assert closed["extended_attributes"]["work_order"] == "GD20260302001"
    assert client.get(f"/open311/v2/requests.json?api_key={key}&status=open").json() == []


def test_a_bad_work_order_is_refused_in_georeport_errors_and_nothing_is_registered(client, key, category, district):
    bad = work_order(district, category, key, **{"attribute[locality]": "999999", "description": "",
                                                  "attribute[petition_type]": "other"})
    response = client.post("/open311/v2/requests.json", bad)
    assert response.status_code == 400
    codes = {item["code"] for item in response.json()}
    assert {"attribute[locality]", "description", "attribute[petition_type]"} <= codes
    assert not Petition.objects.exists()


def test_a_read_only_key_cannot_post_and_others_matters_stay_hidden(client, category, district, actors, key):
    client.post("/open311/v2/requests.json", work_order(district, category, key))
    reader = api_token_create(user=actors.other_township_head, scopes="read")
    refused = client.post("/open311/v2/requests.json", work_order(district, category, reader,
                                                                   **{"attribute[work_order]": "GD2"}))
    assert refused.status_code == 403 and Petition.objects.count() == 1
    assert client.get(f"/open311/v2/requests.json?api_key={reader}").json() == []
