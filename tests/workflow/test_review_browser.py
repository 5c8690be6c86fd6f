"""In a real browser (issue 12): a 复查 goes to the organ one level above the township and is decided there;
the township head who signed the 处理意见书 is neither offered the review nor allowed to post it (Art 35).
Screenshots: test-artifacts/review-*."""

from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from django.utils import timezone
from docx import Document
from playwright.sync_api import Page, expect

from tests.conftest import act, petition_input
from tests.web.conftest import artifact_path, chromium_page
from xinfang.orgs.models import Org
from xinfang.orgs.services import org_create, org_save
from xinfang.petitions.models import Category, HotTopic, Petition, PetitionStatus
from xinfang.petitions.reference_data import load_reference_data
from xinfang.petitions.services import petition_register
from xinfang.workflow.models import Clock, Notice

# The township head's browser posts 出具复查意见 itself, as a crafted request would: it fetches the form from its
# URL (for a current expected_version), posts it with the page's CSRF token as htmx does, and shows the answer
# in the page's action slot, where htmx would have put it.
FORGED_DECIDE_REVIEW = """async () => {
    const url = location.pathname + "actions/decide_review/";
    const token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
    const blank = new DOMParser().parseFromString(await (await fetch(url)).text(), "text/html");
    const body = new FormData();
    body.append("csrfmiddlewaretoken", token);
    body.append("expected_version", blank.querySelector("input[name=expected_version]").value);
    body.append("review_outcome", "uphold");
    body.append("reasons", "原处理意见正确，予以维持。");
    const response = await fetch(url, {method: "POST", body, headers: {"X-CSRFToken": token, "HX-Request": "true"}});
    const html = await response.text();
    document.querySelector("#action-slot").innerHTML = html;
    return {status: response.status, redirect: response.headers.get("HX-Redirect"),
            version: body.get("expected_version")};
}"""
# The version the case is at, as the action form carries it.
CURRENT_VERSION = """async () => {
    const html = await (await fetch(location.pathname + "actions/decide_review/")).text();
    return new DOMParser().parseFromString(html, "text/html").querySelector("input[name=expected_version]").value;
}"""


