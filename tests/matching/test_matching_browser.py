"""In a real browser: the clerk types a petition like an earlier one, sees it as a candidate with its reasons,
confirms it as a repeat, and the case page shows the matter's chain."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import ID_ZHANG, petition_input
from tests.web.conftest import artifact_path, chromium_page
from xinfang.petitions.models import Category, HotTopic, Petition
from xinfang.petitions.reference_data import load_reference_data
from xinfang.petitions.services import petition_register

WAGES = "本人在青石镇某工地务工，工程结束后建筑公司拖欠工资三个月未付，多次讨要无果。"


@pytest.fixture
def wages_category(transactional_db) -> Category:
    load_reference_data(Category, HotTopic)
    return Category.objects.get(code="0301")


@pytest.mark.browser
def test_clerk_sees_the_earlier_petition_as_a_candidate_confirms_and_the_case_shows_the_chain(
    live_server, district, wages_category
):
    # given: 张小三 wrote about the unpaid wages before
    earlier, _ = petition_register(
        data=petition_input(locality=district.township_a, category=wages_category, content=WAGES),
        actor=district.clerk,
    )
    problems: list[str] = []
    with chromium_page(base_url=live_server.url, failure_name="matching-failure") as page:
        page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico")
                and problems.append(f"{r.status} {r.url}"))
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.goto("/")
        page.get_by_label("用户名").fill("clerk")
        page.get_by_label("密码").fill("pw-clerk-123")
        page.get_by_role("button", name="登录").click()
        page.goto("/petitions/new/")
        page.wait_for_load_state("load")

        # when: the clerk types a visit by the same person about the same wages, in traditional characters
        row = page.locator(".petitioner-row[data-row='0']")
        row.get_by_label("姓名/单位").fill("张小三")
        row.get_by_label("证件号码").fill(ID_ZHANG)
        page.get_by_label("问题分类").select_option(label="劳动社保 / 欠薪讨薪")
        page.get_by_label("问题属地").select_option(str(district.township_a.pk))
        page.get_by_label("概况", exact=True).fill("再次反映建筑公司拖欠工资")
        page.get_by_label("信访内容").fill("本人在青石鎮某工地務工，工程結束後建築公司拖欠工資三個月未付，多次討要無果，現再次反映。")

        # then: the earlier petition appears with its reasons
        candidates = page.locator("#repeat-candidates")
        expect(candidates).to_contain_text(earlier.number)
        expect(candidates).to_contain_text("同一信访人（同一身份证号）")
        expect(candidates).to_contain_text("都反映：")
        candidates.scroll_into_view_if_needed()
        page.screenshot(path=artifact_path("matching-candidates"), full_page=True)

        # when: confirmed, and the registration saved
        candidates.get_by_role("button", name="确认为重复信访").first.click()
        expect(page.locator("#repeat-intent")).to_contain_text("保存登记后关联到")
        page.get_by_label("信访内容").press("Control+Enter")
        page.wait_for_url(re.compile(r"/petitions/\d+/$"))

        # then: the case page shows the chain, 初件 first
        section = page.locator("#matching")
        expect(section).to_contain_text("事项全链（2件）")
        chain = section.locator("table.matter-chain tbody tr")
        expect(chain.nth(0)).to_contain_text(earlier.number)
        expect(chain.nth(0)).to_contain_text("初件")
        expect(chain.nth(1)).to_contain_text("重件")
        section.scroll_into_view_if_needed()
        page.screenshot(path=artifact_path("matching-chain"), full_page=True)

    assert problems == []
    repeat = Petition.objects.exclude(pk=earlier.pk).get()
    assert repeat.first_petition_id == earlier.pk
    assert repeat.events.filter(kind="repeat_link").exists()


@pytest.mark.browser
def test_mass_matter_page_shows_counts_and_a_monthly_chart(live_server, district, wages_category):
    from datetime import datetime

    from django.utils import timezone

    from tests.conftest import ID_LI, ID_WANG
    from xinfang.matching.models import MassCluster
    from xinfang.petitions.services import PetitionerInput

    estate = "我们是滨江花园小区业主，开发商逾期两年未办理房产证，多次协商无果，请求督促开发商尽快办证。"
    for month, (name, number) in enumerate([("张小三", ID_ZHANG), ("李四", ID_LI), ("王五", ID_WANG)], start=1):
        petition_register(data=petition_input(
            locality=district.township_a, category=wages_category, content=estate, summary="反映开发商逾期不办房产证",
            received_at=timezone.make_aware(datetime(2026, month, 5, 10)),
            petitioners=[PetitionerInput(name=name, id_number=number)]), actor=district.clerk)
    cluster = MassCluster.objects.get()
    problems: list[str] = []
    with chromium_page(base_url=live_server.url, failure_name="cluster-failure") as page:
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.goto("/")
        page.get_by_label("用户名").fill("clerk")
        page.get_by_label("密码").fill("pw-clerk-123")
        page.get_by_role("button", name="登录").click()
        page.goto("/matching/clusters/")
        page.get_by_role("link", name="反映开发商逾期不办房产证").click()
        expect(page.get_by_role("heading", name=re.compile("涉众事项"))).to_be_visible()
        expect(page.locator("dl.facts")).to_contain_text("3人（不同信访人）")
        expect(page.locator("#cluster-chart canvas")).to_have_count(1)
        expect(page.locator("table.cluster-months tbody tr")).to_have_count(3)
        page.screenshot(path=artifact_path("matching-cluster"), full_page=True)
    assert problems == []
    assert cluster.petitioner_count == 3
