"""In a real browser: 青石镇 takes a petition into the 积案 ledger with its 包案领导 (the reception's link), records
a 台账 entry and reports it resolved; the office's reviewer verifies and strikes it off; a retold petition of the
same matter arrives and the case page shows the 反流."""

from datetime import datetime

import pytest
from playwright.sync_api import expect

from xinfang.matching.services import repeat_link
from tests.prevention.test_backlog import make_leader, petition
from tests.prevention.test_disputes_browser import login
from tests.web.conftest import artifact_path, chromium_page


@pytest.mark.browser
def test_create_from_a_petition_report_strike_off_and_see_the_reflux(live_server, district, people, category):
    leader = make_leader(district)
    first = petition(district, category, datetime(2026, 2, 1, 9))
    with chromium_page(base_url=live_server.url, failure_name="backlog-failure") as page:
        login(page, "qingshi")
        page.goto(f"/prevention/backlog/new/?petition={first.pk}&leader={leader.pk}&source=reception")
        expect(page.get_by_label("包案领导")).to_have_value(str(leader.pk))
        page.get_by_label("积案名称").fill("桃源村农民工工资久拖未付")
        page.get_by_label("交办（列入）日期").fill("2026-02-03")
        page.get_by_label("责任单位").select_option(label="青石镇")
        page.get_by_label("工作专班").fill("青石镇李某、人社局张某")
        page.get_by_label("化解期限").fill("2026-06-30")
        page.get_by_role("button", name="保存").click()
        expect(page.locator("#backlog-status")).to_have_text("化解中")
        expect(page.locator("#backlog-leader")).to_have_text("王副区长")
        expect(page.locator("#backlog-petition")).to_have_text(first.number)
        page.get_by_label("日期", exact=True).fill("2026-02-10")
        page.get_by_label("工作内容").fill("包案领导召开协调会，约谈企业负责人")
        page.get_by_label("办理人").fill("王副区长")
        page.get_by_role("button", name="记入台账").click()
        expect(page.locator("#backlog-entries tbody tr")).to_have_count(1)
        page.get_by_label("报结日期").fill("2026-03-20")
        page.get_by_label("化解情况").fill("工资已全部支付，当事人签字息诉")
        page.get_by_role("button", name="报结").click()
        expect(page.locator("#backlog-status")).to_have_text("已报结待核实")
        expect(page.locator("#verify-form")).to_have_count(0)  # a township does not verify
        page.locator("form[action='/logout/'] button").click()

        login(page, "p-reviewer")
        page.goto("/prevention/backlog/")
        expect(page.locator("#backlog-count")).to_have_text("1")
        page.locator("#backlog-table tbody tr").first.get_by_role("link").click()
        page.get_by_label("核实结果").select_option(label="核实通过，销号")
        page.get_by_label("销号日期").fill("2026-03-25")
        page.get_by_role("button", name="提交核实结果").click()
        expect(page.locator("#backlog-status")).to_have_text("已核实销号")
        expect(page.locator("#history tbody tr")).to_have_count(3)
        case_url = page.url
    retold = petition(district, category, datetime(2026, 5, 6, 9))
    repeat_link(actor=district.clerk, petition_id=retold.pk, first_petition_id=first.pk, reason="同一事项")
    with chromium_page(base_url=live_server.url, failure_name="backlog-failure") as page:
        login(page, "p-reviewer")
        page.goto(case_url)
        expect(page.locator("#backlog-refluxes")).to_contain_text("反流 1 次")
        expect(page.locator("#backlog-refluxes")).to_contain_text(retold.number)
        page.screenshot(path=artifact_path("backlog-case"), full_page=True)
        page.goto("/prevention/")
        expect(page.locator("#figures tr[data-key='backlog_refluxes']").get_by_role("link")).to_have_text("1")
        expect(page.locator("#figures tr[data-key='backlog_struck_off']").get_by_role("link")).to_have_text("1")
        page.screenshot(path=artifact_path("backlog-figures"), full_page=True)
