"""In a real browser: the dashboard draws its charts, and a figure clicks through to that many cases."""

from datetime import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import petition_input
from tests.web.conftest import artifact_path, chromium_page, reference_data  # noqa: F401 - fixture
from xinfang.petitions.models import Channel
from xinfang.petitions.services import petition_register


@pytest.mark.browser
def test_a_figure_clicks_through_to_the_same_number_of_cases(live_server, district, reference_data):  # noqa: F811
    # given: five petitions of 2025 in three channels
    for month, channel in ((1, Channel.LETTER), (2, Channel.LETTER), (3, Channel.VISIT), (5, Channel.CALL),
                           (9, Channel.ONLINE_COMPLAINT)):
        data = petition_input(locality=district.township_a, category=reference_data, channel=channel,
                              received_at=timezone.make_aware(datetime(2025, month, 10, 9)))
        petition_register(data=data, actor=district.clerk)

    with chromium_page(base_url=live_server.url, failure_name="stats-dashboard-failure") as page:
        page.goto("/login/")
        page.get_by_label("用户名").fill("clerk")
        page.get_by_label("密码").fill("pw-clerk-123")
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("heading", name="信访事项")).to_be_visible()
        page.goto("/stats/?start=2025-01-01&end=2025-12-31")
        expect(page.get_by_role("heading", name="统计分析")).to_be_visible()
        expect(page.locator("#chart-trend svg")).to_be_visible()  # drawn by the local ECharts
        expect(page.locator("#chart-channels svg")).to_be_visible()
        page.screenshot(path=artifact_path("stats-dashboard"), full_page=True)
        card = page.locator("a[data-key='registered']")
        figure = card.locator(".stat-value").get_attribute("data-value")
        assert figure == "5"
        card.click()
        expect(page.get_by_role("heading", name="登记信访件数")).to_be_visible()
        assert page.locator("#case-count").inner_text() == figure
        assert page.locator("#drilldown-table tbody tr").count() == int(figure)
        page.screenshot(path=artifact_path("stats-drilldown"), full_page=True)
