"""Statistics stay answerable: no stored number can overflow their sums, and no filter value can crash them.

人次 is capped at registration (xinfang.petitions.validators.MAX_PERSON_TIMES) for every entry point, so the
largest sum is far inside a 64-bit integer; the filters' ids and years are checked before any query or date
arithmetic, and a bad one is explained on the page (or by the command), never a 500.
"""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from tests.api.test_petitions_api import payload
from tests.stats.conftest import register
from xinfang.api.services import api_token_create
from xinfang.petitions.models import Channel
from xinfang.petitions.validators import MAX_PERSON_TIMES, MAX_YEAR, MIN_YEAR
from xinfang.stats.selectors import stats_filters_parse

pytestmark = pytest.mark.django_db

PERIOD = "start=2026-01-01&end=2026-12-31"
BEYOND_BIGINT = str(2**64)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_token_cannot_store_a_person_times_that_breaks_the_sums(district, category):
    api = Client()
    token = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=district.clerk)}"}
    for huge in (2**63 - 1, 2**62):
        response = api.post("/api/v1/petitions", payload(district, person_times=huge),
                            content_type="application/json", **token)
        assert response.status_code == 422 and "person_times" in response.json()["errors"]
    # Two petitions at the cap: every output adds them up.
    for _ in range(2):
        register(district, category, date(2026, 3, 2), channel=Channel.VISIT, person_times=MAX_PERSON_TIMES)
    web = _client(district.clerk)
    dashboard = web.get(f"/stats/?{PERIOD}")
    assert dashboard.status_code == 200 and "20000" in dashboard.content.decode().replace(",", "")
    drill = web.get(f"/stats/indicators/person_times/?{PERIOD}")
    assert drill.status_code == 200
    assert web.get(f"/stats/tables.xlsx?{PERIOD}").status_code == 200
    call_command("stats", "--from", "2026-01-01", "--to", "2026-12-31", "--format", "json")


@pytest.mark.parametrize("query", [
    f"org_id={BEYOND_BIGINT}", "org_id=²", f"category={BEYOND_BIGINT}", f"hot_topic={BEYOND_BIGINT}",
    f"unit={BEYOND_BIGINT}", "start=9999-01-01&end=9999-12-31", "start=0001-01-01&end=0001-12-31",
])
def test_the_dashboard_explains_a_filter_out_of_range(district, query):
    response = _client(district.clerk).get(f"/stats/?{query}")
    assert response.status_code == 200
    assert "flash-error" in response.content.decode()


def test_a_drill_down_takes_any_page_number(district, category):
    register(district, category, date(2026, 3, 2))
    web = _client(district.clerk)
    for page in (BEYOND_BIGINT, "-1", "9" * 5000):
        assert web.get(f"/stats/indicators/registered/?{PERIOD}&page={page}").status_code == 200
    assert web.get("/stats/indicators/registered/?start=9999-01-01&end=9999-12-31").status_code == 200


def test_years_and_ids_are_checked_before_any_arithmetic(db):
    with pytest.raises(ValidationError) as refused:
        stats_filters_parse(start="9999-01-01", end="9999-12-31")
    assert refused.value.message_dict["start"] == [f"开始日期的年份应在{MIN_YEAR}至{MAX_YEAR}之间"]
    with pytest.raises(ValidationError) as refused:
        stats_filters_parse(org_id=BEYOND_BIGINT, category="²")
    assert set(refused.value.message_dict) == {"org", "category"}


def test_the_command_refuses_out_of_range_years_and_ids(db):
    with pytest.raises(CommandError, match="年份应在"):
        call_command("stats", "--from", "9999-01-01", "--to", "9999-12-31")
    with pytest.raises(CommandError, match="没有行政区划代码或编号为"):
        call_command("stats", "--org", BEYOND_BIGINT)
