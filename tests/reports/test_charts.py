"""Charts and 属地 of the reports, from the hand-counted test year (tests/stats/conftest.py).

2025 by month (received): Feb p7, Mar p1, Apr p2, May p3, Jun p4, Jul p6, Nov p8, Dec p5; 2024: May b1, Aug b2.
Channels: 来信 p1 p5 p7, 来访 p2, 来电 p6, 网上投诉 p3 p4, 12345转办 p8.
属地 (the stats' org rule: registered by, located in or sent to the 镇街): 青石镇 p1–p5 p7 p8 = 7 (2024: b1 b2,
同比 +250%), 白沙镇 p6 = 1 (2024: none, 无上年数据).
"""

import io
import re
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.stats.conftest import register
from tests.reports.test_reports import YEAR, _text
from xinfang.reports.charts import ChartData, chart_data, cjk_font, render_png
from xinfang.reports.documents import render_docx
from xinfang.reports.selectors import report_sections
from xinfang.reports.services import report_generate

pytestmark = pytest.mark.django_db
MONTHS_2025 = [0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1]
MONTHS_2024 = [0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0]


def _charts(report):
    return {chart.slug: (item.draft.section.slug, chart) for item in report_sections(report) for chart in item.draft.charts}


def test_chart_data_equals_the_figures_and_the_hand_count(year, district, staff):
    report = report_generate(actor=staff.statistician, kind="art41", office=district.office, **YEAR)
    charts = _charts(report)
    assert {slug: section for slug, (section, _) in charts.items()} == {
        "trend": "overview", "channels": "overview", "areas": "overview", "units": "transfer", "categories": "analysis"}
    trend = charts["trend"][1]
    assert trend.labels == tuple(f"{month}月" for month in range(1, 13))
    assert trend.series == (("本期", tuple(Decimal(n) for n in MONTHS_2025)),
                            ("上年同期", tuple(Decimal(n) for n in MONTHS_2024)))
    channels = charts["channels"][1]
    assert dict(zip(channels.labels, channels.series[0][1])) == {
        "来信": 3, "来访": 1, "来电": 1, "网上投诉": 2, "12345转办": 1}
    areas = charts["areas"][1]
    assert dict(zip(areas.labels, areas.series[0][1])) == {"青石镇": 7, "白沙镇": 1}
    assert charts["units"][1].labels == ("青石镇",) and charts["units"][1].series[0][1] == (6,)
    # every point is the snapshot's figure of the same key, listed on the 核对 page like a sentence's
    for _, chart in charts.values():
        assert [Decimal(report.figures[key]["value"]) for key in chart.keys] == list(chart.series[0][1]), chart.slug
    assert sum(MONTHS_2025) == int(report.figures["registered"]["value"])


def test_month_and_area_figures_drill_down_exactly(year, district, staff, client):
    report = report_generate(actor=staff.statistician, kind="art41", office=district.office, **YEAR)
    client.force_login(staff.statistician)
    page = client.get(reverse("reports:check", args=[report.pk])).content.decode()
    keys = re.findall(r'data-key="([a-z0-9_]+)"', page)
    months = [key for key in keys if key.startswith("registered_month_")]
    areas = [key for key in keys if key.startswith("registered_area_")]
    assert len(months) == 12 and len(areas) == 2
    for key in months + areas:
        response = client.get(report.figures[key]["url"])
        assert response.context["total"] == int(report.figures[key]["value"]), key
    assert report.figures["registered_month_5"]["last_year"] == "1"
    assert (report.figures["registered_month_8"]["value"], report.figures["registered_month_8"]["yoy"]) == (
        "0", "-100.00")  # b2 in August 2024, nothing in August 2025
    assert report.figures["registered_month_1"]["yoy"] is None  # 0 against 0: 无上年数据


def test_art41_by_area_with_yoy(year, district, staff):
    report = report_generate(actor=staff.reviewer, kind="art41", office=district.office, **YEAR)
    text = _text(report)
    assert "按属地统计，青石镇7件（同比增长250%）、白沙镇1件（无上年数据）。" in text
    area = report.figures[f"registered_area_{district.township_a.pk}"]
    assert (area["value"], area["last_year"], area["yoy"], area["person_times"]) == ("7", "2", "250.00", "12")
    assert "问题属地、登记机构或责任单位在青石镇（含下级）" in area["definition"]


