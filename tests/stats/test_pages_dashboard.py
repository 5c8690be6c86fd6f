"""The dashboard's queries are bounded: more units or more figures on the page do not add queries.

At 1,000,000 petitions each query of the page costs milliseconds, so the page stays fast only while their
number is fixed (docs/PERFORMANCE.md, "Pages at 1,000,000 petitions"). Counted live and through the rollup.
"""

from datetime import date

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from xinfang.orgs.models import Org
from xinfang.orgs.services import org_create
from xinfang.petitions.models import Petition
from xinfang.stats import rollup, selectors, views

pytestmark = pytest.mark.django_db

YEAR = "/stats/?start=2025-01-01&end=2025-12-31"
MONTH = "/stats/?start=2025-06-01&end=2025-06-30"
MOST = 180  # the page's queries: about 140-150 on SQLite, 169 for a month on PostgreSQL (settle locks the dirty table)


def _queries(user, url: str) -> int:
    client = Client()
    client.force_login(user)
    client.get(url)  # the session and the caches of the first request are not the page's
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _more_units(district, count: int) -> None:
    """`count` new 责任单位, each with one of the year's matters: the unit ranking gets `count` more rows."""
    petitions = list(Petition.objects.filter(received_at__year=2025).order_by("pk")[:count])
    assert len(petitions) == count
    for index, petition in enumerate(petitions):
        unit = org_create(name=f"新设单位{index}", kind=Org.Kind.DEPARTMENT, level=Org.Level.COUNTY,
                          parent=district.county)
        Petition.objects.filter(pk=petition.pk).update(handling_org=unit)


@pytest.mark.parametrize("built", [False, True])
@pytest.mark.parametrize("url", [YEAR, MONTH])
def test_more_units_do_not_add_queries_to_the_dashboard(year, district, built, url):
    with override_settings(XINFANG_STATS_ROLLUP=built):
        if built:
            rollup.rebuild()
        before = _queries(district.clerk, url)
        _more_units(district, 4)
        if built:
            rollup.rebuild()  # the new units are new orgs of the node: rebuilt, so that the cells are read
        after = _queries(district.clerk, url)
        if built:
            q = selectors.stats_query(user=district.clerk,
                                      filters=selectors.stats_filters_parse(start=date(2025, 1, 1),
                                                                            end=date(2025, 12, 31)))
            assert rollup.reader(q, by="unit", indicators=[]) is not None  # the page did read the cells
    assert after == before <= MOST


def test_more_figures_on_the_cards_do_not_add_queries(year, district, monkeypatch):
    before = _queries(district.clerk, YEAR)
    more = selectors.CARD_KEYS + ("batches", "skip_level", "completed", "reviews_decided", "litigation_related")
    monkeypatch.setattr(selectors, "CARD_KEYS", more)
    monkeypatch.setattr(views, "CARD_KEYS", more)
    page = Client()
    page.force_login(district.clerk)
    assert page.get(YEAR).content.decode().count('class="stat-card"') == len(more)
    assert _queries(district.clerk, YEAR) == before <= MOST


def test_the_overdue_list_is_the_twenty_oldest_of_the_drill_down(year, district, actors):
    from xinfang.stats.indicators import INDICATORS_BY_KEY

    for start, end in ((date(2025, 1, 1), date(2025, 12, 31)), (date(2026, 1, 1), date(2026, 3, 31))):
        q = selectors.stats_query(user=actors.clerk, filters=selectors.stats_filters_parse(start=start, end=end))
        expected = list(INDICATORS_BY_KEY["overdue"].petitions(q).order_by("received_at", "id")
                        .values_list("pk", flat=True)[:20])
        shown = [petition.pk for petition in selectors.stats_dashboard(q=q).overdue]
        assert shown == expected
    assert expected  # 2026 Q1 has overdue matters: not a comparison of two empty lists
