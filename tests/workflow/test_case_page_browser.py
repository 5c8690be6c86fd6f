"""In a real browser (issue 12 items 3, 10): the 意见书 form offers what fits, a late entry shows both dates,
and the buttons that can no longer apply are gone. Screenshots: test-artifacts/case-page-*."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import act, petition_input
from tests.web.conftest import artifact_path, chromium_page
from xinfang.petitions.models import Category, HotTopic
from xinfang.petitions.reference_data import load_reference_data
from xinfang.petitions.services import petition_register
from xinfang.workflow.models import LateEntry


@pytest.mark.browser
def test_the_decision_form_a_late_entry_and_the_buttons_that_no_longer_apply(live_server, district, actors):
    load_reference_data(Category, HotTopic)
    category = Category.objects.get(code="0301")
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    petition, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                    actor=district.clerk)
    # History: forwarded, accepted and extended by the whole 30 days some days ago.
    act(petition, "forward", actors.reviewer, on=today - timedelta(days=12), handling_org=district.township_a.pk)
    act(petition, "accept", actors.handler, on=today - timedelta(days=10))
    act(petition, "extend", actors.head, on=today - timedelta(days=5), days=30, reason="情况复杂")
    case_url = f"/petitions/{petition.pk}/"

    with chromium_page(base_url=live_server.url, failure_name="case-page-failure") as page:
        page.goto("/login/")
        page.get_by_label("用户名").fill("qingshi-head")
        page.get_by_label("密码").fill("pw-123456")
        page.get_by_role("button", name="登录").click()
        page.goto(case_url)
        buttons = page.locator(".action-buttons")
        expect(buttons.get_by_role("button", name="出具信访处理意见书", exact=True)).to_be_visible()
        expect(buttons.get_by_role("button", name="延期", exact=True)).to_have_count(0)  # 30 days used

        buttons.get_by_role("button", name="出具信访处理意见书", exact=True).click()
        form = page.locator("form.action-form")
        expect(form).to_be_visible()
        outcome = form.get_by_label("处理结论", exact=True)
        options = [text.strip() for text in outcome.locator("option").all_inner_texts()]
        assert options == ["请选择", "支持", "部分支持", "解释说明", "不予支持"]
        expect(form.get_by_label("处理意见", exact=True)).to_have_count(1)
        outcome.select_option(label="部分支持")
        form.get_by_label("查明的事实和理由").fill("经查，公司拖欠工资属实，金额有争议。")
        form.get_by_label("处理意见", exact=True).fill("责令公司30日内支付无争议部分工资。")
        form.get_by_label("法律法规依据").fill("《保障农民工工资支付条例》第三条")
        form.get_by_label("办理日期").fill(yesterday.isoformat())
        form.get_by_label("补录理由").fill("意见书昨日已签发，系统当日未录入")
        form.screenshot(path=artifact_path("case-page-decision-form"))
        form.get_by_role("button", name="确认出具信访处理意见书").click()
        expect(page.locator(".flash-success")).to_contain_text("已出具信访处理意见书")

        late = page.locator(".timeline li.late-entry")
        expect(late).to_have_count(1)
        expect(late).to_contain_text(f"办理日期 {yesterday.year}年{yesterday.month}月{yesterday.day}日")
        expect(late).to_contain_text(f"录入日期 {today.year}年{today.month}月{today.day}日")
        expect(late).to_contain_text("意见书昨日已签发")
        page.locator(".timeline").screenshot(path=artifact_path("case-page-timeline"))

        for button, fill in (("送达", lambda f: f.get_by_label("送达方式").select_option(label="直接送达")),
                             ("满意度评价", lambda f: (f.get_by_label("评价", exact=True).select_option(label="满意"),
                                                  f.get_by_label("评价方式").select_option(label="信访人自评")))):
            page.locator(".action-buttons").get_by_role("button", name=button, exact=True).click()
            form = page.locator("form.action-form")
            expect(form).to_be_visible()
            fill(form)
            form.get_by_role("button", name=f"确认{button}").click()
            expect(page.locator(".flash-success")).to_contain_text(f"已{button}")
        expect(page.locator(".action-buttons").get_by_role("button", name="满意度评价", exact=True)).to_have_count(0)
        expect(page.locator(".action-buttons").get_by_role("button", name="办结", exact=True)).to_be_visible()
        page.locator("#procedure").screenshot(path=artifact_path("case-page-after-rating"))

    entry = LateEntry.objects.get(petition=petition)
    assert (entry.action, entry.acted_on, entry.recorded_on) == ("reply", yesterday, today)
