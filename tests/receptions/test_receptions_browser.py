"""In a real browser: the office schedules a county leader's 领导接访日 and publishes it, records the reception held,
registers a visit from the reception page (prefilled, linked on save), sees it linked, and the figures count it."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import ID_ZHANG
from tests.web.conftest import artifact_path, chromium_page
from xinfang.petitions.models import Petition
from xinfang.receptions.models import Reception, ReceptionPetition


@pytest.mark.browser
def test_schedule_hold_register_from_it_and_see_it_linked_and_counted(live_server, district, people, category):
    today = timezone.localdate().isoformat()
    problems: list[str] = []
    with chromium_page(base_url=live_server.url, failure_name="receptions-failure") as page:
        page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico")
                and problems.append(f"{r.status} {r.url}"))
        page.goto("/login/")
        page.get_by_label("用户名").fill("clerk")
        page.get_by_label("密码").fill("pw-clerk-123")
        page.get_by_role("button", name="登录").click()

        # schedule and publish
        page.goto("/receptions/schedules/")
        page.get_by_role("link", name="安排领导接访").click()
        page.get_by_label("接访领导").select_option(label="赵立新（清溪区人民政府）")
        page.get_by_label("接访日期").fill(today)
        page.get_by_label("时段").select_option(label="上午")
        page.get_by_label("接访方式").select_option(label="领导接访日")
        page.get_by_label("接访地点").fill("区信访接待中心")
        page.get_by_label("接访主题").fill("欠薪讨薪")
        page.get_by_role("button", name="保存").click()
        expect(page.locator("#schedule-status")).to_have_text("已安排")
        page.get_by_role("button", name="公布").click()
        expect(page.locator("#schedule-published")).to_have_text("已公布")
        detail = page.url
        page.goto("/receptions/schedules/public/")
        expect(page.locator("#public-schedules")).to_contain_text("赵立新")
        page.goto(detail)

        # hold it: the reception form comes prefilled from the schedule
        page.get_by_role("link", name="登记接访情况").click()
        expect(page.get_by_label("接访地点")).to_have_value("区信访接待中心")
        page.get_by_label("批次").fill("2")
        page.get_by_label("人次").fill("3")
        page.get_by_label("涉及资金（万元）").fill("12.5")
        page.get_by_label("领导批示/要求").fill("依法依规，限期办结")
        page.get_by_role("button", name="保存").click()
        expect(page.locator("#reception-counts")).to_have_text("2批次 3人次")

        # register a petition from it: a visit, the reception's day, linked once saved
        page.get_by_role("link", name="登记信访事项", exact=True).click()
        page.wait_for_url(re.compile(r"/petitions/new/\?"))
        expect(page.locator("#reception-note")).to_be_visible()
        expect(page.get_by_label("信访形式")).to_have_value("visit")
        row = page.locator(".petitioner-row[data-row='0']")
        row.get_by_label("姓名/单位").fill("张小三")
        row.get_by_label("证件号码").fill(ID_ZHANG)
        page.get_by_label("问题分类").select_option(label="劳动社保 / 欠薪讨薪")
        page.get_by_label("问题属地").select_option(str(district.township_a.pk))
        page.get_by_label("概况", exact=True).fill("领导接访时反映工地拖欠工资")
        page.get_by_label("信访内容").fill("本人在青石镇某工地务工，工程结束后公司拖欠工资三个月未付。")
        page.get_by_label("信访内容").press("Control+Enter")
        page.wait_for_url(re.compile(r"/petitions/\d+/$"))
        number = page.locator("h1").inner_text()

        page.goto("/receptions/")
        page.locator("#reception-table tbody tr").first.get_by_role("link").click()
        links = page.locator("#reception-petitions tbody tr")
        expect(links).to_have_count(1)
        expect(links.first).to_contain_text("领导接访时反映工地拖欠工资")
        expect(page.locator("#link-summary")).to_have_text("1件，已办结0件")
        links.first.get_by_label("领导批示").fill("青石镇七日内见面答复")
        links.first.get_by_role("button", name="保存批示").click()
        expect(page.locator("#reception-petitions tbody tr").first).to_contain_text("青石镇七日内见面答复")
        page.screenshot(path=artifact_path("receptions-reception"), full_page=True)

        # the figures count it, and the drill-down lists it
        page.goto("/stats/ledgers/receptions/")
        expect(page.locator("#figures tr[data-key='receptions_petitions']").get_by_role("link")).to_have_text("1")
        expect(page.locator("#figures tr[data-key='receptions_batches']").get_by_role("link")).to_have_text("2")
        expect(page.locator("#figures tr[data-key='receptions_amount']").get_by_role("link")).to_have_text("12.50")
        page.screenshot(path=artifact_path("receptions-figures"), full_page=True)
        page.locator("#figures tr[data-key='receptions_petitions']").get_by_role("link").click()
        expect(page.locator("#record-count")).to_have_text("1")

    assert problems == []
    petition = Petition.objects.get()
    assert petition.number in number and petition.channel == "visit"
    assert ReceptionPetition.objects.get().reception == Reception.objects.get()
