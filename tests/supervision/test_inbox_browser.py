"""In a real browser: a township handler opens 我的待办 and finds the overdue matter first; the office's 督查督办员
finds it under 超期待督办 and opens the 督办 form from there."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import act, petition_input
from tests.web.conftest import artifact_path, chromium_page
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.petitions.models import Category, HotTopic
from xinfang.petitions.reference_data import load_reference_data
from xinfang.petitions.services import petition_register


@pytest.mark.browser
def test_a_township_handler_sees_the_overdue_matter_first_and_the_supervisor_can_supervise_it(live_server,
                                                                                               district):
    load_reference_data(Category, HotTopic)
    category = Category.objects.get(code="0301")
    reviewer = user_create(username="reviewer", password="pw-123456", org=district.office, roles=[Role.REVIEWER])
    user_create(username="duban", password="pw-123456", org=district.office, roles=[Role.SUPERVISOR],
                full_name="督查督办员甲")
    now = timezone.now()
    numbers = {}
    for name, days_ago in (("fresh", 1), ("overdue", 60)):
        petition, _ = petition_register(data=petition_input(
            locality=district.township_a, category=category, received_at=now - timedelta(days=days_ago),
            summary=f"反映拖欠工资（{'已超期' if name == 'overdue' else '新转送'}）"), actor=district.clerk)
        act(petition, "forward", reviewer, on=timezone.localdate() - timedelta(days=days_ago - 1),
            handling_org=district.township_a.pk)
        numbers[name] = petition.number

    with chromium_page(base_url=live_server.url, failure_name="inbox-failure") as page:
        page.goto("/login/")
        page.get_by_label("用户名").fill("qingshi")
        page.get_by_label("密码").fill("pw-123456")
        page.get_by_role("button", name="登录").click()
        page.locator("nav.sidenav").get_by_role("link", name="我的待办 (2)").click()
        expect(page.get_by_role("heading", name="我的待办")).to_be_visible()
        rows = page.locator("#inbox-table tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.nth(0)).to_contain_text(numbers["overdue"])
        expect(rows.nth(0).locator(".deadline")).to_contain_text("超期")
        expect(rows.nth(1)).to_contain_text(numbers["fresh"])
        expect(page.locator(".inbox-tabs a[data-step='accept'] .count")).to_have_text("2")
        page.screenshot(path=artifact_path("inbox-handler"), full_page=True)

        page.locator("form[action='/logout/'] button").click()

        page.get_by_label("用户名").fill("duban")
        page.get_by_label("密码").fill("pw-123456")
        page.get_by_role("button", name="登录").click()
        page.locator("nav.sidenav").get_by_role("link", name="我的待办 (1)").click()
        expect(page.locator(".inbox-tabs a[data-step='overdue'] .count")).to_have_text("1")
        section = page.locator("#section-overdue")
        expect(section.locator("tbody tr")).to_have_count(1)
        expect(section.locator("tbody tr").nth(0)).to_contain_text(numbers["overdue"])
        expect(section.locator(".days-late")).to_contain_text("超期")
        expect(section.locator(".supervised")).to_have_text("未督办")
        page.screenshot(path=artifact_path("inbox-supervisor"), full_page=True)
        section.get_by_role("link", name="督办", exact=True).click()
        expect(page).to_have_url(re.compile(r"/supervision/records/supervision/new/\?petition=\d+$"))
        expect(page.locator("main")).to_contain_text(f"信访事项：{numbers['overdue']}")


@pytest.mark.browser
def test_a_townships_head_finds_the_rectification_to_report_overdue_first(live_server, district):
    from xinfang.supervision.services_accountability import RectificationInput, rectification_issue

    supervisor = user_create(username="duban", password="pw-123456", org=district.office, roles=[Role.SUPERVISOR])
    user_create(username="qingshi-head", password="pw-123456", org=district.township_a,
                roles=[Role.HANDLING_ORG_HEAD])
    long_ago = timezone.localdate() - timedelta(days=30)
    interview = rectification_issue(data=RectificationInput(
        kind="interview", target_org_id=district.township_a.pk, subject="积案化解不力", content="约谈镇长",
        interviewees="张某（镇长）", held_on=long_ago, issued_on=long_ago, due_days=5), actor=supervisor)
    order = rectification_issue(data=RectificationInput(
        kind="order", target_org_id=district.township_a.pk, subject="受理告知不及时", content="逐件整改",
        due_days=10), actor=supervisor)
    with chromium_page(base_url=live_server.url, failure_name="inbox-rectification-failure") as page:
        page.goto("/login/")
        page.get_by_label("用户名").fill("qingshi-head")
        page.get_by_label("密码").fill("pw-123456")
        page.get_by_role("button", name="登录").click()
        page.locator("nav.sidenav").get_by_role("link", name="我的待办 (2)").click()
        expect(page.locator(".inbox-tabs a[data-step='rectification_report'] .count")).to_have_text("2")
        rows = page.locator("#section-rectification_report tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.nth(0)).to_contain_text(interview.number)
        expect(rows.nth(1)).to_contain_text(order.number)
        page.screenshot(path=artifact_path("inbox-rectification"), full_page=True)
        rows.nth(0).get_by_role("link", name=interview.number).click()
        expect(page).to_have_url(re.compile(rf"/supervision/rectifications/{interview.pk}/$"))
