"""In a real browser: a repeat retold in other words, typed into the registration form, is flagged as 重复信访
with the judgement's reasons in words, and the same person's other matter is listed apart (issue 17)."""

from datetime import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import ID_ZHANG, petition_input
from tests.web.conftest import artifact_path, chromium_page
from xinfang.petitions.services import PetitionerInput, petition_register

SEEDS = dict(summary="反映鸿运农资店出售假玉米种子",
             content="2026年4月我从鸿运农资店购买玉米种子，种了8亩，大部分不发芽，店主李某不认账，减产损失约1.2万元。",
             demands="希望督促店家赔偿。")
WAGES = dict(summary="反映宏达公司拖欠工资",
             content="本人2025年6月起在宏达建筑劳务有限公司承建的锦绣花园二期做木工，公司拖欠工资2.8万元。",
             demands="要求宏达公司支付工资。")
# What the clerk types from a call: the same matter in other words (few characters in common with SEEDS).
RETOLD = "来电称今年四月份在镇上的鸿运农资店买的种子是假的，八亩玉米苗出不来，损失一万二千元左右。要求鸿运农资店赔偿减产损失。"


@pytest.mark.browser
def test_a_paraphrased_repeat_typed_in_the_form_is_flagged_with_its_reasons(live_server, district, reference_data):
    person = [PetitionerInput(name="张小三", id_number=ID_ZHANG)]
    seeds, _ = petition_register(data=petition_input(
        locality=district.township_a, category=reference_data, petitioners=person,
        received_at=timezone.make_aware(datetime(2026, 5, 6, 10)), **SEEDS), actor=district.clerk)
    wages, _ = petition_register(data=petition_input(
        locality=district.township_a, category=reference_data, petitioners=person,
        received_at=timezone.make_aware(datetime(2026, 7, 1, 10)), **WAGES), actor=district.clerk)
    problems: list[str] = []
    with chromium_page(base_url=live_server.url, failure_name="register-judgement-failure") as page:
        page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico")
                and problems.append(f"{r.status} {r.url}"))
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.goto("/")
        page.get_by_label("用户名").fill("clerk")
        page.get_by_label("密码").fill("pw-clerk-123")
        page.get_by_role("button", name="登录").click()
        page.goto("/petitions/new/")
        page.wait_for_load_state("load")

        row = page.locator(".petitioner-row[data-row='0']")
        row.get_by_label("姓名/单位").fill("张小三")
        row.get_by_label("证件号码").fill(ID_ZHANG)
        page.get_by_label("概况", exact=True).fill("反映买到假种子")
        page.get_by_label("信访内容").fill(RETOLD)

        panel = page.locator("#repeat-candidates")
        repeats = panel.locator("ol.repeat-candidates").first
        expect(panel).to_contain_text("可能的重复信访（1）")
        expect(repeats).to_contain_text(seeds.number)
        expect(repeats).to_contain_text("重复信访")
        expect(repeats).to_contain_text("同一信访人（同一身份证号）")
        expect(repeats).to_contain_text("都反映：鸿运农资店")
        expect(repeats).to_contain_text("诉求：鸿运农资店赔偿减产损失")
        expect(repeats).not_to_contain_text(wages.number)
        others = panel.locator("ol.other-matters")
        expect(panel).to_contain_text("此人其他信访事项（1）")
        expect(others).to_contain_text(wages.number)
        expect(others).to_contain_text("反映内容不同")
        panel.scroll_into_view_if_needed()
        page.screenshot(path=artifact_path("register-judgement"), full_page=True)
    assert problems == []
