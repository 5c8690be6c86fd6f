"""The registration form, list and detail pages, driven through Django's test client."""

import pytest

from tests.conftest import ID_LI, ID_WANG, ID_ZHANG
from xinfang.audit.models import AuditEvent
from xinfang.petitions.models import Petition

pytestmark = pytest.mark.django_db


def form_data(district, category, **overrides):
    data = {
        "channel": "visit", "received_at": "2026-03-02T09:30", "person_times": "7", "source_reference": "",
        "urgency": "normal", "petition_type": "grievance", "category": str(category.pk),
        "locality": str(district.township_a.pk), "complained_org": "", "summary": "反映拖欠农民工工资",
        "content": "工程结束后公司拖欠工资三个月未付。", "demands": "", "amount_involved": "",
        "idempotency_key": "form-1",
        "petitioners-TOTAL_FORMS": "5", "petitioners-INITIAL_FORMS": "0",
        "petitioners-MIN_NUM_FORMS": "0", "petitioners-MAX_NUM_FORMS": "5",
    }
    people = [("张小三", ID_ZHANG), ("李四", ID_LI), ("王五", ID_WANG)]
    for i in range(5):
        name, number = people[i] if i < len(people) else ("", "")
        data.update({f"petitioners-{i}-kind": "person", f"petitioners-{i}-name": name,
                     f"petitioners-{i}-id_number": number, f"petitioners-{i}-phone": "",
                     f"petitioners-{i}-address": ""})
    data.update(overrides)
    return data


def test_clerk_registers_a_group_visit_and_sees_it_in_the_list(client, district, category):
    client.force_login(district.clerk)
    response = client.post("/petitions/new/", form_data(district, category), follow=True)
    petition = Petition.objects.get()
    assert response.redirect_chain[-1][0] == f"/petitions/{petition.pk}/"
    assert "7人次" in response.content.decode()
    listing = client.get("/petitions/").content.decode()
    assert petition.number in listing
    assert "7人次" in listing and "集体访" in listing
    assert "张*三" in listing and ID_ZHANG not in listing


def test_a_bad_id_number_shows_a_chinese_message_on_the_form_and_saves_nothing(client, district, category):
    client.force_login(district.clerk)
    response = client.post("/petitions/new/", form_data(district, category, **{
        "petitioners-1-id_number": "110105194912310021", "summary": ""}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "身份证号码校验位不正确" in page
    assert "登记未保存" in page
    assert Petition.objects.count() == 0


def test_a_double_submitted_form_registers_one_petition(client, district, category):
    client.force_login(district.clerk)
    client.post("/petitions/new/", form_data(district, category))
    second = client.post("/petitions/new/", form_data(district, category), follow=True)
    assert Petition.objects.count() == 1
    assert "未重复登记" in second.content.decode()


def test_a_township_handler_cannot_open_the_form_or_another_townships_case(client, district, category):
    client.force_login(district.clerk)
    client.post("/petitions/new/", form_data(district, category), follow=True)
    petition = Petition.objects.get()
    client.force_login(district.township_b_user)
    assert client.get("/petitions/new/").status_code == 404
    assert client.get(f"/petitions/{petition.pk}/").status_code == 404
    assert petition.number not in client.get("/petitions/").content.decode()
    client.force_login(district.township_a_user)
    assert client.get(f"/petitions/{petition.pk}/").status_code == 200


def test_the_identity_lookup_lists_earlier_petitions(client, district, category):
    client.force_login(district.clerk)
    client.post("/petitions/new/", form_data(district, category))
    found = client.post("/petitions/lookup/", {"petitioners-0-id_number": ID_LI}).content.decode()
    assert "此人以往信访事项（1件）" in found
    invalid = client.post("/petitions/lookup/", {"petitioners-0-id_number": "110105194912310021"}).content.decode()
    assert "校验位不正确" in invalid


def test_the_list_filters_by_channel_and_finds_by_id_number(client, district, category):
    client.force_login(district.clerk)
    client.post("/petitions/new/", form_data(district, category))
    # The same three people again minutes later: the clerk confirms it is another matter (issue 12 item 7).
    client.post("/petitions/new/", form_data(district, category, channel="letter", person_times="3",
                                              idempotency_key="form-2", summary="来信反映物业问题",
                                              confirm_not_duplicate="on"))
    letters = client.get("/petitions/", {"channel": "letter"}).content.decode()
    assert "来信反映物业问题" in letters and "反映拖欠农民工工资" not in letters
    by_id = client.post("/petitions/", {"q": ID_WANG}, follow=True).content.decode()
    assert by_id.count("/petitions/") >= 2 and "来信反映物业问题" in by_id


def test_pages_require_login_and_logins_are_audited(client, district):
    assert client.get("/petitions/").status_code == 302
    client.post("/login/", {"username": "clerk", "password": "wrong"})
    client.post("/login/", {"username": "clerk", "password": "pw-clerk-123"})
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "auth.login_failed" in actions and "auth.login" in actions
