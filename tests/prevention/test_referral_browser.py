"""In a real browser: 青石镇 hands a matter to court pre-litigation mediation from the 访调对接 tab, is refused an
outcome without its date, records it mediated with the amount recovered; the figures page counts it and its
drill-down lists it."""

import pytest
from playwright.sync_api import expect

from tests.prevention.test_disputes_browser import login
from tests.web.conftest import artifact_path, chromium_page


@pytest.mark.browser
def test_record_a_referral_then_its_outcome_and_see_the_figures(live_server, district, people):
    with chromium_page(base_url=live_server.url, failure_name="referral-failure") as page:
        login(page, "qingshi")
        page.goto("/prevention/disputes/")
        page.get_by_role("link", name="访调对接", exact=True).first.click()
        page.get_by_role("link", name="登记访调对接").click()
        page.get_by_label("事项概况").fill("桃源村农民工工资纠纷")
        page.get_by_label("对接渠道").select_option(label="法院诉前调解")
        page.get_by_label("接收机构").fill("清溪区人民法院诉调对接中心")
        page.get_by_label("责任单位").select_option(label="青石镇")
        page.get_by_label("移交日期").fill("2026-03-01")
        page.get_by_label("当事人人次").fill("18")
        page.get_by_label("涉及金额（万元）").fill("42.60")
        page.get_by_role("button", name="保存").click()
        expect(page.locator("#referral-outcome")).to_have_text("进行中")

        page.get_by_role("link", name="修改或登记结果").click()
        page.get_by_label("结果", exact=True).select_option(label="调解成功")
        page.get_by_label("到位金额（万元）").fill("40.00")
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_text("已有结果的，请填写结果日期")).to_be_visible()
        page.get_by_label("结果日期").fill("2026-03-25")
        page.get_by_role("button", name="保存").click()
        expect(page.locator("#referral-outcome")).to_have_text("调解成功（2026年3月25日）")
        expect(page.locator("#history tbody tr")).to_have_count(2)
        page.screenshot(path=artifact_path("referral-detail"), full_page=True)

        page.goto("/prevention/?start=2026-01-01&end=2026-12-31")
        expect(page.locator("#figures tr[data-key='referral_mediated']").get_by_role("link")).to_have_text("1")
        expect(page.locator("#figures tr[data-key='referral_recovered']").get_by_role("link")).to_have_text("40.00")
        page.locator("#figures tr[data-key='referral_count']").get_by_role("link").click()
        expect(page.get_by_text("桃源村农民工工资纠纷")).to_be_visible()
