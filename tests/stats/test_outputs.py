"""Scope, bad input, the command line, Excel, the dashboard pages, and the published 90/104 → 47/51 example."""

import io
import json
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from tests.conftest import petition_input
from tests.stats.conftest import YEAR
from xinfang.audit.models import AuditEvent
from xinfang.petitions.models import Channel
from xinfang.petitions.services import petition_register
from xinfang.stats.indicators import INDICATORS, compute_totals, compute_with_comparisons
from xinfang.stats.selectors import StatsFilters, stats_filters_parse, stats_query

pytestmark = pytest.mark.django_db
PERIOD = "start=2025-01-01&end=2025-12-31"


def test_a_township_user_sees_only_its_subtree(year, district):
    q = stats_query(user=district.township_b_user, filters=StatsFilters(*YEAR))
    figures = compute_totals(q)
    assert figures["registered"].value == 1  # p6, about 白沙镇
    by_key = {indicator.key: indicator for indicator in INDICATORS}
    assert list(by_key["registered"].petitions(q)) == [year.p["p6"]]


def test_an_org_outside_the_users_scope_is_refused(year, district):
    with pytest.raises(PermissionDenied, match="不在您的数据范围内"):
        stats_query(user=district.township_b_user, filters=StatsFilters(*YEAR, org=district.township_a))


def test_bad_periods_and_codes_are_explained():
    with pytest.raises(ValidationError) as error:
        stats_filters_parse(start="2025-12-31", end="2025-01-01", org="nosuch")
    assert error.value.message_dict == {
        "end": ["结束日期 2025-01-01 早于开始日期 2025-12-31"], "org": ["没有行政区划代码或编号为“nosuch”的机构"]}
    with pytest.raises(ValidationError, match="不是有效日期"):
        stats_filters_parse(start="2025-13-01", end="2025-12-31")


def test_the_command_prints_every_indicator_with_stable_keys(year, capsys):
    call_command("stats", "--from", "2025-01-01", "--to", "2025-12-31", "--format", "json")
    payload = json.loads(capsys.readouterr().out)
    assert list(payload["indicators"]) == [indicator.key for indicator in INDICATORS]
    registered = payload["indicators"]["registered"]
    assert (registered["value"], registered["last_year"], registered["yoy"]) == (8, 2, 300.0)
    assert payload["indicators"]["timely_acceptance_rate"]["value"] == 85.71
    call_command("stats", "--from", "2025-01-01", "--to", "2025-12-31", "--org", "500199102")
    table = capsys.readouterr().out
    assert "白沙镇" in table and re.search(r"registered\s+登记信访件数\s+1\b", table)


def test_the_command_refuses_bad_input(db):
    with pytest.raises(CommandError, match="早于开始日期"):
        call_command("stats", "--from", "2025-12-31", "--to", "2025-01-01")
    with pytest.raises(CommandError, match="没有行政区划代码或编号为“999999”的机构"):
        call_command("stats", "--from", "2025-01-01", "--to", "2025-12-31", "--org", "999999")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_dashboard_links_each_figure_to_as_many_cases(year, district):
    client = _client(district.clerk)
    page = client.get(f"/stats/?{PERIOD}").content.decode()
    assert "统计分析" in page and "vendor/echarts/echarts.min.js" in page
    links = re.findall(r'href="(/stats/indicators/(\w+)/\?[^"]+)" data-key="\w+"[^>]*>\s*<span class="stat-name">'
                       r'[^<]*</span>\s*<span class="stat-value" data-value="(\d+)"', page)
    assert len(links) == 14
    for url, key, value in links:
        drill = client.get(url.replace("&amp;", "&")).content.decode()
        shown = "person-times" if key == "person_times" else "case-count"  # 人次 lists show both totals
        assert re.search(rf'id="{shown}">(\d+)<', drill).group(1) == value, key


def test_the_unit_ranking_and_category_links_lead_to_as_many_cases(year, district):
    client = _client(district.clerk)
    page = client.get(f"/stats/?{PERIOD}").content.decode()
    ranking = page.split('id="unit-ranking"')[1].split("</table>")[0]
    cells = re.findall(r'<a href="([^"]+)" data-value="(\d+)">', ranking)
    assert len(cells) == 6  # 青石镇 and the office's own matters, three rates each
    for url, value in cells:
        drill = client.get(url.replace("&amp;", "&")).content.decode()
        assert re.search(r'id="case-count">(\d+)<', drill).group(1) == value, url
    assert "责任单位：青石镇" in client.get(cells[0][0].replace("&amp;", "&")).content.decode()
    category = re.search(r'<td>劳动社保</td><td><a href="([^"]+)">(\d+)</a>', page)
    drill = client.get(category.group(1).replace("&amp;", "&")).content.decode()
    assert category.group(2) == "8"  # every petition of the year is about 劳动社保 / 欠薪讨薪
    assert re.search(r'id="case-count">(\d+)<', drill).group(1) == "8"


