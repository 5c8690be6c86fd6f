"""In a real browser: a clerk registers a group visit (集体访) of 7 persons with 3 representatives."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import ID_LI, ID_WANG, ID_ZHANG, petition_input
from tests.web.conftest import artifact_path, chromium_page
from xinfang.petitions.models import Petition
from xinfang.petitions.services import petition_register

REPRESENTATIVES = [("张小三", ID_ZHANG), ("李四平", ID_LI), ("王五一", ID_WANG)]


def _fill_representative(page: Page, row: int, name: str, id_number: str) -> None:
    fields = page.locator(f".petitioner-row[data-row='{row}']")
    expect(fields).to_be_visible()
    fields.get_by_label("姓名/单位").fill(name)
    fields.get_by_label("证件号码").fill(id_number)
    fields.get_by_label("代表").check()


@pytest.mark.browser
def test_clerk_registers_group_visit_of_seven_with_three_representatives(
    live_server, district, reference_data
):
    # given: an earlier petition by 张小三 (first representative), for the ID lookup to find
    earlier, _ = petition_register(
        data=petition_input(locality=district.township_a, category=reference_data),
        actor=district.clerk,
    )
    # ... registered on an earlier day: not the same clerk's registration of minutes ago (which is questioned).
    Petition.objects.filter(pk=earlier.pk).update(created_at=earlier.created_at - timedelta(days=3))
    locality_value = str(district.township_a.pk)
    problems: list[str] = []

    with chromium_page(base_url=live_server.url, failure_name="register-failure") as page:
        # Static files must come from the app itself (no CDN): any 4xx/5xx or script error is a bug.
        # (The browser's own favicon probe is not the app's business.)
        page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico")
                and problems.append(f"{r.status} {r.url}"))
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))

        # when: the clerk logs in through the login page
        page.goto("/")
        page.get_by_label("用户名").fill("clerk")
        page.get_by_label("密码").fill("pw-clerk-123")
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("heading", name="信访事项")).to_be_visible()
        page.wait_for_load_state("load")  # deferred scripts have run by then
        htmx_type = page.evaluate("typeof window.htmx")
        assert htmx_type == "object", "htmx did not load from the app's own static files"

        # ... opens 登记信访事项 and registers a visit of 7 persons
        nav = page.get_by_role("navigation", name="主导航")
        nav.get_by_role("link", name=re.compile("^登记信访事项")).click()
        expect(page.get_by_role("heading", name="登记信访事项")).to_be_visible()
        page.wait_for_load_state("load")  # app.js wires the add button and Ctrl+Enter when it has run
        page.get_by_label("信访形式").select_option("visit")
        page.get_by_label("来访人数（人次）").fill("7")

        # ... with 3 representatives; rows 2 and 3 appear through the add button
        _fill_representative(page, 0, *REPRESENTATIVES[0])
        lookup = page.locator("#earlier-0")
        expect(lookup).to_contain_text("此人以往信访事项（1件）")
        expect(lookup).to_contain_text(earlier.number)
        add = page.get_by_role("button", name="＋ 添加信访人/代表")
        for row, (name, id_number) in enumerate(REPRESENTATIVES[1:], start=1):
            expect(page.locator(f".petitioner-row[data-row='{row}']")).to_be_hidden()
            add.click()
            _fill_representative(page, row, name, id_number)
        # Each row keeps its own result: 张小三's history stays while 王五一 is found to be new.
        expect(lookup).to_contain_text(earlier.number)
        expect(page.locator("#earlier-2")).to_contain_text("未查到此人以往的信访事项")
        expect(page.locator(".petitioner-row[data-row='3']")).to_be_hidden()

        page.get_by_label("问题分类").select_option(label="劳动社保 / 欠薪讨薪")
        page.get_by_label("问题属地").select_option(locality_value)
        page.get_by_label("概况", exact=True).fill("某工地七名农民工集体反映拖欠工资")
        content = page.get_by_label("信访内容")
        content.fill("七名农民工在青石镇某工地务工，工程结束后公司拖欠工资三个月未付，推选三名代表来访。")
        page.screenshot(path=artifact_path("register-form"), full_page=True)

        # ... and saves with Ctrl+Enter
        content.press("Control+Enter")
        page.wait_for_url(re.compile(r"/petitions/\d+/$"))

        # then: the case page shows 7 person-times and the group-visit badge
        expect(page.locator(".flash-success")).to_contain_text("（7人次）")
        facts = page.locator("dl.facts")
        expect(facts).to_contain_text("7人次")
        expect(facts.locator(".badge-group")).to_have_text("集体访")
        expect(page.get_by_role("heading", name="信访人（代表）")).to_be_visible()
        number = page.locator("h1").inner_text().split()[0]
        page.screenshot(path=artifact_path("petition-detail"), full_page=True)

        # ... and the list shows it first, with 7人次 and the 集体访 badge
        nav.get_by_role("link", name="信访事项", exact=True).click()
        first_row = page.locator("#petition-table tbody tr").first
        expect(first_row).to_contain_text(number)
        expect(first_row).to_contain_text("7人次")
        expect(first_row.locator(".badge-group")).to_have_text("集体访")
        page.screenshot(path=artifact_path("petition-list"), full_page=True)

    assert problems == []
    # ... and the database holds one new petition: 7 person-times, a group visit, 3 representatives
    new = Petition.objects.exclude(pk=earlier.pk)
    assert new.count() == 1
    petition = new.get()
    assert petition.number == number
    assert (petition.person_times, petition.is_group_visit) == (7, True)
    assert petition.parties.filter(is_representative=True).count() == 3
    assert {party.petitioner.name for party in petition.parties.select_related("petitioner")} == {
        name for name, _ in REPRESENTATIVES
    }
