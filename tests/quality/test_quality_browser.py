"""In a real browser: the office's reviewer evaluates a case (首接首办) and sees the unit's result."""

import pytest
from playwright.sync_api import expect

from tests.web.conftest import artifact_path, chromium_page


@pytest.mark.browser
def test_a_reviewer_evaluates_a_case_and_sees_the_units_result(live_server, cases, actors):
    number = cases.late.number
    with chromium_page(base_url=live_server.url, failure_name="quality-failure") as page:
        page.goto("/login/")
        page.get_by_label("用户名").fill("reviewer")
        page.get_by_label("密码").fill("pw-123456")
        page.get_by_role("button", name="登录").click()
        page.locator("nav.sidenav").get_by_role("link", name="质量评查").click()
        page.get_by_label("信访件编号").fill(number)
        page.get_by_label("评查表", exact=True).first.select_option("first_contact")
        page.get_by_role("button", name="开始评查").click()
        expect(page.get_by_role("heading", name="首接首办质量评价")).to_be_visible()
        late_item = page.locator("tr[data-item='acceptance_notice_on_time']")
        expect(late_item).to_contain_text("不符合")
        expect(late_item.locator("input[type=number]")).to_have_value("0")  # the suggestion, pre-filled
        expect(late_item.locator("textarea")).to_contain_text("超过法定截止日")
        page.get_by_label("热情接待，如实告知办理程序和期限 得分", exact=False).fill("15")
        page.get_by_label("首办单位全程负责，未推诿、未重复转办 得分", exact=False).fill("20")
        page.get_by_role("button", name="保存评查结果").click()
        expect(page.get_by_role("alert").first).to_contain_text("未得满分的，须写明扣分说明")
        page.get_by_label("热情接待，如实告知办理程序和期限 扣分说明", exact=False).fill("未告知办理期限")
        page.screenshot(path=artifact_path("quality-evaluate"), full_page=True)
        page.get_by_role("button", name="保存评查结果").click()
        expect(page.locator("#score")).to_have_text("75.00%（75/100）")
        expect(page.locator("#grade")).to_have_text("合格")
        page.screenshot(path=artifact_path("quality-detail"), full_page=True)
        page.get_by_role("link", name="返回质量评查").click()
        row = page.locator("#unit-table tbody tr", has_text="青石镇")
        expect(row.locator("a.count")).to_have_text("1")
        expect(row.locator("a.score")).to_have_text("75.00%")
        expect(row.locator("a.failed")).to_have_text("0")
        expect(page.locator("#evaluation-table")).to_contain_text(number)
        page.screenshot(path=artifact_path("quality-results"), full_page=True)
