"""Every number, id, date and search text the API takes is bounded: out of range is a precise 4xx, never a 5xx.

The bounds are xinfang.petitions.validators' (the registration service applies them to the web form, the API
and the bulk import alike); the API schema states the same numbers, so the OpenAPI document shows them.
"""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.api.test_petitions_api import payload
from tests.conftest import act, petition_input
from xinfang.api.services import api_token_create
from xinfang.petitions.models import Petition
from xinfang.petitions.services import PetitionerInput, petition_register
from xinfang.petitions.validators import MAX_AMOUNT_INVOLVED, MAX_PERSON_TIMES, MAX_PETITIONERS

pytestmark = pytest.mark.django_db

BEYOND_BIGINT = 2**63


@pytest.fixture
def auth(district, category):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=district.clerk)}"}


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user)}"}


def post(client, url, body, headers):
    return client.post(url, body, content_type="application/json", **headers)


def errors_of(response) -> dict:
    assert response.status_code == 422, response.content
    return response.json()["errors"]


# --- registration: the numbers ----------------------------------------------------------------------------

def test_person_times_beyond_the_cap_is_refused_and_nothing_is_stored(client, district, auth):
    for huge in (2**63 - 1, MAX_PERSON_TIMES + 1):
        assert "person_times" in errors_of(post(client, "/api/v1/petitions", payload(district, person_times=huge),
                                                auth))
    assert Petition.objects.count() == 0
    response = post(client, "/api/v1/petitions", payload(district, person_times=MAX_PERSON_TIMES), auth)
    assert response.status_code == 201 and response.json()["person_times"] == MAX_PERSON_TIMES


def test_the_service_applies_the_same_cap_for_every_caller(district, category):
    # The web form and the bulk import reach the database through registration_check: the cap is there too.
    data = petition_input(locality=district.township_a, category=category, person_times=MAX_PERSON_TIMES + 1)
    with pytest.raises(ValidationError) as refused:
        petition_register(data=data, actor=district.clerk)
    assert refused.value.message_dict["person_times"] == [f"人次应在1至{MAX_PERSON_TIMES}之间"]
    many = [PetitionerInput(name=f"联名人{i}") for i in range(MAX_PETITIONERS + 1)]
    data = petition_input(locality=district.township_a, category=category, petitioners=many, person_times=30)
    with pytest.raises(ValidationError) as refused:
        petition_register(data=data, actor=district.clerk)
    assert "petitioners" in refused.value.message_dict


@pytest.mark.parametrize("amount", ["1000000000000", "-1", "1.001", "NaN", "Infinity", "1e400"])
def test_an_amount_out_of_range_or_finer_than_a_fen_is_refused(client, district, auth, amount):
    assert "amount_involved" in errors_of(post(client, "/api/v1/petitions",
                                               payload(district, amount_involved=amount), auth))


def test_the_largest_amount_is_kept_to_the_fen(client, district, auth):
    response = post(client, "/api/v1/petitions", payload(district, amount_involved=str(MAX_AMOUNT_INVOLVED)), auth)
    assert response.status_code == 201
    assert Petition.objects.get().amount_involved == MAX_AMOUNT_INVOLVED
    service_amount = petition_input(locality=district.township_a, category=Petition.objects.get().category,
                                    amount_involved=Decimal("0.005"))
    with pytest.raises(ValidationError) as refused:
        petition_register(data=service_amount, actor=district.clerk)
    assert refused.value.message_dict["amount_involved"] == ["涉及金额最多2位小数（精确到分）"]


def test_too_many_petitioners_or_hot_topics_are_refused(client, district, auth):
    people = [{"name": f"联名人{i}"} for i in range(MAX_PETITIONERS + 1)]
    assert "petitioners" in errors_of(post(client, "/api/v1/petitions",
                                           payload(district, channel="letter", petitioners=people), auth))
    topics = [f"t{i}" for i in range(21)]
    assert "hot_topics" in errors_of(post(client, "/api/v1/petitions", payload(district, hot_topics=topics), auth))


# --- registration: the date -------------------------------------------------------------------------------

def test_a_received_at_without_offset_is_shanghai_time(client, district, auth):
    response = post(client, "/api/v1/petitions", payload(district, received_at="2026-03-02T09:30:00"), auth)
    assert response.status_code == 201, response.content
    assert Petition.objects.get().received_at == datetime(2026, 3, 2, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "1899-12-31T23:59:59"])
