"""In a real browser: the statistician generates the 2025 annual report from the test year, writes the 存在的问题
paragraph in place (htmx), sees the charts (PNG under the CSP), regenerates, and the paragraph is still there beside the generated sentence; the 核对 page links each
figure to its drill-down."""

import pytest
from playwright.sync_api import expect

from tests.web.conftest import artifact_path, chromium_page
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create


def login(page, username):
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pw-123456")
    page.get_by_role("button", name="登录").click()


@pytest.mark.browser
def test_generate_write_regenerate(live_server, year, district):
    user_create(username="b-stat", password="pw-123456", org=district.office, roles=[Role.STATISTICIAN],
                full_name="统计员丙")
    with chromium_page(base_url=live_server.url, failure_name="reports-failure") as page:
        login(page, "b-stat")
        page.goto("/reports/")
        page.get_by_label("报告类型").select_option(label="法治政府建设年度报告")
        page.get_by_label("报告单位").select_option(label="清溪区信访办")
        page.get_by_label("年度").fill("2025")
        page.get_by_role("button", name="生成报告").click()
        expect(page.locator("h1")).to_have_text("清溪区信访办关于2025年法治政府建设情况的报告")
        generated = page.locator("p.generated[data-section='intake']")
        expect(generated).to_contain_text("信箱8件13人次（初件7件，重复信访占比12.50%），同比分别增长300%、550%")
        page.wait_for_load_state()  # htmx (deferred) is set up: the editor opens in place
        draft_url = page.url
        section = page.locator("#section-problems")
        section.get_by_role("link", name="撰写文字段落").click()
        section.get_by_label("文字段落").fill("基层化解能力仍需提升。")
        section.get_by_role("button", name="保存").click()
        expect(page.locator("#section-problems p.narrative")).to_have_text("基层化解能力仍需提升。")
        expect(section.get_by_role("status")).to_have_text("文字段落已保存")
        assert page.url == draft_url  # never left the draft
        chart = page.get_by_alt_text("信访量月度走势（件）")
        expect(chart).to_be_visible()
        page.wait_for_function("img => img.complete && img.naturalWidth === 945", arg=chart.element_handle())
        page.get_by_role("button", name="按最新数据重新生成").click()
        expect(page.locator("#section-problems p.narrative")).to_have_text("基层化解能力仍需提升。")
        page.wait_for_function("() => [...document.images].every(img => img.complete && img.naturalWidth > 0)")
        page.screenshot(path=artifact_path("reports-detail"), full_page=True)
        page.get_by_role("link", name="核对数据").click()
        row = page.locator("#check-table tr[data-key='registered']")
        expect(row).to_contain_text("8件")
        row.get_by_role("link", name="明细").click()
        expect(page.locator("body")).to_contain_text("登记信访件数")
        page.screenshot(path=artifact_path("reports-drilldown"), full_page=True)
