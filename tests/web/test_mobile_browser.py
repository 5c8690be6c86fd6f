"""In a real browser at phone size (390×844): a citizen submits on the portal, queries progress with the query
code and the SMS code from the logging gateway, downloads nothing he may not, evaluates and requests a review;
and a township handler accepts a case from his inbox on a phone."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import act, petition_input
from tests.portal.conftest import _clean_cache, consent, sms_log, solve  # noqa: F401  (fixtures)
from tests.portal.test_services import carried_to_delivery
from tests.web.conftest import artifact_path, chromium_page
from xinfang.petitions.models import Petition, PetitionStatus
from xinfang.petitions.services import petition_register
from xinfang.workflow.models import Evaluation

PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page: Page) -> None:
    """The page fits the phone's width: nothing makes the whole page scroll sideways."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def answer_captcha(page: Page) -> None:
    question = page.locator("label[for=id_captcha]").inner_text()
    page.locator("#id_captcha").fill(solve(question))


@pytest.mark.browser
def test_a_citizen_submits_queries_evaluates_and_requests_review_on_a_phone(
        live_server, district, actors, reference_data, consent, sms_log):  # noqa: F811  (imported fixtures)
    with chromium_page(base_url=live_server.url, failure_name="portal-phone-failure") as page:
        page.set_viewport_size(PHONE)
        page.goto("/portal/")
        expect(page.get_by_role("heading", name="网上信访", exact=True)).to_be_visible()
        no_sideways_scroll(page)
        page.screenshot(path=artifact_path("portal-phone-home"), full_page=True)
        page.get_by_role("link", name="办事导引").first.click()
        page.get_by_role("link", name="自己的权益问题，要求解决（申诉求决）").click()
        page.get_by_role("link", name="已经起诉、正在审理，或不服法院、检察院的裁判、决定").click()
        expect(page.locator(".cite")).to_contain_text("第二十二条第二款")
        page.screenshot(path=artifact_path("portal-phone-guide"), full_page=True)

        page.goto("/portal/submit/complaint/")
        page.get_by_label("申诉求决（反映自己的权益问题，要求解决）").check()
        page.get_by_label("姓名").fill("张小三")
        page.get_by_label("手机号码").fill("13812345678")
        page.get_by_label("问题属地").select_option(label="青石镇桃源村")
        page.get_by_label("问题分类").select_option(label="劳动社保 / 欠薪讨薪")
        page.get_by_label("标题（概况）").fill("反映某建筑公司拖欠农民工工资")
        page.get_by_label("反映内容（事实和理由）").fill("本人在青石镇某工地务工，工程结束后公司拖欠工资三个月未付。")
        page.locator("#id_captcha").fill("999")  # wrong on purpose: refused, nothing saved
        page.get_by_role("button", name="提交").click()
        expect(page.locator(".errors").first).to_be_visible()
        expect(page.get_by_role("alert").filter(has_text="验证题答案不正确，请重新计算")).to_be_visible()
        expect(page.get_by_text("请阅读并同意个人信息处理告知")).to_be_visible()  # every problem at once
        page.screenshot(path=artifact_path("portal-phone-refused"), full_page=True)
        page.get_by_label("我已阅读并同意《个人信息处理告知》").check()
        answer_captcha(page)
        page.get_by_role("button", name="提交").click()
        expect(page.get_by_role("heading", name="提交成功")).to_be_visible()
        code = page.locator("#query-code").inner_text()
        no_sideways_scroll(page)
        page.screenshot(path=artifact_path("portal-phone-receipt"), full_page=True)

    # the office and the township carry the matter to a delivered decision letter (services, as staff would)
    petition = Petition.objects.get()
    assert petition.channel == "online_complaint" and petition.registering_org == district.office
    carried_to_delivery(petition, actors, district)

    with chromium_page(base_url=live_server.url, failure_name="portal-phone-progress-failure") as page:
        page.set_viewport_size(PHONE)
        page.goto("/portal/query/")
        page.get_by_label("查询码").fill(code)
        page.get_by_label("手机号码").fill("13812345678")
        answer_captcha(page)
        page.get_by_role("button", name="获取短信验证码").click()
        expect(page.get_by_role("heading", name="短信验证")).to_be_visible()
        page.get_by_label("短信验证码").fill(sms_log.last_code())
        page.get_by_role("button", name="验证并查询").click()
        expect(page.locator("#progress-status")).to_have_text("已送达")
        expect(page.get_by_role("link", name=re.compile("信访处理意见书"))).to_be_visible()
        no_sideways_scroll(page)
        page.screenshot(path=artifact_path("portal-phone-progress"), full_page=True)
        with page.expect_download() as download:
            page.get_by_role("link", name=re.compile("信访处理意见书")).click()
        assert download.value.suggested_filename.endswith(".docx")
        page.get_by_label("满意", exact=True).check()
        page.get_by_role("button", name="提交评价").click()
        expect(page.locator("#evaluation-done")).to_have_text("您的评价：满意")
        page.get_by_label("受理机关").select_option(label="清溪区人民政府")
        page.get_by_role("button", name="请求复查").click()
        expect(page.locator("#progress-status")).to_have_text("复查中")
        page.screenshot(path=artifact_path("portal-phone-review"), full_page=True)

    petition.refresh_from_db()
    assert petition.status == PetitionStatus.UNDER_REVIEW and petition.review_org == district.county
    evaluation = Evaluation.objects.get(petition=petition)
    assert (evaluation.rating, evaluation.entered_by_party) == ("satisfied", "petitioner")


@pytest.mark.browser
def test_a_handler_accepts_a_case_from_the_inbox_on_a_phone(live_server, district, actors, reference_data):
    petition, _ = petition_register(data=petition_input(locality=district.township_a, category=reference_data),
                                    actor=district.clerk)
    act(petition, "forward", actors.reviewer, handling_org=district.township_a.pk)
    with chromium_page(base_url=live_server.url, failure_name="staff-phone-failure") as page:
        page.set_viewport_size(PHONE)
        page.goto("/login/")
        page.get_by_label("用户名").fill("qingshi")
        page.get_by_label("密码").fill("pw-123456")
        page.get_by_role("button", name="登录").click()
        page.goto("/supervision/inbox/")
        row = page.locator(f"#inbox-table tr[data-petition='{petition.pk}']")
        expect(row).to_be_visible()
        no_sideways_scroll(page)
        page.screenshot(path=artifact_path("staff-phone-inbox"), full_page=True)
        row.get_by_role("link", name=petition.number).click()
        expect(page.get_by_role("heading", name=re.compile(petition.number))).to_be_visible()
        no_sideways_scroll(page)
        page.locator(".action-buttons").get_by_role("button", name="受理", exact=True).click()
        form = page.locator("form.action-form")
        expect(form).to_be_visible()
        page.screenshot(path=artifact_path("staff-phone-accept-form"), full_page=True)
        form.get_by_role("button", name="确认受理").click()
        expect(page.locator(".flash-success")).to_contain_text("已受理")
        no_sideways_scroll(page)
        page.screenshot(path=artifact_path("staff-phone-case"), full_page=True)
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.ACCEPTED
