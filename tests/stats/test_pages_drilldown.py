"""A drill-down page through the rollup: its total is the figure, its rows are exactly the live list.

Through the cells the page does not count its list (the figure is the count) and finds its rows by walking
the petitions newest first (stats.selectors.drilldown_list); both must equal the live list's.
"""

import re
from dataclasses import replace
from datetime import date

import pytest
from django.test import Client, override_settings

from xinfang.stats import rollup
from xinfang.stats.indicators import INDICATORS, compute_totals
from xinfang.stats.selectors import drilldown_list, stats_filters_parse, stats_query

pytestmark = pytest.mark.django_db

PERIODS = [(date(2025, 1, 1), date(2025, 12, 31)), (date(2025, 4, 1), date(2025, 6, 30)),
           (date(2025, 12, 1), date(2025, 12, 31)), (date(2026, 1, 1), date(2026, 3, 31)),
           (date(2025, 11, 1), date(2025, 11, 30))]
LISTS = [indicator for indicator in INDICATORS if not indicator.lists_records]


@pytest.fixture(autouse=True)
def rollup_on():
    with override_settings(XINFANG_STATS_ROLLUP=True):
        yield


def _parts(indicator):
    return ("numerator", "denominator") if indicator.denominator else ("numerator",)


def test_through_the_rollup_every_list_is_the_live_list_and_its_total_the_figure(year, actors):
    rollup.rebuild()
    walked = 0
    for user in (None, actors.clerk, actors.handler):
        for start, end in PERIODS:
            q = stats_query(user=user, filters=stats_filters_parse(start=start, end=end))
            live = replace(q, view=None)
            for indicator in LISTS:
                figure = compute_totals(q, [indicator])[indicator.key]
                for part in _parts(indicator):
                    listing = drilldown_list(q, indicator, part, figure)
                    expected = list(indicator.petitions(live, part).order_by("-received_at", "-id")
                                    .values_list("pk", flat=True))
                    assert list(listing.rows.values_list("pk", flat=True)) == expected, (indicator.key, part, start)
                    assert listing.total == len(expected), (indicator.key, part, start)
                    walked += listing.person_times is None
    assert walked > 100  # most lists were walked from the figure, not counted


def test_live_the_list_is_counted_with_its_person_times(year, actors):
    # not built: everything is live
    q = stats_query(user=actors.clerk, filters=stats_filters_parse(start=date(2025, 1, 1), end=date(2025, 12, 31)))
    for indicator in LISTS:
        figure = compute_totals(q, [indicator])[indicator.key]
        for part in _parts(indicator):
            listing = drilldown_list(q, indicator, part, figure)
            petitions = indicator.petitions(q, part)
            assert listing.total == petitions.count()
            assert listing.person_times == sum(petitions.values_list("person_times", flat=True))


def test_the_page_through_the_rollup_shows_the_figure_and_pages_through_the_live_list(year, actors, monkeypatch):
    from xinfang.stats import views

    rollup.rebuild()
    monkeypatch.setattr(views, "PAGE_SIZE", 2)  # several pages from the test year's few matters
    client = Client()
    client.force_login(actors.clerk)
    url = "/stats/indicators/timely_acceptance_rate/?start=2025-01-01&end=2025-12-31&part=denominator"
    first = client.get(url).content.decode()
    q = stats_query(user=actors.clerk, filters=stats_filters_parse(start=date(2025, 1, 1), end=date(2025, 12, 31)))
    figure = compute_totals(replace(q, view=None), [views.INDICATORS_BY_KEY["timely_acceptance_rate"]])
    total = figure["timely_acceptance_rate"].denominator
    assert re.search(r'id="case-count">(\d+)<', first).group(1) == str(total)
    assert "人次" not in first.split('id="case-count"')[1].split("</p>")[0]  # not counted through the rollup
    pages = -(-total // 2)
    assert f"第 1 / {pages} 页" in first
    numbers = []
    for number in range(1, pages + 1):
        page = client.get(f"{url}&page={number}").content.decode()
        numbers += re.findall(r'<td class="nowrap"><a href="/petitions/\d+/">([^<]+)</a>', page)
    expected = list(views.INDICATORS_BY_KEY["timely_acceptance_rate"].petitions(replace(q, view=None), "denominator")
                    .order_by("-received_at", "-id").values_list("number", flat=True))
    assert numbers == expected and len(expected) == total > 2
