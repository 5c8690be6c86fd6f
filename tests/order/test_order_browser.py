"""In a real browser: the office's 督查督办员 records an incident with a measure; a township handler has no menu
entry and is refused the page."""

import pytest
from playwright.sync_api import expect

from tests.web.conftest import artifact_path, chromium_page


def login(page, username):
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pw-123456")
    page.get_by_role("button", name="登录").click()


@pytest.mark.browser
def test_record_an_incident_and_the_township_is_refused(live_server, district, people):
    with chromium_page(base_url=live_server.url, failure_name="order-failure") as page:
        login(page, "o-supervisor")
        page.goto("/order/")
        page.get_by_role("link", name="登记违法信访行为").click()
        page.get_by_label("发生日期").fill("2026-11-20")
        page.get_by_label("发生地点").fill("区信访接待大厅")
        page.get_by_label("行为类型（条例第二十六条）").select_option(label="在信访接待场所滞留滋事、遗弃他人")
        page.get_by_label("行为经过").fill("在接待大厅滞留滋事，拒不离开")
        page.get_by_label("属地").select_option(label="青石镇")
        page.get_by_label("涉及人员").fill("赵大勇")
        page.get_by_label("处置措施").select_option(label="训诫")
        page.get_by_label("采取日期").fill("2026-11-20")
        page.get_by_label("采取机关名称").fill("清溪区信访办")
        page.get_by_label("文书编号").fill("清信训〔2026〕1号")
        page.get_by_role("button", name="保存").click()
        expect(page.locator("#measure-table")).to_contain_text("训诫")
        expect(page.locator("#measure-table")).to_contain_text("清信训〔2026〕1号")
        expect(page.locator("#person-table")).not_to_contain_text("赵大勇")  # masked
        page.screenshot(path=artifact_path("order-detail"), full_page=True)
        detail = page.url
        page.goto("/order/")
        expect(page.locator("#incident-count")).to_have_text("1")
        page.locator("form[action='/logout/'] button").click()

        login(page, "qingshi")
        expect(page.locator("nav.sidenav")).not_to_contain_text("违法信访")
        expect(page.locator("nav.sidenav")).not_to_contain_text("信访秩序")
        for url in (detail, f"{live_server.url}/order/"):
            response = page.goto(url)
            assert response.status in (403, 404)
            expect(page.locator("body")).not_to_contain_text("滞留滋事，拒不离开")
