"""The matching pages, partials and API, through Django's test client."""

import pytest

from tests.conftest import ID_LI, ID_ZHANG
from tests.matching.conftest import register, when
from xinfang.api.services import api_token_create
from xinfang.matching.models import MassCluster, RepeatIntent
from xinfang.matching.services import repeat_link
from xinfang.petitions.models import Petition, PetitionStatus
from xinfang.petitions.services import PetitionerInput

WAGES = "本人在青石镇某工地务工，工程结束后建筑公司拖欠工资三个月未付，多次讨要无果。"


@pytest.fixture
def earlier(district, category, fake_index):
    return register(district, category, content=WAGES, received_at=when(1, 5))


def test_candidates_partial_lists_the_earlier_petition_with_reasons(client, district, earlier):
    client.force_login(district.clerk)
    response = client.get("/matching/candidates/", {
        "content": WAGES, "petitioners-0-id_number": ID_ZHANG, "locality": str(district.township_a.pk),
        "received_at": "2026-03-02T09:30", "idempotency_key": "form-1"})
    body = response.content.decode()
    assert response.status_code == 200
    assert earlier.number in body and "同一信访人（同一身份证号）" in body and "都反映：" in body and "重复信访" in body
    assert "确认为重复信访" in body


def test_candidates_partial_tolerates_garbage(client, district, earlier):
    client.force_login(district.clerk)
    response = client.get("/matching/candidates/", {
        "content": "！！！", "locality": "abc", "category": "-1", "received_at": "yesterday",
        "petitioners-0-id_number": "12345"})
    assert response.status_code == 200
    assert "未比对文本相似度" in response.content.decode()


def test_candidates_partial_answers_a_post_of_fifty_thousand_characters(client, district, earlier):
    client.force_login(district.clerk)
    response = client.post("/matching/candidates/", {"content": WAGES * 1400, "petitioners-0-id_number": ID_ZHANG})
    assert len(WAGES * 1400) > 50000
    assert response.status_code == 200 and earlier.number in response.content.decode()


def test_candidates_partial_is_not_for_handlers(client, district, earlier):
    client.force_login(district.township_a_user)
    assert client.get("/matching/candidates/", {"content": WAGES}).status_code == 404


def test_confirming_on_the_form_links_the_petition_when_it_is_saved(client, district, category, earlier):
    client.force_login(district.clerk)
    response = client.post("/matching/intent/", {"idempotency_key": "form-9", "first_petition": earlier.pk})
    assert "保存登记后关联到" in response.content.decode()
    # when: the form with that key is registered
    petition = register(district, category, content=WAGES, key="form-9", received_at=when(2, 5))
    petition.refresh_from_db()
    assert petition.first_petition_id == earlier.pk
    assert not RepeatIntent.objects.exists()


