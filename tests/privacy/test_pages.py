"""The privacy pages: the office's staff record and list requests, its 审核员 decides and exports the copy;
everyone else is refused."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.conftest import petition_input
from xinfang.audit.models import AuditEvent
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.petitions.services import petition_register
from xinfang.privacy.models import DataRequest, LegalHold


@pytest.fixture
def petition(district, category, notice):
    petition, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                    actor=district.clerk)
    return petition


def _new(client, petition, **overrides):
    values = {"petition_number": petition.number, "position": "1", "kind": "access", "received_on": "2026-11-02",
              "channel": "letter", "asked": "请求复制本人信息", "new_name": "", "new_phone": "", "new_address": ""}
    values.update(overrides)
    return client.post("/privacy/requests/new/", values)


def test_a_clerk_records_a_request_and_the_reviewer_grants_and_exports_the_copy(client, district, petition,
                                                                               reviewer):
    # given
    client.force_login(district.clerk)
    response = _new(client, petition)
    request = DataRequest.objects.get()
    assert response.status_code == 302
    assert "张*三" in client.get("/privacy/requests/").content.decode()
    assert client.get(f"/privacy/requests/{request.pk}/export/").status_code == 403
    # when
    client.force_login(reviewer)
    response = client.post(f"/privacy/requests/{request.pk}/", {"grant": "1", "reason": "依法提供",
                                                                "answered_on": "2026-11-10"})
    export = client.get(f"/privacy/requests/{request.pk}/export/")
    # then
    request.refresh_from_db()
    assert (request.status, request.answered_on) == (DataRequest.Status.GRANTED, date(2026, 11, 10))
    book = load_workbook(io.BytesIO(export.content))
    assert book["本人信息"]["B3"].value == "张小三"
    assert book["信访事项"]["A2"].value == petition.number
    assert AuditEvent.objects.filter(action="privacy.access_export", target_id=str(request.pk)).exists()


def test_an_unknown_petition_number_is_a_chinese_error_and_nothing_saved(client, district, petition):
    client.force_login(district.clerk)
    response = _new(client, petition, petition_number="QXXF-2026-999999")
    assert "信访件不存在或不在本单位范围内" in response.content.decode()
    assert DataRequest.objects.count() == 0


def test_a_refused_decision_form_shows_the_reason_it_needs(client, district, petition, reviewer):
    client.force_login(district.clerk)
    _new(client, petition)
    request = DataRequest.objects.get()
    client.force_login(reviewer)
    response = client.post(f"/privacy/requests/{request.pk}/", {"grant": "0", "reason": ""})
    assert "请填写决定理由" in response.content.decode()
    assert DataRequest.objects.get().status == DataRequest.Status.RECEIVED


@pytest.mark.parametrize("role", [Role.HANDLER, Role.LEADER, Role.STATISTICIAN, Role.SUPERVISOR])
def test_other_roles_open_no_privacy_page(client, district, petition, role):
    user = user_create(username=f"u-{role}", password="pw-123456", org=district.office, roles=[role])
    client.force_login(user)
    for url in ("/privacy/requests/", "/privacy/requests/new/", "/privacy/holds/"):
        assert client.get(url).status_code == 403


def test_a_clerk_may_not_decide_or_place_a_hold(client, district, petition):
    client.force_login(district.clerk)
    _new(client, petition)
    request = DataRequest.objects.get()
    assert client.post(f"/privacy/requests/{request.pk}/", {"grant": "1", "reason": "同意"}).status_code == 403
    assert client.get("/privacy/holds/new/").status_code == 403


def test_the_reviewer_places_and_releases_a_hold(client, district, petition, reviewer):
    client.force_login(reviewer)
    response = client.post("/privacy/holds/new/", {"petition_number": petition.number, "target": "petition",
                                                   "position": "1", "reason": "当事人已提起行政诉讼"})
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert hold.petition == petition and hold.is_active
    client.post(f"/privacy/holds/{hold.pk}/release/", {"reason": "诉讼已终结"})
    hold.refresh_from_db()
    assert hold.released_by == reviewer and not hold.is_active
    assert AuditEvent.objects.filter(action__in=["privacy.hold_place", "privacy.hold_release"]).count() == 2


def test_the_request_page_shows_the_due_date_and_the_overdue_list_names_it(client, district, petition,
                                                                           reviewer):
    # given: received 2 November 2026, due 23 November, unanswered (today is later)
    client.force_login(district.clerk)
    _new(client, petition)
    request = DataRequest.objects.get()
    # when
    detail = client.get(f"/privacy/requests/{request.pk}/").content.decode()
    overdue = client.get("/privacy/requests/?overdue=1").content.decode()
    # then
    assert "2026年11月23日" in detail and "逾期" in detail
    assert "decide-form" not in detail  # the clerk does not decide
    assert request.number in overdue and "1件申请已超过答复期限未答复" in overdue
