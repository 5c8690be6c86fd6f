"""In a real browser: one petition from registration to a delivered decision letter and its evaluation."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import petition_input
from tests.web.conftest import artifact_path, chromium_page
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.petitions.models import Petition, PetitionStatus
from xinfang.petitions.services import petition_register
from xinfang.workflow.models import Evaluation, Notice


def _login(page: Page, username: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="信访事项")).to_be_visible()


def _act(page: Page, button: str, fill=None) -> None:
    """Open an action's form on the case page, fill it, confirm, and wait for the page to reload."""
    page.locator(".action-buttons").get_by_role("button", name=button, exact=True).click()
    form = page.locator("form.action-form")
    expect(form).to_be_visible()
    if fill:
        fill(form)
    form.get_by_role("button", name=f"确认{button}").click()
    expect(page.locator(".flash-success")).to_contain_text(f"已{button}")


@pytest.mark.browser
def test_a_petition_goes_from_registration_to_an_evaluated_decision_letter(live_server, district, reference_data):
    # given: a registered letter, and the head of the township that will handle it
    petition, _ = petition_register(data=petition_input(locality=district.township_a, category=reference_data),
                                    actor=district.clerk)
    user_create(username="qingshi-head", password="pw-head-123", org=district.township_a,
                roles=[Role.HANDLING_ORG_HEAD])
    case_url = f"/petitions/{petition.pk}/"

    with chromium_page(base_url=live_server.url, failure_name="procedure-failure") as page:
        # the petition office forwards it to the township (Art 22)
        _login(page, "clerk", "pw-clerk-123")
        page.goto(case_url)
        _act(page, "转送", lambda form: form.get_by_label("责任单位").select_option(label="青石镇"))
        expect(page.locator("#procedure")).to_contain_text("受理告知")
        page.locator("form[action='/logout/'] button").click()

        # the township accepts, replies with a decision letter, delivers it, and records the rating
        _login(page, "qingshi-head", "pw-head-123")
        page.goto(case_url)
        _act(page, "受理")

        def decision(form):
            form.get_by_label("处理结论", exact=True).select_option(label="部分支持")
            form.get_by_label("查明的事实和理由").fill("经查，公司拖欠工资属实，金额有争议。")
            form.locator("textarea[name=decision]").fill("责令公司30日内支付无争议部分工资。")
            form.get_by_label("法律法规依据").fill("《保障农民工工资支付条例》第三条")

        _act(page, "出具信访处理意见书", decision)
        _act(page, "送达", lambda form: form.get_by_label("送达方式").select_option(label="直接送达"))

        def rating(form):
            form.get_by_label("评价", exact=True).select_option(label="基本满意")
            form.get_by_label("评价方式").select_option(label="信访人自评")

        _act(page, "满意度评价", rating)
        expect(page.locator("#procedure")).to_contain_text("复查申请期")
        page.screenshot(path=artifact_path("procedure-delivered"), full_page=True)

    # then
    petition = Petition.objects.get(pk=petition.pk)
    assert (petition.status, petition.outcome) == (PetitionStatus.DELIVERED, "partly_supported")
    assert Notice.objects.filter(petition=petition, kind=Notice.Kind.DECISION).count() == 1
    assert Evaluation.objects.get(petition=petition).rating == "mostly_satisfied"
    assert re.match(r"QXXF-\d{4}-\d{6}-YJ1", Notice.objects.get(petition=petition, kind="decision").number)
