"""The JSON API: token auth, register with idempotency, get, list with filters, precise errors."""

import pytest
from django.core.management import call_command

from tests.conftest import ID_LI, ID_ZHANG
from xinfang.api.services import api_token_create
from xinfang.petitions.models import Petition

pytestmark = pytest.mark.django_db


@pytest.fixture
def auth(district):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=district.clerk)}"}


def payload(district, **overrides):
    body = {
        "channel": "visit",
        "received_at": "2026-03-02T09:30:00+08:00",
        "summary": "反映拖欠农民工工资",
        "content": "工程结束后公司拖欠工资三个月未付。",
        "category": "0301",
        "petition_type": "grievance",
        "locality": district.township_a.pk,
        "person_times": 7,
        "hot_topics": ["wage_arrears"],
        "petitioners": [
            {"name": "张小三", "id_number": ID_ZHANG, "phone": "13812345678"},
            {"name": "李四", "id_number": ID_LI},
        ],
    }
    body.update(overrides)
    return body


def test_register_returns_the_petition_with_personal_data_masked(client, district, auth):
    response = client.post("/api/v1/petitions", payload(district), content_type="application/json", **auth)
    assert response.status_code == 201
    body = response.json()
    assert (body["person_times"], body["is_group_visit"], body["hot_topics"]) == (7, True, ["wage_arrears"])
    assert body["petitioners"][0] == {"kind": "person", "name": "张*三", "id_number": "1101**********002X",
                                      "phone": "138****5678", "is_representative": True}
    assert ID_ZHANG not in response.content.decode()


def test_a_retried_call_with_the_same_idempotency_key_registers_once(client, district, auth):
    first = client.post("/api/v1/petitions", payload(district), content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY="retry-1", **auth)
    second = client.post("/api/v1/petitions", payload(district), content_type="application/json",
                         HTTP_IDEMPOTENCY_KEY="retry-1", **auth)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["number"] == second.json()["number"]
    assert Petition.objects.count() == 1


def test_invalid_input_gets_precise_field_errors_and_saves_nothing(client, district, auth):
    bad = payload(district, category="9999", petitioners=[{"name": "张小三", "id_number": "110105194912310021"}])
    response = client.post("/api/v1/petitions", bad, content_type="application/json", **auth)
    assert response.status_code == 422
    assert "category" in response.json()["errors"]
    fixed_category = payload(district, petitioners=[{"name": "张小三", "id_number": "110105194912310021"}])
    response = client.post("/api/v1/petitions", fixed_category, content_type="application/json", **auth)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["petitioners.0.id_number"]
    missing = {k: v for k, v in payload(district).items() if k != "summary"}
    response = client.post("/api/v1/petitions", missing, content_type="application/json", **auth)
    assert response.status_code == 422 and "summary" in response.json()["errors"]
    assert Petition.objects.count() == 0


def test_requests_without_a_valid_token_are_refused(client, district):
    assert client.get("/api/v1/petitions").status_code == 401
    assert client.get("/api/v1/petitions", HTTP_AUTHORIZATION="Bearer xf_wrong").status_code == 401


def test_a_handler_token_cannot_register(client, district):
    token = api_token_create(user=district.township_a_user)
    response = client.post("/api/v1/petitions", payload(district), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 403


def test_get_and_list_respect_scope_filters_and_cursor(client, district, auth):
    numbers = []
    for channel in ("visit", "letter", "letter"):
        body = payload(district, channel=channel, person_times=None)
        numbers.append(client.post("/api/v1/petitions", body, content_type="application/json", **auth).json()["number"])
    assert client.get(f"/api/v1/petitions/{numbers[0]}", **auth).json()["channel"] == "visit"
    letters = client.get("/api/v1/petitions?channel=letter&limit=1", **auth).json()
    assert len(letters["items"]) == 1 and letters["next_cursor"]
    rest = client.get(f"/api/v1/petitions?channel=letter&limit=1&cursor={letters['next_cursor']}", **auth).json()
    assert {letters["items"][0]["number"], rest["items"][0]["number"]} == set(numbers[1:])
    other = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=district.township_b_user)}"}
    assert client.get(f"/api/v1/petitions/{numbers[0]}", **other).status_code == 404
    assert client.get("/api/v1/petitions", **other).json()["items"] == []
    assert client.get("/api/v1/petitions?cursor=garbage", **auth).status_code == 422


def test_openapi_document_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/petitions" in response.json()["paths"]


def test_token_command_prints_a_working_token(client, district, capsys):
    call_command("token", "create", "--user", "clerk")
    token = capsys.readouterr().out.strip()
    assert client.get("/api/v1/petitions", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
