"""In a real browser: the head assigns a matter from 我的待办, the 承办人 investigates and drafts the 意见书, the
head returns it with a reason, the 承办人 redrafts, the head signs it; the township issues the handler's text."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.conftest import act, petition_input
from tests.web.conftest import artifact_path, chromium_page
from tests.web.test_procedure_browser import _act, _login  # the case page's own helpers
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.petitions.models import Category, HotTopic, Petition, PetitionStatus
from xinfang.petitions.reference_data import load_reference_data
from xinfang.petitions.services import petition_register
from xinfang.workflow.models import Notice

FIRST_FACTS = "经查，某建筑公司拖欠张小三工资属实。"
FACTS = "经查，某建筑公司拖欠张小三2025年10月至12月工资共计18600元属实，有工资表和考勤记录为证。"
DECISION = "责令该公司于30日内足额支付拖欠工资18600元。"
RETURN_REASON = "请写明欠薪的期间和金额，并列明证据。"
PASSWORD = "pw-123456"


def _logout(page: Page) -> None:
    page.locator("form[action='/logout/'] button").click()


def _open_inbox(page: Page, count: int) -> None:
    page.locator("nav.sidenav").get_by_role("link", name=f"我的待办 ({count})").click()
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()


def _draft(facts: str):
    def fill(form) -> None:
        form.get_by_label("处理结论", exact=True).select_option(label="支持")
        form.get_by_label("查明的事实和理由").fill(facts)
        form.locator("textarea[name=decision]").fill(DECISION)
        form.get_by_label("法律法规依据").fill("《保障农民工工资支付条例》第三条")
    return fill


@pytest.mark.browser
def test_the_head_assigns_the_handler_drafts_the_head_returns_then_signs(live_server, district):
    # given: a matter accepted by the township, and its head and a handler with names
    load_reference_data(Category, HotTopic)
    category = Category.objects.get(code="0301")
    head = user_create(username="qingshi-head", password=PASSWORD, org=district.township_a,
                       roles=[Role.HANDLING_ORG_HEAD], full_name="李镇长")
    user_create(username="wang", password=PASSWORD, org=district.township_a, roles=[Role.HANDLER],
                full_name="王承办")
    reviewer = user_create(username="reviewer", password=PASSWORD, org=district.office, roles=[Role.REVIEWER])
    petition, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                    actor=district.clerk)
    act(petition, "forward", reviewer, handling_org=district.township_a.pk)
    act(petition, "accept", head)
    number = petition.number

    with chromium_page(base_url=live_server.url, failure_name="assignment-failure") as page:
        # the head finds it among the unassigned and gives it to 王承办
        _login(page, "qingshi-head", PASSWORD)
        _open_inbox(page, 1)
        page.locator("a[data-filter='unassigned']").click()
        row = page.locator(f"#inbox-table tr[data-petition='{petition.pk}']")
        expect(row.locator(".assignee")).to_have_text("未指定")
        row.get_by_role("checkbox").check()
        page.locator("#bulk-assign").get_by_label("承办人").select_option(label="王承办（青石镇）")
        page.screenshot(path=artifact_path("assignment-head-inbox"), full_page=True)
        page.get_by_role("button", name="批量指定承办人").click()
        expect(page.locator("#bulk-summary")).to_contain_text("指定承办人为 王承办：成功 1 件，未办理 0 件")
        _logout(page)

        # the handler sees it as his, records an investigation and drafts the 意见书
        _login(page, "wang", PASSWORD)
        _open_inbox(page, 1)
        row = page.locator(f"#inbox-table tr[data-petition='{petition.pk}']")
        expect(row.locator(".assignee")).to_have_text("王承办")
        row.get_by_role("link", name=number).click()

        def investigation(form) -> None:
            form.get_by_label("调查核实方式").select_option(label="实地调查")
            form.get_by_label("调查核实情况（时间、地点、对象、经过、结果）").fill(
                "12月3日到工地查看考勤记录，询问工友两人，证实欠薪三个月。")

        _act(page, "调查核实记录", investigation)
        _act(page, "起草处理意见书（报审）", _draft(FIRST_FACTS))
        expect(page.locator("h1 .status")).to_have_text("意见书待审核")
        _open_inbox(page, 1)
        row = page.locator(f"#inbox-table tr[data-petition='{petition.pk}']")
        expect(row).to_contain_text("待审核意见书")
        expect(row.locator(".read-only-note")).to_have_text("待审核（只读）")
        _logout(page)

        # the head finds it under 待审核意见书 and returns it with a reason
        _login(page, "qingshi-head", PASSWORD)
        _open_inbox(page, 1)
        tab = page.locator(".inbox-tabs a[data-step='review_draft']")
        expect(tab.locator(".count")).to_have_text("1")
        tab.click()
        expect(page.locator("#inbox-table tbody tr")).to_have_count(1)
        page.screenshot(path=artifact_path("assignment-head-review"), full_page=True)
        page.locator("#inbox-table").get_by_role("link", name=number).click()
        _act(page, "退回修改意见书", lambda form: form.locator("textarea[name=reason]").fill(RETURN_REASON))
        _logout(page)

        # the handler sees it back at 办理中 with the reason, and redrafts
        _login(page, "wang", PASSWORD)
        _open_inbox(page, 1)
        row = page.locator(f"#inbox-table tr[data-petition='{petition.pk}']")
        expect(row).to_contain_text("办理中")
        expect(row.locator(".returned-draft")).to_have_text("意见书被退回")
        expect(row.locator(".returned-draft")).to_have_attribute("title", f"李镇长 {_today_md()}退回：{RETURN_REASON}")
        expect(row.locator(".returned-reason")).to_contain_text(RETURN_REASON)
        page.screenshot(path=artifact_path("assignment-handler-returned"), full_page=True)
        row.get_by_role("link", name=number).click()
        _act(page, "起草处理意见书（报审）", _draft(FACTS))
        _logout(page)

        # the head signs the draft as it stands
        _login(page, "qingshi-head", PASSWORD)
        _open_inbox(page, 1)
        page.locator(".inbox-tabs a[data-step='review_draft']").click()
        page.locator("#inbox-table").get_by_role("link", name=number).click()
        page.locator(".action-buttons").get_by_role("button", name="审核签发处理意见书", exact=True).click()
        form = page.locator("form.action-form")
        expect(form.get_by_label("查明的事实和理由")).to_have_value(FACTS)
        form.get_by_role("button", name="确认审核签发处理意见书").click()
        expect(page.locator(".flash-success")).to_contain_text("已审核签发处理意见书")
        expect(page.locator("h1 .status")).to_have_text("已出具意见")
        expect(page.locator("#procedure .notices")).to_contain_text("信访处理意见书")
        # (办理结果 reads only reply/mediate events — web/outcomes.py — so it does not list a signed draft yet.)
        page.screenshot(path=artifact_path("assignment-signed"), full_page=True)

    # then: the township's decision letter with the handler's redrafted text
    petition = Petition.objects.get(pk=petition.pk)
    assert (petition.status, petition.assignee.username) == (PetitionStatus.REPLIED, "wang")
    notice = Notice.objects.get(petition=petition, kind=Notice.Kind.DECISION, voided=False)
    assert notice.issuing_org_id == district.township_a.pk
    assert FACTS in str(notice.content) and DECISION in str(notice.content)
    assert FIRST_FACTS not in str(notice.content)


def _today_md() -> str:
    today = timezone.localdate()
    return f"{today.month}月{today.day}日"
