"""In a real browser: 青石镇 registers a dispute and reports it settled; the office's reviewer verifies it and the
figures (化解件数, 涉及金额) count it, their drill-down listing it."""

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from tests.web.conftest import artifact_path, chromium_page


def login(page, username):
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pw-123456")
    page.get_by_role("button", name="登录").click()


@pytest.mark.browser
def test_register_settle_verify_and_see_the_figure(live_server, district, people, tmp_path):
    bad_sheet = tmp_path / "台账.xlsx"
    workbook = Workbook()
    workbook.active.append(["发现日期", "来源", "纠纷领域", "纠纷概况", "当事人", "涉及人次", "涉及金额（万元）", "属地",
                            "风险等级", "责任单位", "责任人"])
    workbook.active.append(["2026-10-01", "热线反映", "房地产", "逾期交房", "某小区业主", 40, "200", "青石镇", "中",
                            "青石镇", "张某"])
    workbook.active.append(["2026-10-02", "热线反映", "物业", "物业纠纷", "业主", 0, "1.234", "青石镇", "中", "青石镇",
                            "张某"])
    workbook.save(bad_sheet)
    with chromium_page(base_url=live_server.url, failure_name="prevention-failure") as page:
        login(page, "qingshi")
        page.locator("nav.sidenav").get_by_role("link", name="矛盾预防").click()
        page.get_by_role("link", name="矛盾纠纷", exact=True).click()
        page.get_by_role("link", name="登记矛盾纠纷").click()
        page.get_by_label("发现日期").fill("2026-11-20")
        page.get_by_label("来源").select_option(label="网格员上报")
        page.get_by_label("纠纷领域").select_option(label="欠薪讨薪/双拖欠")
        page.get_by_label("纠纷概况").fill("桃源村某工地拖欠农民工工资")
        page.get_by_label("当事人").fill("王某等12名农民工；某建筑公司")
        page.get_by_label("涉及人次").fill("12")
        page.get_by_label("涉及金额（万元）").fill("36.5")
        page.get_by_label("属地（镇街或村社区）").select_option(label="青石镇桃源村")
        page.get_by_label("风险等级").select_option(label="高")
        page.get_by_label("责任单位").select_option(label="青石镇")
        page.get_by_label("责任人").fill("李镇长")
        page.get_by_role("button", name="保存").click()
        expect(page.locator("#dispute-status")).to_have_text("化解中")
        page.get_by_label("化解情况", exact=True).select_option(label="已化解")
        page.get_by_label("化解日期").fill("2026-11-28")
        page.get_by_label("化解方式").select_option(label="调解")
        page.get_by_label("化解情况说明").fill("经镇调委会调解，工资已全部支付")
        page.get_by_role("button", name="报告化解情况").click()
        expect(page.locator("#dispute-status")).to_have_text("待核实")
        expect(page.locator("#verify-form")).to_have_count(0)  # a township does not verify
        page.locator("form[action='/logout/'] button").click()

        login(page, "p-reviewer")
        page.goto("/prevention/disputes/")
        expect(page.locator("#dispute-count")).to_have_text("1")
        expect(page.locator("#dispute-amount")).to_have_text("36.50")
        page.screenshot(path=artifact_path("prevention-list"), full_page=True)
        page.locator("#dispute-table tbody tr").first.get_by_role("link").click()
        page.get_by_label("核实结果").select_option(label="核实无误")
        page.get_by_role("button", name="提交核实结果").click()
        expect(page.locator("#dispute-status")).to_have_text("已化解")
        expect(page.locator("#history tbody tr")).to_have_count(3)
        page.screenshot(path=artifact_path("prevention-dispute"), full_page=True)

        page.locator("nav.sidenav").get_by_role("link", name="矛盾预防").click()
        settled = page.locator("#figures tr[data-key='prevention_disputes_settled']")
        expect(settled.get_by_role("link")).to_have_text("1")
        expect(page.locator("#figures tr[data-key='prevention_dispute_amount']").get_by_role("link")).to_have_text(
            "36.50")
        expect(page.locator("#figures tr[data-key='prevention_dispute_resolution_rate']")).to_contain_text("100.00%")
        page.screenshot(path=artifact_path("prevention-figures"), full_page=True)
        settled.get_by_role("link").click()
        expect(page.locator("#record-count")).to_have_text("1")
        expect(page.locator("#record-table")).to_contain_text("桃源村某工地拖欠农民工工资")

        # an office sheet with a bad row imports nothing and names the row and column
        page.goto("/prevention/disputes/import/")
        page.get_by_label("Excel文件（.xlsx）").set_input_files(str(bad_sheet))
        page.get_by_role("button", name="导入").click()
        expect(page.locator("#import-result")).to_contain_text("有 1 行出错，全部未导入")
        expect(page.locator("#import-errors")).to_contain_text("涉及人次")
        page.screenshot(path=artifact_path("prevention-import"), full_page=True)
