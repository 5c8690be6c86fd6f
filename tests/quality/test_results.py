"""Results per unit and the registry's quality_score_rate, against numbers counted by hand.

The quarter's current evaluations, all of 青石镇 (the 责任单位 of both cases):

| case | checklist | points | grade | note |
|---|---|---|---|---|
| on_time | 首接首办 | 100/100 | 优秀 | |
| on_time | 规范化评查 | 100/100 | 优秀 | supersedes an earlier 50/100 (不合格), which no longer counts |
| late | 首接首办 | 80/100 | 合格 | the late acceptance notice 0/20 |
| late | 规范化评查 | 20/100 | 不合格 | registration 10, investigation 10 of 20; the rest 0 |

青石镇: 4 evaluations, 300/400 = 75.00%, 1 不合格. By checklist 首接首办: 2, 180/200 = 90.00%, 0 不合格.
"""

import io
import re
from dataclasses import replace
from decimal import Decimal

import lxml.html
import pytest
from openpyxl import load_workbook

from tests.quality.conftest import full_marks
from xinfang.audit.models import AuditEvent
from xinfang.quality.config import quality_config
from xinfang.quality.models import QualityEvaluation
from xinfang.quality.selectors import UnitResult, current_quarter, quality_filters_parse, unit_results
from xinfang.quality.services import ItemInput, quality_evaluate
from xinfang.stats.indicators import INDICATORS_BY_KEY, compute
from xinfang.stats.selectors import StatsFilters, stats_query
from xinfang.supervision.rankings import quarter_dates, ranking_config, rankings_compute

pytestmark = pytest.mark.django_db
INDICATOR = INDICATORS_BY_KEY["quality_score_rate"]


@pytest.fixture
def quarter(cases, actors):
    config = quality_config()
    first, standard = config.checklist("first_contact"), config.checklist("standardization")
    reviewer = actors.reviewer

    def evaluate(petition, spec, supersedes=None, **overrides):
        return quality_evaluate(petition_id=petition.pk, checklist=spec.key, actor=reviewer,
                                scores=full_marks(spec, **overrides), supersedes_id=supersedes)

    evaluate(cases.on_time, first)
    earlier = evaluate(cases.on_time, standard, handled_on_time=ItemInput(0, "重评前误判"),
                       investigation=ItemInput(0, "材料未附"), decision_letter_complete=ItemInput(10, "依据不全"))
    evaluate(cases.on_time, standard, supersedes=earlier.pk)
    evaluate(cases.late, first, acceptance_notice_on_time=ItemInput(0, "受理告知超期"))
    lost = {key: ItemInput(0, "未完成") for key in ("acceptance_notice_on_time", "handled_on_time",
                                                  "decision_letter_complete", "delivered", "evaluated")}
    evaluate(cases.late, standard, investigation=ItemInput(10, "未听取信访人意见"), **lost)
    return current_quarter(earlier.evaluated_on)


def test_the_unit_table_equals_the_hand_count(quarter, actors, district):
    year, number = quarter
    filters = quality_filters_parse(year=str(year), quarter=str(number))
    assert unit_results(user=actors.reviewer, filters=filters) == [
        UnitResult(district.township_a.pk, "青石镇", 4, 300, 400, 1)]
    assert unit_results(user=actors.reviewer, filters=filters)[0].score == Decimal("75.00")
    by_checklist = quality_filters_parse(year=str(year), quarter=str(number), checklist="first_contact")
    assert unit_results(user=actors.reviewer, filters=by_checklist) == [
        UnitResult(district.township_a.pk, "青石镇", 2, 180, 200, 0)]
    assert QualityEvaluation.objects.count() == 5  # the superseded one is kept


def test_each_number_of_the_page_links_to_the_evaluations_behind_it(quarter, actors, client, district):
    client.force_login(actors.reviewer)
    page = lxml.html.fromstring(client.get("/quality/").content.decode())
    row = page.xpath(f"//table[@id='unit-table']//tr[@data-org='{district.township_a.pk}']")[0]
    count, score, failed = (row.xpath(f".//a[@class='{name}']")[0] for name in ("count", "score", "failed"))
    assert (count.text, score.text, failed.text) == ("4", "75.00%", "1")
    for link, expected in ((count, 4), (failed, 1)):
        listing = client.get(link.get("href")).content.decode()
        assert re.search(r'id="evaluation-count">(\d+)<', listing).group(1) == str(expected)
    failing = client.get(failed.get("href")).content.decode()
    assert "不合格" in failing and "20.00%" in failing and "50.00%" not in failing


def test_the_excel_export_has_the_same_numbers_and_is_audited(quarter, actors, client):
    client.force_login(actors.reviewer)
    response = client.get("/quality/export.xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert list(book["单位汇总"].iter_rows(min_row=3, values_only=True)) == [("青石镇", 4, 300, 400, 0.75, 1)]
    assert book["评查结果"].max_row == 2 + 4
    assert AuditEvent.objects.get(action="quality.export").data["rows"] == 4


def test_the_indicator_equals_the_table_and_its_drill_down_lists_the_cases(quarter, actors, cases, district,
                                                                          client):
    start, end = quarter_dates(*quarter)
    q = stats_query(user=actors.reviewer, filters=StatsFilters(start=start, end=end))
    figure = compute(q, by="unit", indicators=[INDICATOR])[district.township_a.pk]["quality_score_rate"]
    assert (figure.numerator, figure.denominator, figure.value) == (300, 400, Decimal("75.00"))
    # the drill-down: the matters whose current evaluations make the figure, and their points are the figure
    petitions = INDICATOR.petitions(q)
    assert set(petitions) == {cases.on_time, cases.late}
    current = QualityEvaluation.objects.filter(petition__in=petitions, superseded_by__isnull=True)
    assert sum(current.values_list("points_earned", flat=True)) == figure.numerator
    assert sum(current.values_list("points_possible", flat=True)) == figure.denominator
    client.force_login(actors.reviewer)
    drill = client.get(f"/stats/indicators/quality_score_rate/?start={start}&end={end}&unit={district.township_a.pk}")
    assert drill.context["figure"].numerator == 300 and drill.context["total"] == petitions.count() == 2


def test_the_ranking_shows_the_measure_without_weighing_it(quarter, actors, district):
    start, end = quarter_dates(*quarter)
    q = stats_query(user=actors.reviewer, filters=StatsFilters(start=start, end=end))
    config = replace(ranking_config(), min_cases=0)  # every unit ranked, whatever day of the quarter it is
    without = replace(config, measures=tuple(m for m in config.measures if m.key != "quality_score_rate"))

    def township(rankings):
        return next(unit for unit in rankings.units if unit.org_id == district.township_a.pk)

    unit = township(rankings_compute(q=q, year=quarter[0], quarter=quarter[1], unit_ids=None, config=config))
    item = next(item for item in unit.measures if item.spec.key == "quality_score_rate")
    assert (item.spec.weight, item.figure.value, item.rank) == (0, Decimal("75.00"), 1)
    assert "质量评查得分率 75.00%（300/400），列第1" in item.basis_zh
    plain = township(rankings_compute(q=q, year=quarter[0], quarter=quarter[1], unit_ids=None, config=without))
    assert (unit.score, unit.rank) == (plain.score, plain.rank)
