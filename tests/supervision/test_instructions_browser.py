"""In a real browser: a leader instructs on the case page, the township's head reports, the leader closes."""

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import act, petition_input
from tests.web.conftest import artifact_path, chromium_page
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.petitions.models import Category, HotTopic
from xinfang.petitions.reference_data import load_reference_data
from xinfang.petitions.services import petition_register


def _login(page: Page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pw-123456")
    page.get_by_role("button", name="登录").click()


@pytest.mark.browser
def test_leader_instructs_township_head_reports_leader_closes(live_server, district):
    load_reference_data(Category, HotTopic)
    category = Category.objects.get(code="0301")
    reviewer = user_create(username="reviewer", password="pw-123456", org=district.office, roles=[Role.REVIEWER])
    user_create(username="leader", password="pw-123456", org=district.county, roles=[Role.LEADER],
                full_name="王副区长")
    user_create(username="qingshi-head", password="pw-123456", org=district.township_a,
                roles=[Role.HANDLING_ORG_HEAD], full_name="青石镇李镇长")
    petition, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                    actor=district.clerk)
    act(petition, "forward", reviewer, handling_org=district.township_a.pk)
    case_page = f"/petitions/{petition.pk}/"

    with chromium_page(base_url=live_server.url, failure_name="instructions-failure") as page:
        _login(page, "leader")
        page.goto(case_page)
        panel = page.locator("#instructions")
        expect(panel.get_by_role("heading", name="领导批示")).to_be_visible()
        panel.get_by_label("批示内容").fill("请青石镇三日内约谈企业负责人，依法督促支付欠薪，结果报我。")
        expect(panel.get_by_label("落实单位")).to_have_value(str(district.township_a.pk))  # the 责任单位
        panel.get_by_label("紧急程度").select_option(label="紧急")
        panel.get_by_label("反馈期限（工作日）").fill("3")
        panel.screenshot(path=artifact_path("instructions-leader-form"))
        panel.get_by_role("button", name="记录批示").click()
        expect(page.locator(".flash-success")).to_contain_text("交青石镇落实")
        article = page.locator("#instructions article.instruction")
        expect(article).to_contain_text("待落实")
        expect(article).to_contain_text("3个工作日")

        _login(page, "qingshi-head")
        expect(page.locator(".topbar")).to_contain_text("通知")
        page.goto(case_page)
        article = page.locator("#instructions article.instruction")
        expect(article).to_contain_text("请青石镇三日内约谈企业负责人")
        article.get_by_label("落实情况", exact=True).fill("已约谈企业负责人，欠薪已于今日全部支付。")
        article.get_by_label("最终反馈（落实完毕，报请办结）").check()
        page.locator("#instructions").screenshot(path=artifact_path("instructions-head-form"))
        article.get_by_role("button", name="提交落实情况").click()
        expect(page.locator(".flash-success")).to_contain_text("已报送最终落实情况")
        expect(article).to_contain_text("已反馈待办结")
        expect(article.locator("[data-instruction-respond]")).to_have_count(0)

        _login(page, "leader")
        page.goto(case_page)
        article = page.locator("#instructions article.instruction")
        article.get_by_label("办结意见").fill("落实到位，同意办结。")
        article.get_by_role("button", name="批示办结").click()
        expect(article).to_contain_text("已办结")
        expect(article).to_contain_text("落实到位，同意办结。")
        page.locator("#instructions").screenshot(path=artifact_path("instructions-closed"))
        page.goto("/supervision/instructions/?state=closed")
        expect(page.locator("#instruction-table tbody tr")).to_have_count(1)
        page.screenshot(path=artifact_path("instructions-list"), full_page=True)