def test_a_received_at_outside_the_years_is_refused(client, district, auth, moment):
    assert "received_at" in errors_of(post(client, "/api/v1/petitions", payload(district, received_at=moment), auth))


# --- ids, search text ---------------------------------------------------------------------------------------

def test_ids_beyond_bigint_are_refused_in_paths_bodies_and_queries(client, district, auth, registered):
    assert "locality" in errors_of(post(client, "/api/v1/petitions", payload(district, locality=BEYOND_BIGINT), auth))
    assert "complained_org" in errors_of(post(client, "/api/v1/petitions",
                                              payload(district, complained_org=BEYOND_BIGINT), auth))
    assert client.get(f"/api/v1/petitions?locality={BEYOND_BIGINT}", **auth).status_code == 422
    for url in (f"/api/v1/petitions/{BEYOND_BIGINT}/actions", f"/api/v1/matching/petitions/{BEYOND_BIGINT}/chain",
                f"/api/v1/matching/petitions/{BEYOND_BIGINT}/candidates"):
        assert client.get(url, **auth).status_code == 422, url
    assert client.get("/api/v1/petitions/0/actions", **auth).status_code == 422
    reviewer = bearer(district.clerk)
    assert post(client, "/api/v1/matching/split", {"petitions": [BEYOND_BIGINT], "reason": "拆分"},
                reviewer).status_code == 422
    assert post(client, f"/api/v1/matching/petitions/{registered.pk}/link",
                {"first_petition": BEYOND_BIGINT, "reason": "同一事项"}, reviewer).status_code == 422
    assert post(client, "/api/v1/matching/candidates", {"text": "拖欠工资", "locality": BEYOND_BIGINT},
                reviewer).status_code == 422


def test_a_search_text_over_the_limit_is_refused(client, district, auth):
    assert "q" in errors_of(client.get("/api/v1/petitions", {"q": "欠薪" * 30_000}, **auth))
    assert client.get("/api/v1/petitions", {"q": "欠薪"}, **auth).status_code == 200


# --- procedural actions: the values -----------------------------------------------------------------------

def test_action_days_and_org_ids_are_bounded(client, district, actors, registered):
    head, reviewer = bearer(actors.head), bearer(actors.reviewer)
    url = f"/api/v1/petitions/{registered.pk}/actions"
    forward = post(client, f"{url}/forward", {"values": {"handling_org": str(BEYOND_BIGINT)}}, reviewer)
    assert "handling_org" in errors_of(forward)
    assign = post(client, f"{url}/assign", {"values": {"handling_org": district.township_a.pk,
                                                       "report_days": 10**18}}, reviewer)
    assert errors_of(assign)["report_days"] == ["办结报告期限（日）：不超过365天"]
    act(registered, "forward", actors.reviewer, handling_org=district.township_a.pk)
    act(registered, "accept", actors.handler)
    assert "days" in errors_of(post(client, f"{url}/extend", {"values": {"days": 10**18, "reason": "需调查"}}, head))
    # JSON's Infinity is read by Python's parser; int(inf) overflows.
    infinite = client.post(f"{url}/extend", '{"values": {"days": Infinity, "reason": "需调查"}}',
                           content_type="application/json", **head)
    assert infinite.status_code == 422
    assert post(client, f"{url}/extend", {"values": {"days": 10, "reason": "需调查"}, "expected_version": 2**40},
                head).status_code == 422


# --- who may search for repeats ---------------------------------------------------------------------------

def test_repeat_candidates_need_the_roles_of_the_registration_page(client, district, category):
    petition, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                    actor=district.clerk)
    handler = bearer(district.township_a_user)  # sees the petition (its locality), may not link repeats
    draft = {"text": "本人在青石镇某工地务工，工程结束后公司拖欠工资三个月未付。"}
    refused = post(client, "/api/v1/matching/candidates", draft, handler)
    assert refused.status_code == 403 and "查看可能重复的信访事项" in refused.json()["detail"]
    assert client.get(f"/api/v1/matching/petitions/{petition.pk}/candidates",
                      **handler).status_code == 403
    assert post(client, "/api/v1/matching/candidates", draft, bearer(district.clerk)).status_code == 200