def _login(page: Page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pw-123456" if username != "clerk" else "pw-clerk-123")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="信访事项")).to_be_visible()


def _logout(page: Page) -> None:
    page.locator("form[action='/logout/'] button").click()
    expect(page.get_by_label("用户名")).to_be_visible()


@pytest.mark.browser
def test_a_review_goes_to_the_county_and_the_township_head_who_decided_is_refused(live_server, district, actors):
    # given: a matter of 青石镇, decided by its head and delivered eight days ago (history, through the services),
    # and a province above the city, so that two organs above the county exist and must not be offered
    load_reference_data(Category, HotTopic)
    today = timezone.localdate()
    petition, _ = petition_register(
        data=petition_input(locality=district.township_a, category=Category.objects.get(code="0301")),
        actor=district.clerk)
    act(petition, "forward", actors.reviewer, on=today - timedelta(days=40), handling_org=district.township_a.pk)
    act(petition, "accept", actors.handler, on=today - timedelta(days=38))
    act(petition, "reply", actors.head, on=today - timedelta(days=10), outcome="partly_supported",
        facts="经查，公司拖欠工资属实，金额有争议。", decision="责令公司30日内支付无争议部分工资。",
        legal_basis="《保障农民工工资支付条例》第三条")
    act(petition, "deliver", actors.handler, on=today - timedelta(days=8), delivery_method="in_person")
    # (created after the history: moving the city under it rewrites the paths of the orgs the actors hold)
    province = org_create(name="江岭省人民政府", kind=Org.Kind.GOVERNMENT, level=Org.Level.PROVINCE, region_code="500000")
    actors.city.parent = province
    org_save(org=actors.city, actor=None)
    case_url = f"/petitions/{petition.pk}/"

    with chromium_page(base_url=live_server.url, failure_name="review-failure") as page:
        # 1. the county petition office's clerk records the petitioner's request for a review
        _login(page, "clerk")
        page.goto(case_url)
        page.locator(".action-buttons").get_by_role("button", name="复查申请", exact=True).click()
        form = page.locator("form.action-form")
        expect(form).to_be_visible()
        expect(form).to_contain_text("第三十五条")
        organ = form.get_by_label("复查（复核）机关")
        options = [text.strip() for text in organ.locator("option").all_inner_texts()]
        assert options == ["请选择", "清溪区人民政府"], options  # not 滨江市人民政府, not 江岭省人民政府
        organ.select_option(label="清溪区人民政府")
        page.screenshot(path=artifact_path("review-1-request"), full_page=True)
        form.get_by_role("button", name="确认复查申请").click()
        expect(page.locator(".flash-success")).to_contain_text("已复查申请")
        expect(page.locator("h1 .status")).to_have_text("复查中")
        expect(page.locator("#outcome-reviews")).to_contain_text("清溪区人民政府")
        _logout(page)

        # 2. the township head who signed the 处理意见书: not offered 出具复查意见, and refused when posting it
        _login(page, "qingshi-head")
        page.goto(case_url)
        expect(page.locator("h1 .status")).to_have_text("复查中")
        expect(page.locator("#procedure").get_by_role("button", name="出具复查意见", exact=True)).to_have_count(0)
        assert "/actions/decide_review/" not in page.content()
        refused = page.evaluate(FORGED_DECIDE_REVIEW)
        assert refused["status"] == 200 and refused["redirect"] is None, refused
        error = page.locator("#action-slot .flash-error")
        expect(error).to_contain_text("不能对该事项进行“出具复查意见”")
        expect(error).to_contain_text("《信访工作条例》第三十五条")
        page.screenshot(path=artifact_path("review-2-township-refused"), full_page=True)
        page.reload()
        expect(page.locator("h1 .status")).to_have_text("复查中")
        expect(page.locator("#outcome-reviews")).not_to_contain_text("复查意见书")
        expect(page.locator(".notices")).not_to_contain_text("复查意见书")
        assert page.evaluate(CURRENT_VERSION) == refused["version"]  # nothing changed
        _logout(page)

        # 3. a head of the county government decides the review: upheld, the opinion in the county's name
        _login(page, "county-head")
        page.goto(case_url)
        page.locator(".action-buttons").get_by_role("button", name="出具复查意见", exact=True).click()
        form = page.locator("form.action-form")
        expect(form).to_be_visible()
        form.get_by_label("复查（复核）结论").select_option(label="维持")
        form.get_by_label("事实和理由").fill("原处理意见事实清楚，适用依据正确，予以维持。")
        form.get_by_role("button", name="确认出具复查意见").click()
        expect(page.locator(".flash-success")).to_contain_text("已出具复查意见")
        expect(page.locator("h1 .status")).to_have_text("已复查")
        opinion = page.locator("#outcome-reviews tr", has_text="复查意见")
        expect(opinion).to_contain_text("清溪区人民政府")
        expect(opinion).to_contain_text("维持")
        expect(opinion).to_contain_text("-FC")
        expect(page.locator(".notices")).to_contain_text("复查意见书")
        page.screenshot(path=artifact_path("review-3-county-decided"), full_page=True)
        with page.expect_download() as download:
            page.get_by_title("下载复查意见书（Word）").click()
        letter = Path(download.value.path()).read_bytes()

    # then: the refused post changed nothing; the opinion is the county government's
    petition = Petition.objects.get(pk=petition.pk)
    assert petition.status == PetitionStatus.REVIEWED
    assert Notice.objects.get(petition=petition, kind=Notice.Kind.REVIEW, voided=False).issuing_org == district.county
    text = "\n".join(paragraph.text for paragraph in Document(BytesIO(letter)).paragraphs)
    assert text.startswith("清溪区人民政府\n信访事项复查意见书")
    assert "对青石镇作出的信访处理意见" in text
    assert text.rstrip().endswith(f"清溪区人民政府\n{today.year}年{today.month}月{today.day}日")
    # one decision, by the county head only: the township head's post left no event, clock change or notice
    assert list(petition.events.filter(kind="decide_review").values_list("actor__username", flat=True)) == [
        "county-head"]
    assert Clock.objects.get(petition=petition, kind=Clock.Kind.REVIEW_DECISION).org == district.county