def test_case_page_section_shows_chain_final_flag_and_candidates(client, district, category, earlier):
    repeat = register(district, category, content=WAGES, received_at=when(2, 5))
    client.force_login(district.clerk)
    # before: the earlier petition is a candidate, with a confirm button
    body = client.get(f"/matching/petitions/{repeat.pk}/").content.decode()
    assert earlier.number in body and "确认为重复信访" in body
    # when: confirmed (htmx)
    response = client.post(f"/matching/petitions/{repeat.pk}/link/",
                           {"first_petition": earlier.pk, "reason": "同一身份证号"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "已确认为重复信访" in body and "事项全链（2件）" in body and "初件" in body and "重件" in body
    Petition.objects.filter(pk=earlier.pk).update(status=PetitionStatus.FINAL)
    body = client.get(f"/matching/petitions/{repeat.pk}/").content.decode()
    assert "该事项已终结（第三十六条）：不再受理" in body and "第三十六条第三款" in body


def test_unlink_without_a_reason_changes_nothing_and_says_why(client, district, category, earlier, actors):
    repeat = register(district, category, content=WAGES, received_at=when(2, 5))
    repeat_link(actor=district.clerk, petition_id=repeat.pk, first_petition_id=earlier.pk, reason="同一事项")
    client.force_login(actors.reviewer)
    response = client.post(f"/matching/petitions/{repeat.pk}/unlink/", {"reason": ""}, HTTP_HX_REQUEST="true")
    assert "未能撤销：请填写理由" in response.content.decode()
    repeat.refresh_from_db()
    assert repeat.first_petition_id == earlier.pk


def test_split_through_the_page(client, district, category, earlier, actors):
    repeat = register(district, category, content=WAGES, received_at=when(2, 5))
    repeat_link(actor=district.clerk, petition_id=repeat.pk, first_petition_id=earlier.pk, reason="同一事项")
    client.force_login(actors.reviewer)
    response = client.post(f"/matching/petitions/{repeat.pk}/split/", {"petitions": [repeat.pk], "reason": "误并"})
    assert response.status_code == 302
    repeat.refresh_from_db()
    assert repeat.first_petition_id is None


def test_case_page_section_of_a_petition_out_of_scope_is_404(client, district, earlier):
    client.force_login(district.township_b_user)
    assert client.get(f"/matching/petitions/{earlier.pk}/").status_code == 404


def test_cluster_pages(client, district, category, fake_index):
    for index, (name, number) in enumerate([("张小三", ID_ZHANG), ("李四", ID_LI), ("王五", "500112199003077717")]):
        register(district, category, content=WAGES, person=PetitionerInput(name=name, id_number=number),
                 received_at=when(1 + index, 3))
    cluster = MassCluster.objects.get()
    client.force_login(district.clerk)
    assert cluster.title in client.get("/matching/clusters/").content.decode()
    body = client.get(f"/matching/clusters/{cluster.pk}/").content.decode()
    assert "3人（不同信访人）" in body and "2026-03" in body and "echarts.min.js" in body
    member = cluster.members.first().petition_id
    assert f"/matching/clusters/{cluster.pk}/" in client.get(f"/matching/petitions/{member}/").content.decode()
    client.force_login(district.township_b_user)
    assert client.get(f"/matching/clusters/{cluster.pk}/").status_code == 404


# --- API -----------------------------------------------------------------------------------------------


@pytest.fixture
def auth(district):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=district.clerk)}"}


def test_api_candidates(client, district, earlier, auth):
    response = client.post("/api/v1/matching/candidates", {
        "text": WAGES, "people": [{"id_number": ID_ZHANG}], "category": "0301",
        "locality": district.township_a.pk}, content_type="application/json", **auth)
    assert response.status_code == 200
    body = response.json()
    [candidate] = body["candidates"]
    assert candidate["petition_id"] == earlier.pk and candidate["reasons"][0] == "同一信访人（同一身份证号）"
    assert candidate["kind"] == "repeat" and candidate["matter_score"] >= 0.54
    assert body["other_matters"] == [] and body["joint"] == []


def test_api_candidates_bad_input_is_precise(client, district, earlier, auth):
    response = client.post("/api/v1/matching/candidates", {"text": "x" * 100_001, "category": "9999", "limit": 0},
                           content_type="application/json", **auth)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"text", "category", "limit"}


def test_api_link_chain_and_unlink(client, district, category, earlier, auth, actors):
    repeat = register(district, category, content=WAGES, received_at=when(2, 5))
    response = client.post(f"/api/v1/matching/petitions/{repeat.pk}/link",
                           {"first_petition": earlier.pk, "reason": "同一事项"}, content_type="application/json", **auth)
    assert response.status_code == 200
    body = response.json()
    assert body["first_petition_id"] == earlier.pk and [p["is_first"] for p in body["petitions"]] == [True, False]
    # a second link of the same pair is refused precisely
    again = client.post(f"/api/v1/matching/petitions/{repeat.pk}/link",
                        {"first_petition": earlier.pk, "reason": "同一事项"}, content_type="application/json", **auth)
    assert again.status_code == 422 and again.json()["errors"]["first_petition"] == ["两件已属同一事项"]
    response = client.post(f"/api/v1/matching/petitions/{repeat.pk}/unlink", {"reason": "误关联"},
                           content_type="application/json", **auth)
    assert response.status_code == 200 and response.json()["first_petition_id"] == repeat.pk


