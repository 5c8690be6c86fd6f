"""The portal's pages, without a login: submission with consent and CAPTCHA, the receipt, the query with the
SMS code, the progress page of that one matter only."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.portal.conftest import solve, token_of
from tests.portal.test_services import carried_to_delivery
from xinfang.petitions.models import Petition, PetitionType
from xinfang.portal.antiabuse import chinese_number
from xinfang.portal.models import PortalSubmission
from xinfang.workflow.models import Evaluation

PAGES = ["portal:home", "portal:guide", "portal:roadmap", "portal:channels", "portal:query"]


@pytest.mark.parametrize("name", PAGES)
def test_public_pages_need_no_login_and_are_chinese(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in response.content.decode()


@pytest.mark.parametrize("step", ["court", "arbitration", "reconsideration", "final", "accusation"])
def test_the_guide_cites_the_regulation_at_each_end(client, db, step):
    page = client.get(reverse("portal:guide-step", args=[step])).content.decode()
    assert "《信访工作条例》" in page


def test_the_submit_pages_show_the_current_consent_version(client, consent):
    for kind in ("complaint", "suggestion"):
        page = client.get(reverse("portal:submit", args=[kind])).content.decode()
        assert f'value="{consent.version}"' in page
        assert "验证题：" in page
    assert client.get(reverse("portal:consent", args=[consent.version])).status_code == 200


def test_the_channels_page_shows_article_18_and_an_empty_schedule(client, db):
    page = client.get(reverse("portal:channels")).content.decode()
    assert "《信访工作条例》第十八条" in page
    assert "清溪区信访办" in page
    assert "近期暂无公布的领导接访安排" in page


def test_chinese_numbers():
    assert [chinese_number(n) for n in (3, 10, 17, 20, 49)] == ["三", "十", "十七", "二十", "四十九"]


def form_data(page: str, district, category, notice, **overrides) -> dict:
    data = {"petition_type": "grievance", "name": "张小三", "phone": "13812345678", "id_number": "",
            "address": "", "locality": district.village_a1.pk, "category": category.pk,
            "complained_org": "", "summary": "反映某建筑公司拖欠农民工工资",
            "content": "本人在青石镇某工地务工，工程结束后公司拖欠工资三个月未付。", "demands": "请求支付工资",
            "consent": "on", "consent_version": notice.version, "captcha": solve(page),
            "captcha_token": token_of(page)}
    data.update(overrides)
    return data


def post_submit(client, district, category, notice, kind="complaint", **overrides):
    url = reverse("portal:submit", args=[kind])
    page = client.get(url).content.decode()
    return client.post(url, form_data(page, district, category, notice, **overrides))


def test_a_submission_shows_its_receipt_once(client, district, category, consent):
    response = post_submit(client, district, category, consent)
    assert response.status_code == 302
    receipt = client.get(response["Location"]).content.decode()
    petition = Petition.objects.get()
    assert petition.number in receipt
    assert "查询码只显示这一次" in receipt
    assert client.get(reverse("portal:receipt")).status_code == 302  # gone after the first view


def test_a_wrong_captcha_is_refused_and_nothing_is_written(client, district, category, consent):
    response = post_submit(client, district, category, consent, captcha="999")
    assert response.status_code == 400
    assert "验证题答案不正确，请重新计算" in response.content.decode()
    assert Petition.objects.count() == 0


def test_a_wrong_captcha_shows_the_other_problems_too(client, district, category, consent):
    response = post_submit(client, district, category, consent, captcha="999", consent="",
                           petition_type="accusation")
    page = response.content.decode()
    assert "验证题答案不正确，请重新计算" in page
    assert "请阅读并同意个人信息处理告知" in page
    assert "检举控告类事项须选择被反映单位" in page
    assert Petition.objects.count() == 0


def test_a_captcha_token_is_used_once(client, district, category, consent):
    url = reverse("portal:submit", args=["complaint"])
    page = client.get(url).content.decode()
    data = form_data(page, district, category, consent)
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert "验证题已使用，请回答新的验证题" in again.content.decode()
    assert Petition.objects.count() == 1


def test_no_consent_is_refused_with_its_message(client, district, category, consent):
    response = post_submit(client, district, category, consent, consent="")
    assert "请阅读并同意个人信息处理告知" in response.content.decode()
    assert Petition.objects.count() == 0


def test_a_missing_field_is_refused_in_chinese(client, district, category, consent):
    response = post_submit(client, district, category, consent, summary="", phone="")
    page = response.content.decode()
    assert response.status_code == 400
    assert "请填写标题" in page and "请填写手机号码" in page
    assert Petition.objects.count() == 0


def test_the_rate_limit_refuses_the_next_submission_from_an_address(client, district, category, consent, settings):
    settings.XINFANG_PORTAL_LIMITS = {"submit_ip": (1, 3600)}
    assert post_submit(client, district, category, consent).status_code == 302
    response = post_submit(client, district, category, consent, phone="13912345678")
    assert "提交过于频繁，请一小时后再试" in response.content.decode()
    assert Petition.objects.count() == 1


def submitted(client, district, category, consent, **overrides) -> tuple[Petition, str]:
    response = post_submit(client, district, category, consent, **overrides)
    receipt = client.get(response["Location"]).content.decode()
    petition = Petition.objects.order_by("-id").first()
    code = receipt.split('id="query-code">')[1].split("<")[0]
    return petition, code


def verify(client, code, phone, sms_log, django_capture_on_commit_callbacks):
    page = client.get(reverse("portal:query")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:query"), {"code": code, "phone": phone, "captcha": solve(page),
                                                         "captcha_token": token_of(page)})
    assert response.status_code == 302, response.content.decode()
    response = client.post(reverse("portal:verify"), {"sms_code": sms_log.last_code()})
    assert response.status_code == 302
    return client.get(reverse("portal:progress"))


def test_progress_needs_the_code_the_phone_and_the_sms_code(client, district, category, consent, sms_log,
                                                           django_capture_on_commit_callbacks):
    petition, code = submitted(client, district, category, consent)
    assert client.get(reverse("portal:progress")).status_code == 302
    page = client.get(reverse("portal:query")).content.decode()
    wrong = client.post(reverse("portal:query"), {"code": code, "phone": "13900000000", "captcha": solve(page),
                                                  "captcha_token": token_of(page)})
    assert "查询码或手机号码不正确" in wrong.content.decode()
    assert sms_log.codes() == []
    progress = verify(client, code, "13812345678", sms_log, django_capture_on_commit_callbacks).content.decode()
    assert petition.number in progress
    assert "已收到，信访部门正在审查" in progress


def test_a_code_never_shows_another_matter_nor_its_notices(client, district, actors, category, consent, sms_log,
                                                           django_capture_on_commit_callbacks):
    mine, my_code = submitted(client, district, category, consent)
    other, _ = submitted(client, district, category, consent, phone="13912345678", summary="另一件事：物业纠纷",
                         content="小区物业乱收费")
    carried_to_delivery(other, actors, district)
    other_notice = other.notices.first()
    page = verify(client, my_code, "13812345678", sms_log, django_capture_on_commit_callbacks).content.decode()
    assert mine.number in page
    assert other.number not in page and "物业" not in page
    assert client.get(reverse("portal:notice-download", args=[other_notice.pk])).status_code == 404


def test_an_accusation_is_never_shown_to_another_code(client, district, category, consent, sms_log,
                                                      django_capture_on_commit_callbacks):
    accusation, _ = submitted(client, district, category, consent, petition_type="accusation",
                              complained_org=district.township_a.pk, summary="检举某镇干部收受红包",
                              content="某镇干部王某在审批中收受红包")
    assert accusation.petition_type == PetitionType.ACCUSATION
    _, code = submitted(client, district, category, consent, phone="13912345678")
    page = verify(client, code, "13912345678", sms_log, django_capture_on_commit_callbacks).content.decode()
    assert "红包" not in page and accusation.number not in page


def test_the_petitioner_downloads_his_notices_evaluates_and_requests_review(
        client, district, actors, category, consent, sms_log, django_capture_on_commit_callbacks):
    petition, code = submitted(client, district, category, consent)
    carried_to_delivery(petition, actors, district)
    page = verify(client, code, "13812345678", sms_log, django_capture_on_commit_callbacks).content.decode()
    assert "信访处理意见书" in page
    decision = petition.notices.get(kind="decision")
    download = client.get(reverse("portal:notice-download", args=[decision.pk]))
    assert download.status_code == 200
    assert download.content[:2] == b"PK"  # a .docx
    refused = client.post(reverse("portal:evaluate"), {"rating": "excellent"})
    assert refused.status_code == 400 and Evaluation.objects.count() == 0
    client.post(reverse("portal:evaluate"), {"rating": "satisfied"})
    assert Evaluation.objects.get().entered_by_party == Evaluation.EnteredByParty.PETITIONER
    response = client.post(reverse("portal:request-review", args=["request_review"]),
                           {"reviewing_org": district.county.pk})
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.status == "under_review"
    page = client.get(reverse("portal:progress")).content.decode()
    assert "复查机关正在复查" in page


def test_the_submission_keeps_the_consent_version(client, district, category, consent):
    submitted(client, district, category, consent)
    assert PortalSubmission.objects.get().consent_notice.version == consent.version


def test_without_the_receptions_selector_the_schedule_is_empty(monkeypatch):
    import sys

    from xinfang.portal.selectors import reception_schedules

    monkeypatch.setitem(sys.modules, "xinfang.receptions.selectors", None)  # import now raises ImportError
    assert reception_schedules(today=timezone.localdate()) == []


def test_the_roadmap_lists_every_stage_with_its_article(client, db):
    page = client.get(reverse("portal:roadmap")).content.decode()
    for article in ("第二十二条", "第二十三条", "第三十四条", "第三十五条", "第三十六条"):
        assert article in page
