"""In a real browser: a supervisor drafts and issues a 通报, downloads its Word file; the named unit's head sees it."""

import io
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import expect

from tests.web.conftest import artifact_path, chromium_page
from xinfang.supervision.accountability import Circular


def _login(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pw-123456")
    page.get_by_role("button", name="登录").click()


@pytest.mark.browser
def test_a_supervisor_issues_a_circular_and_the_named_unit_sees_it(live_server, district, supervisor, heads,
                                                                   petition, tmp_path: Path):
    number = petition.number
    with chromium_page(base_url=live_server.url, failure_name="circular-failure") as page:
        _login(page, "duban")
        page.goto("/supervision/")
        page.get_by_role("link", name="拟写通报").click()
        page.get_by_label("类别").select_option(label="通报批评")
        page.get_by_label("标题").fill("关于青石镇信访事项办理不及时的通报")
        page.get_by_label("通报单位").select_option(label=["青石镇"])
        page.get_by_label("正文").fill("经查，青石镇有信访事项超期未办结，群众反映强烈。\n请各单位引以为戒，举一反三。")
        page.get_by_label("涉及信访件编号").fill(number)
        page.screenshot(path=artifact_path("circular-draft-form"), full_page=True)
        page.get_by_role("button", name="保存草稿").click()
        expect(page.locator("#circular-number")).to_contain_text("草稿")
        page.get_by_role("button", name="印发通报").click()
        expect(page.locator("#circular-status")).to_have_text("已印发")
        expect(page.locator("#circular-number")).to_contain_text("QXXF通〔")
        issued_number = page.locator("#circular-number").inner_text()
        page.screenshot(path=artifact_path("circular-issued"), full_page=True)
        with page.expect_download() as download_info:
            page.locator("#circular-download").click()
        download = download_info.value
        saved = tmp_path / "circular.docx"
        download.save_as(saved)
        filename = download.suggested_filename

        page.context.clear_cookies()
        _login(page, "qingshi-head")
        page.goto("/supervision/circulars/")
        rows = page.locator("#circular-table tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.nth(0)).to_contain_text(issued_number)
        expect(rows.nth(0)).to_contain_text("青石镇")
        page.screenshot(path=artifact_path("circular-unit-list"), full_page=True)
        rows.nth(0).get_by_role("link", name=issued_number).click()
        expect(page.locator("#circular-body")).to_contain_text("引以为戒")
        expect(page.get_by_role("button", name="印发通报")).to_have_count(0)
        expect(page.get_by_role("button", name="更正（撤销原通报）")).to_have_count(0)

    text = "\n".join(p.text for p in Document(io.BytesIO(saved.read_bytes())).paragraphs)
    assert filename == f"通报批评-{issued_number}.docx"
    assert "清溪区信访办" in text and issued_number in text and "青石镇：" in text and number in text
    assert Circular.objects.get().status == Circular.Status.ISSUED


@pytest.mark.browser
def test_a_supervisor_sees_an_overdue_order_and_checks_the_report(live_server, district, supervisor, heads):
    from datetime import date

    from xinfang.supervision.services_accountability import RectificationInput, rectification_issue

    overdue = rectification_issue(data=RectificationInput(
        kind="order", target_org_id=district.township_b.pk, subject="信访事项办理超期",
        content="一、2件信访事项超期未办结\n二、答复意见书未送达", issued_on=date(2026, 11, 2),
        due_on=date(2026, 11, 16)), actor=supervisor)
    interview = rectification_issue(data=RectificationInput(
        kind="interview", target_org_id=district.township_a.pk, subject="欠薪问题化解不力",
        content="群众反映欠薪问题长期未解决，镇里处置迟缓。", interviewees="王某某，青石镇镇长\n李某某，青石镇副镇长",
        held_on=date(2026, 11, 2), requirements="一个月内化解到位"), actor=supervisor)
    with chromium_page(base_url=live_server.url, failure_name="rectification-failure") as page:
        _login(page, "qingshi-head")
        page.goto("/supervision/rectifications/")
        expect(page.locator("#record-count")).to_have_text("1")  # its interview, not another township's order
        expect(page.locator("#record-table")).not_to_contain_text(overdue.number)
        page.context.clear_cookies()
        _login(page, "baisha-head")
        page.goto("/supervision/rectifications/")
        row = page.locator("#record-table tbody tr").nth(0)
        expect(row).to_contain_text("超期未报送")
        row.get_by_role("link", name=overdue.number).click()
        page.get_by_label("整改情况").fill("2件信访事项均已办结，答复意见书已送达。")
        page.get_by_role("button", name="报送").click()
        expect(page.locator("#record-state")).to_contain_text("已报送")
        page.context.clear_cookies()
        _login(page, "duban")
        page.goto(f"/supervision/rectifications/{overdue.pk}/")
        expect(page.locator("#check-form")).to_be_visible()
        page.screenshot(path=artifact_path("rectification-check"), full_page=True)
        page.goto(f"/supervision/rectifications/{interview.pk}/")
        expect(page.locator("#interviewees")).to_contain_text("李某某，青石镇副镇长")
        expect(page.locator("#report-form")).to_have_count(0)  # the supervisor does not report
        page.screenshot(path=artifact_path("rectification-interview"), full_page=True)