def test_a_township_report_counts_by_its_villages(year, district, category):
    """A 镇's own report breaks down by its 村 (none of the county's 镇街); a 村 without petitions is not listed."""
    report = report_generate(actor=None, kind="art41", office=district.township_a, **YEAR)
    assert not [key for key in report.figures if key.startswith("registered_area_")]  # no petition in 桃源村
    assert "按属地" not in _text(report)
    register(district, category, date(2025, 9, 1), locality=district.village_a1)
    report = report_generate(actor=None, kind="art41", office=district.township_a, **YEAR)
    assert "按属地统计，青石镇桃源村1件（无上年数据）。" in _text(report)


def test_docx_contains_the_charts_drawn_from_the_figures(year, district, staff):
    report = report_generate(actor=staff.statistician, kind="annual", office=district.office, **YEAR)
    charts = [chart for _, chart in _charts(report).values()]
    assert sorted(chart.slug for chart in charts) == ["categories", "channels", "trend", "units"]
    data = render_docx(report)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        media = sorted(name for name in archive.namelist() if name.startswith("word/media/"))
        images = {archive.read(name) for name in media}
        body = archive.read("word/document.xml").decode()
    assert len(media) == 4
    # the images are exactly these charts (rendering is deterministic: no version stamp in the PNG)
    assert images == {render_png(chart) for chart in charts}
    assert body.count("<w:drawing>") == 4 and "图：信访量月度走势（件）" in body
    assert body.index("图：信访量月度走势（件）") > body.index("（二）畅通受理渠道")
    assert body.index("图：转送交办较多的责任单位（件）") > body.index("（三）依法规范办理")


def test_a_monthly_analysis_has_no_trend_chart(year, district, staff):
    report = report_generate(actor=staff.statistician, kind="monthly", office=district.office,
                             start=date(2025, 4, 1), end=date(2025, 4, 30))
    assert "trend" not in _charts(report)
    assert not [key for key in report.figures if key.startswith("registered_month_")]
    assert chart_data("channels", report.figures).series[0][1] == (1,)  # p2, a visit


def test_chart_view_serves_png_to_readers_only(year, district, staff, client):
    report = report_generate(actor=staff.statistician, kind="art41", office=district.office, **YEAR)
    url = reverse("reports:chart", args=[report.pk, "trend"])
    client.force_login(staff.leader)
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert f'<img src="{url}"' in page and "data:image" not in page  # CSP: img-src 'self'
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert response.content == render_png(_charts(report)["trend"][1])
    assert client.get(reverse("reports:chart", args=[report.pk, "nosuch"])).status_code == 404
    client.force_login(staff.clerk)
    assert client.get(url).status_code == 403


def test_chart_labels_use_a_chinese_font():
    """fonts-noto-cjk is installed by scripts/setup.sh: the labels are drawn in Noto Sans CJK SC, never boxes."""
    font = cjk_font()
    if font is None:
        pytest.skip("no CJK font on this machine (scripts/setup.sh installs fonts-noto-cjk)")
    assert "CJK" in font.get_family()[0]
    from matplotlib import font_manager

    path = font_manager.findfont(font, fallback_to_default=False)
    assert "CJK" in path
    png = render_png(ChartData("units", "转送交办较多的责任单位（件）", "barh", ("青石镇",), (("本期", (Decimal(6),)),),
                               ("registered_unit_1",)))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_without_a_cjk_font_the_chart_is_still_drawn_with_a_warning(monkeypatch, caplog):
    from xinfang.reports import charts

    monkeypatch.setattr(charts, "_fc_match", lambda family: None)
    monkeypatch.setattr(charts, "CJK_FAMILIES", ("No Such Font SC",))
    charts.cjk_font.cache_clear()
    try:
        assert charts.cjk_font() is None
        with pytest.warns(UserWarning, match="missing from font"):  # the labels' glyphs: the degraded mode
            png = render_png(ChartData("channels", "信访形式分布（件）", "bar", ("来信",), (("本期", (Decimal(3),)),),
                                       ("channel_letter",)))
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert "No CJK font found" in caplog.text
    finally:
        charts.cjk_font.cache_clear()