def test_a_period_without_data_shows_dashes_not_errors(year, district):
    page = _client(district.clerk).get("/stats/?start=2020-01-01&end=2020-12-31").content.decode()
    assert "100.00%" not in page and page.count("—") >= 8


def test_the_dashboard_explains_a_bad_range(district):
    response = _client(district.clerk).get("/stats/?start=2025-12-31&end=2025-01-01")
    assert response.status_code == 200
    assert "结束日期 2025-01-01 早于开始日期 2025-12-31" in response.content.decode()


def test_a_township_user_cannot_drill_into_another_township(year, district):
    client = _client(district.township_b_user)
    page = client.get(f"/stats/indicators/registered/?{PERIOD}&org_id={district.township_a.pk}").content.decode()
    assert "不在您的数据范围内" in page
    assert re.search(r'id="case-count">(\d+)<', page).group(1) == "1"


def _xlsx(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_the_statistical_tables_download_as_excel(year, district):
    book = _xlsx(_client(district.clerk).get(f"/stats/tables.xlsx?{PERIOD}"))
    assert book.sheetnames == ["汇总", "按月", "按季度", "按年度", "按责任单位", "按问题分类", "按热点领域"]
    months = book["按月"]
    assert months["B2"].value == "登记信访件数（件）"
    assert [row[0] for row in months.iter_rows(min_row=3, values_only=True)][-1] == "合计"
    assert months.cell(row=months.max_row, column=2).value == 8
    assert sum(row[1] for row in months.iter_rows(min_row=3, max_row=14, values_only=True)) == 8
    units = book["按责任单位"]
    assert units.cell(row=units.max_row, column=2).value == 8
    assert book["汇总"]["A1"].value.endswith("（2025年1月1日至2025年12月31日）")
    summary = {row[1]: row for row in book["汇总"].iter_rows(min_row=3, values_only=True)}
    assert summary["registered"][2:7] == ("8", 8, None, "2", "300.00%")
    assert summary["satisfaction_rate"][2] == "66.67%"


def test_a_drill_down_list_downloads_as_excel(year, district):
    book = _xlsx(_client(district.clerk).get(f"/stats/indicators/on_time_completion_rate/cases.xlsx?{PERIOD}"))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][0] == "信访件编号"
    assert sorted(row[0] for row in rows[2:-1]) == sorted(year.p[k].number for k in ("p1", "p3", "p7"))
    assert rows[-1][0] == "合计 3 件"
    event = AuditEvent.objects.filter(action="stats.drilldown_export").get()
    assert (event.data["indicator"], event.data["rows"], event.data["start"]) == ("on_time_completion_rate", 3,
                                                                                   "2025-01-01")


# --- the published example: 90 petitions / 104 person-times, then 47 / 51, all first petitions -------------


def _register_many(district, category, *, year: int, petitions: int, person_times: int) -> None:
    extra = person_times - petitions  # visits of 3 persons each add 2 person-times
    for index in range(petitions):
        visit = index < extra // 2
        data = petition_input(
            locality=district.township_a, category=category,
            received_at=timezone.make_aware(datetime(year, 1 + index % 12, 1 + index % 27, 10)),
            channel=Channel.VISIT if visit else Channel.LETTER, person_times=3 if visit else None)
        petition_register(data=data, actor=district.clerk)


def test_the_published_county_example(district, category):
    _register_many(district, category, year=2024, petitions=90, person_times=104)
    _register_many(district, category, year=2025, petitions=47, person_times=51)
    comparisons = compute_with_comparisons(stats_query(user=None, filters=StatsFilters(date(2025, 1, 1),
                                                                                       date(2025, 12, 31))))
    assert (comparisons["registered"].figure.value, comparisons["person_times"].figure.value) == (47, 51)
    assert (comparisons["registered"].last_year.value, comparisons["person_times"].last_year.value) == (90, 104)
    assert comparisons["repeat_ratio"].figure.value == Decimal("0.00")
    assert comparisons["registered"].yoy == Decimal("-47.78")
    assert comparisons["person_times"].yoy == Decimal("-50.96")
