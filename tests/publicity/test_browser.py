"""In a real browser: 青石镇 records a 宣讲 handing out 《信访工作条例》单行本, sees 发放资料份数 count it, and its
drill-down list the activity; an activity beyond the stock is refused with the stock named."""

import pytest
from playwright.sync_api import expect

from tests.publicity.conftest import REGULATION
from tests.web.conftest import artifact_path, chromium_page


def login(page, username):
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pw-123456")
    page.get_by_role("button", name="登录").click()


def fill_activity(page, copies: str):
    page.get_by_label("日期").fill("2026-11-20")
    page.get_by_label("宣传形式").select_option(label="宣讲")
    page.get_by_label("主题").fill("《信访工作条例》")
    page.get_by_label("地点").fill("青石镇文化广场")
    page.get_by_label("组织单位").select_option(label="青石镇")
    page.get_by_label("覆盖人次").fill("120")
    page.get_by_label(f"发放{REGULATION}（册）").fill(copies)
    page.get_by_role("button", name="保存").click()


@pytest.mark.browser
def test_record_activity_with_materials_and_see_the_figure(live_server, district, stocked):
    with chromium_page(base_url=live_server.url, failure_name="publicity-failure") as page:
        login(page, district.township_a_user.username)
        page.goto("/publicity/")
        page.get_by_role("link", name="登记宣传活动").click()
        fill_activity(page, "600")
        expect(page.locator(".flash-error, .errorlist").first).to_contain_text("库存500册，不足发放600册")
        fill_activity(page, "200")
        expect(page.locator("#material-lines")).to_contain_text("200册")
        expect(page.locator("#history tbody tr")).to_have_count(1)
        page.screenshot(path=artifact_path("publicity-activity"), full_page=True)

        page.get_by_role("link", name="资料库存").click()
        expect(page.locator("#stock-table")).to_contain_text("300册")
        page.get_by_role("link", name="统计", exact=True).click()
        handed = page.locator("#figures tr[data-key='publicity_materials']")
        expect(handed.get_by_role("link")).to_have_text("200")
        expect(page.locator("#figures tr[data-key='publicity_activities']").get_by_role("link")).to_have_text("1")
        page.screenshot(path=artifact_path("publicity-figures"), full_page=True)
        handed.get_by_role("link").click()
        expect(page.locator("#record-count")).to_have_text("1")
        expect(page.locator("#record-table")).to_contain_text(REGULATION)
