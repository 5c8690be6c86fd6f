"""In a real browser, under the strict Content-Security-Policy: nothing is refused and every page still works."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import ID_ZHANG, petition_input
from tests.web.conftest import chromium_page
from xinfang.petitions.services import petition_register


@pytest.mark.browser
def test_pages_htmx_and_charts_work_under_the_csp_and_searches_keep_id_numbers_out_of_urls(
    live_server, district, reference_data
):
    # given: one case of 张小三 (ID_ZHANG)
    petition, _ = petition_register(data=petition_input(locality=district.township_a, category=reference_data),
                                    actor=district.clerk)
    refused: list[str] = []
    urls: list[str] = []

    with chromium_page(base_url=live_server.url, failure_name="security-csp-failure") as page:
        # Chromium reports each CSP refusal on the console ("Refused to execute inline script ...").
        page.on("console", lambda message: "Content Security Policy" in message.text
                and refused.append(message.text))
        page.on("pageerror", lambda error: refused.append(f"script error: {error}"))
        page.on("request", lambda request: urls.append(request.url))

        page.goto("/login/")
        page.get_by_label("用户名").fill("clerk")
        page.get_by_label("密码").fill("pw-clerk-123")
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("heading", name="信访事项")).to_be_visible()

        # when: the clerk searches by ID number in the top bar
        page.locator("#top-q").fill(ID_ZHANG)
        page.locator("#top-q").press("Enter")
        # then: the case is found, and the URL carries a key, not the number
        expect(page.locator("#petition-table")).to_contain_text(petition.number)
        assert re.search(r"/petitions/\?s=[\w-]+$", page.url)

        # ... the registration look-up (htmx POST) finds the earlier case
        page.goto("/petitions/new/")
        page.wait_for_load_state("load")
        page.locator(".petitioner-row[data-row='0']").get_by_label("证件号码").fill(ID_ZHANG)
        expect(page.locator("#earlier-0")).to_contain_text(petition.number)

        # ... the case page's action form opens (htmx) and its 取消 button (no inline onclick) closes it
        page.goto(f"/petitions/{petition.pk}/")
        page.wait_for_load_state("load")
        page.locator(".action-buttons").get_by_role("button", name="转送", exact=True).click()
        form = page.locator("form.action-form")
        expect(form).to_be_visible()
        form.get_by_role("button", name="取消").click()
        expect(form).to_have_count(0)

        # ... and the dashboard's ECharts charts draw
        page.goto("/stats/")
        expect(page.locator("#chart-trend svg")).to_be_visible()

    assert refused == []
    assert not [url for url in urls if ID_ZHANG in url]
