"""The procedure through the case page (htmx forms) and the API."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import act
from xinfang.api.services import api_token_create
from xinfang.petitions.models import PetitionStatus

pytestmark = pytest.mark.django_db


def test_the_case_page_offers_only_allowed_actions_and_applies_one(client, registered, district, actors):
    client.force_login(actors.reviewer)
    page = client.get(f"/petitions/{registered.pk}/").content.decode()
    buttons = page.split('class="action-buttons"')[1].split("</div>")[0]
    assert "/actions/forward/" in buttons and "/actions/accept/" not in buttons
    form = client.get(f"/petitions/{registered.pk}/actions/forward/").content.decode()
    assert "第二十二条" in form and "责任单位" in form
    response = client.post(f"/petitions/{registered.pk}/actions/forward/",
                           {"handling_org": district.township_a.pk, "expected_version": registered.version})
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/petitions/{registered.pk}/"
    registered.refresh_from_db()
    assert registered.status == PetitionStatus.FORWARDED
    detail = client.get(f"/petitions/{registered.pk}/").content.decode()
    assert "受理告知" in detail and "为什么" in detail and "转送告知书" in detail


def test_a_stale_form_is_refused_on_the_page(client, registered, district, actors):
    client.force_login(actors.reviewer)
    stale = registered.version
    client.post(f"/petitions/{registered.pk}/actions/forward/",
                {"handling_org": district.township_a.pk, "expected_version": stale})
    response = client.post(f"/petitions/{registered.pk}/actions/reject/",
                           {"rejection_reason": "not_a_petition", "expected_version": stale})
    assert response.status_code == 200
    assert "已被他人办理" in response.content.decode()


def test_the_api_lists_and_applies_actions_with_precise_errors(client, registered, district, actors):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=actors.reviewer)}"}
    listed = client.get(f"/api/v1/petitions/{registered.pk}/actions", **auth).json()
    assert {item["action"] for item in listed} >= {"forward", "assign", "reject", "redirect", "refuse_repeat"}
    wrong_state = client.post(f"/api/v1/petitions/{registered.pk}/actions/accept", {"values": {}},
                              content_type="application/json", **auth)
    assert wrong_state.status_code == 422 and "第二十三条" in str(wrong_state.json())
    done = client.post(f"/api/v1/petitions/{registered.pk}/actions/forward",
                       {"values": {"handling_org": district.township_a.pk}, "expected_version": 1},
                       content_type="application/json", **auth)
    assert done.status_code == 200 and done.json()["status"] == "forwarded" and done.json()["version"] == 2
    stale = client.post(f"/api/v1/petitions/{registered.pk}/actions/reject",
                        {"values": {"rejection_reason": "not_a_petition"}, "expected_version": 1},
                        content_type="application/json", **auth)
    assert stale.status_code == 409


def test_the_case_page_corrects_the_last_action(client, registered, district, actors):
    client.force_login(actors.reviewer)
    client.post(f"/petitions/{registered.pk}/actions/forward/",
                {"handling_org": district.township_b.pk, "expected_version": registered.version})
    page = client.get(f"/petitions/{registered.pk}/").content.decode()
    assert "更正上一步：转送" in page
    client.post(f"/petitions/{registered.pk}/correct/", {"reason": "转送单位选错", "expected_version": 2})
    registered.refresh_from_db()
    assert registered.status == PetitionStatus.REGISTERED


def test_the_list_shows_the_nearest_deadline_and_filters_overdue_matters(client, registered, district, actors):
    # registered on 2026-03-02: its 15-day disposition clock has long run out
    client.force_login(actors.reviewer)
    listing = client.get("/petitions/").content.decode()
    assert "deadline-seriously_overdue" in listing and "登记处理 3月17日" in listing
    assert registered.number in client.get("/petitions/", {"deadline": "overdue"}).content.decode()
    assert registered.number not in client.get("/petitions/", {"deadline": "approaching"}).content.decode()


def test_the_api_filters_by_deadline_level(client, registered, actors):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=actors.reviewer)}"}
    overdue = client.get("/api/v1/petitions?deadline=overdue", **auth).json()
    assert [item["number"] for item in overdue["items"]] == [registered.number]
    assert client.get("/api/v1/petitions?deadline=soon", **auth).status_code == 422


def test_a_review_on_the_case_page_goes_through_the_county_and_the_township_head_is_refused(
        client, registered, district, actors):
    # The steps before are history; the review is entered on the page today (a past date there is a 补录).
    today = timezone.localdate()
    act(registered, "forward", actors.reviewer, on=today - timedelta(days=40), handling_org=district.township_a.pk)
    act(registered, "accept", actors.handler, on=today - timedelta(days=38))
    act(registered, "reply", actors.head, on=today - timedelta(days=10), outcome="supported", facts="f",
        decision="d", legal_basis="b")
    act(registered, "deliver", actors.handler, on=today - timedelta(days=8), delivery_method="in_person")
    client.force_login(actors.county_head)
    form = client.get(f"/petitions/{registered.pk}/actions/request_review/").content.decode()
    # Only the county government is offered as 复查机关: not the city above it.
    assert district.county.name in form and actors.city.name not in form
    registered.refresh_from_db()
    client.post(f"/petitions/{registered.pk}/actions/request_review/",
                {"reviewing_org": district.county.pk, "expected_version": registered.version})
    registered.refresh_from_db()
    assert registered.status == PetitionStatus.UNDER_REVIEW
    # The township head who signed the decision is not offered the review, and is refused if he posts it.
    client.force_login(actors.head)
    page = client.get(f"/petitions/{registered.pk}/").content.decode()
    assert "/actions/decide_review/" not in page
    refused = client.post(f"/petitions/{registered.pk}/actions/decide_review/",
                          {"review_outcome": "uphold", "reasons": "r", "expected_version": registered.version})
    registered.refresh_from_db()
    assert refused.status_code in (200, 403) and registered.status == PetitionStatus.UNDER_REVIEW
    client.force_login(actors.county_head)
    assert "/actions/decide_review/" in client.get(f"/petitions/{registered.pk}/").content.decode()
    client.post(f"/petitions/{registered.pk}/actions/decide_review/",
                {"review_outcome": "uphold", "reasons": "r", "expected_version": registered.version})
    registered.refresh_from_db()
    assert registered.status == PetitionStatus.REVIEWED