def test_api_link_to_an_unknown_petition_is_404(client, district, earlier, auth):
    response = client.post(f"/api/v1/matching/petitions/{earlier.pk}/link", {"first_petition": 999999, "reason": "x"},
                           content_type="application/json", **auth)
    assert response.status_code == 404


def test_merge_and_unmerge_through_the_case_page(client, district, category, actors, fake_index):
    from xinfang.matching.models import IdentityLink, PetitionerMerge

    a = register(district, category, person=PetitionerInput(name="李四", id_number=ID_LI, phone="13900001111"))
    b = register(district, category, person=PetitionerInput(name="李肆", phone="13900001111"))
    link = IdentityLink.objects.get()
    client.force_login(actors.reviewer)
    body = client.get(f"/matching/petitions/{b.pk}/").content.decode()
    assert "同一联系电话" in body and "合并为同一人" in body
    source = b.parties.get().petitioner_id
    target = a.parties.get().petitioner_id
    assert {link.petitioner_a_id, link.petitioner_b_id} == {source, target}
    body = client.post(f"/matching/petitions/{b.pk}/merge/", {"source": source, "target": target, "reason": "同一人"},
                       HTTP_HX_REQUEST="true").content.decode()
    assert "已合并信访人记录" in body
    merge = PetitionerMerge.objects.get()
    body = client.post(f"/matching/petitions/{b.pk}/merges/{merge.pk}/unmerge/", {"reason": "两人"},
                       HTTP_HX_REQUEST="true").content.decode()
    assert "已撤销合并" in body
    assert b.parties.get().petitioner_id == source


def test_a_clerk_cannot_merge(client, district, category, fake_index):
    a = register(district, category, person=PetitionerInput(name="李四", id_number=ID_LI, phone="13900001111"))
    b = register(district, category, person=PetitionerInput(name="李肆", phone="13900001111"))
    client.force_login(district.clerk)
    body = client.post(f"/matching/petitions/{b.pk}/merge/", {"source": b.parties.get().petitioner_id,
                                                               "target": a.parties.get().petitioner_id,
                                                               "reason": "同一人"}, HTTP_HX_REQUEST="true")
    assert "未能合并" in body.content.decode() and "信访部门审核员" in body.content.decode()


def test_api_chain_and_candidates_of_a_registered_petition_say_when_the_matter_is_final(client, district, category,
                                                                                         earlier, auth):
    repeat = register(district, category, content=WAGES, received_at=when(2, 5))
    Petition.objects.filter(pk=earlier.pk).update(status=PetitionStatus.FINAL)
    [candidate] = client.get(f"/api/v1/matching/petitions/{repeat.pk}/candidates", **auth).json()["candidates"]
    assert candidate["is_final"] is True and "第三十六条" in candidate["final_message"]
    repeat_link(actor=district.clerk, petition_id=repeat.pk, first_petition_id=earlier.pk, reason="同一事项")
    body = client.get(f"/api/v1/matching/petitions/{repeat.pk}/chain", **auth).json()
    assert (body["first_petition_id"], body["is_final"]) == (earlier.pk, True)
    assert body["final_message"] == "该事项已终结（第三十六条）：不再受理"


@pytest.mark.parametrize("model", ["identitylink", "petitionermerge", "repeatlinkevent", "skiplevelmark",
                                   "masscluster"])
def test_admin_lists_are_read_only(admin_client, district, category, earlier, model):
    assert admin_client.get(f"/admin/matching/{model}/").status_code == 200
    assert admin_client.get(f"/admin/matching/{model}/add/").status_code == 403
