"""In a real browser: type-ahead on pinyin initials, 保存并登记下一件, and Back-then-Save (issue 12 items 7, 11)."""

import re

import pytest
from playwright.sync_api import expect

from tests.web.conftest import artifact_path, chromium_page
from xinfang.petitions.models import Petition


@pytest.mark.browser
def test_clerk_picks_by_pinyin_saves_and_registers_the_next_then_back_and_save_adds_nothing(
    live_server, district, reference_data
):
    district.department.short_name = "区人社局"
    district.department.save()
    problems: list[str] = []
    with chromium_page(base_url=live_server.url, failure_name="register-speed-failure") as page:
        page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico")
                and problems.append(f"{r.status} {r.url}"))
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.goto("/")
        page.get_by_label("用户名").fill("clerk")
        page.get_by_label("密码").fill("pw-clerk-123")
        page.get_by_role("button", name="登录").click()
        page.goto("/petitions/new/")
        page.wait_for_load_state("load")

        # A 12345 work order, received yesterday: the form asks for its number.
        page.get_by_label("信访形式").select_option("hotline_transfer")
        page.get_by_label("收到时间").fill("2026-03-02T09:30")
        expect(page.get_by_label("12345工单号")).to_be_visible()
        page.get_by_label("12345工单号").fill("GD202603020017")
        row = page.locator(".petitioner-row[data-row='0']")
        row.get_by_label("姓名/单位").fill("张小三")
        row.get_by_label("联系电话").fill("13812345678")

        # 问题属地 by pinyin initials: "qsz" lists 青石镇 (and its village, named with its township).
        locality = page.locator("#id_locality-search")
        locality.click()
        locality.press_sequentially("qsz")
        options = page.locator("#id_locality-options [role=option]")
        expect(options.first).to_have_text("青石镇（清溪区人民政府）")
        expect(options.nth(1)).to_have_text("青石镇桃源村（青石镇）")
        page.screenshot(path=artifact_path("register-typeahead"), full_page=False)
        locality.press("Enter")
        assert page.locator("#id_locality").input_value() == str(district.township_a.pk)
        expect(locality).to_have_value("青石镇")
        complained = page.locator("#id_complained_org-search")
        expect(complained).to_be_focused()  # Enter went on to the next field
        # 被反映单位 by the initials of its 简称 (区人社局).
        complained.press_sequentially("rsj")
        expect(page.locator("#id_complained_org-options [role=option]").first).to_contain_text("清溪区人力社保局")
        complained.press("Enter")
        expect(complained).to_have_value("清溪区人力社保局")

        # 问题分类 by characters: "欠薪".
        category = page.locator("#id_category-search")
        category.click()
        category.press_sequentially("欠薪")
        expect(page.locator("#id_category-options [role=option]").first).to_contain_text("欠薪讨薪")
        category.press("Enter")
        expect(category).to_have_value("劳动社保 / 欠薪讨薪")

        page.get_by_label("概况", exact=True).fill("12345转办：工地拖欠工资")
        content = page.get_by_label("信访内容")
        content.fill("来电反映青石镇某工地拖欠农民工工资三个月。")
        # The repeat-candidate panel sits beside the content field.
        panel = page.locator("#repeat-candidates")
        expect(panel).to_contain_text("可能的重复信访")
        content_box, panel_box = content.bounding_box(), panel.bounding_box()
        assert panel_box["x"] > content_box["x"] + content_box["width"] - 1
        page.screenshot(path=artifact_path("register-speed-form"), full_page=True)

        # 保存并登记下一件: saved, and a fresh form with the channel and received date kept.
        content.press("Control+Shift+Enter")
        page.wait_for_url(re.compile(r"/petitions/new/\?"))
        expect(page.locator(".flash-success")).to_contain_text("已登记：")
        expect(page.get_by_label("信访形式")).to_have_value("hotline_transfer")
        expect(page.get_by_label("收到时间")).to_have_value("2026-03-02T09:30")
        expect(page.get_by_label("概况", exact=True)).to_have_value("")
        page.screenshot(path=artifact_path("register-next"), full_page=False)

        # Back to the form just saved, and Save again: no second petition.
        page.go_back()
        page.wait_for_load_state("load")
        restored = page.get_by_label("概况", exact=True).input_value()
        if restored:  # the browser put back what was typed, the chosen 属地 shown in its type-ahead too
            expect(page.locator("#id_locality-search")).to_have_value("青石镇")
        if not restored:  # the browser gave a fresh, empty form: type the same matter again
            page.get_by_label("信访形式").select_option("hotline_transfer")
            row.get_by_label("姓名/单位").fill("张小三")
            row.get_by_label("联系电话").fill("13812345678")
            page.get_by_label("问题分类").select_option(label="劳动社保 / 欠薪讨薪")
            page.get_by_label("问题属地").select_option(str(district.township_a.pk))
            page.get_by_label("概况", exact=True).fill("12345转办：工地拖欠工资")
            content.fill("来电反映青石镇某工地拖欠农民工工资三个月。")
        page.get_by_role("button", name=re.compile("^保存登记")).click()
        page.wait_for_load_state("load")
        warning = page.locator("#duplicate-warning")
        already = page.locator(".flash-info")
        expect(warning.or_(already)).to_be_visible()
        page.screenshot(path=artifact_path("register-back-save"), full_page=True)
        outcome = "key" if already.count() else "question"
        if outcome == "question":
            expect(warning).to_contain_text("确认不是重复登记")
            expect(warning).to_contain_text("概况和信访内容相同")
        else:
            expect(already).to_contain_text("该件已登记为")

    assert problems == []
    petition = Petition.objects.get()
    assert (petition.channel, petition.source_reference, petition.locality_id, petition.complained_org_id) == (
        "hotline_transfer", "GD202603020017", district.township_a.pk, district.department.pk)
