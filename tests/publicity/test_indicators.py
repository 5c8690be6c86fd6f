"""The 普法宣传 figures against a hand-computed 2026; every figure equals its drill-down.

| 活动 | 组织单位 | 形式 | 日期 | 人次 | 单行本 | 折页 |
|---|---|---|---|---|---|---|
| A1 | 青石镇 | 宣讲 | 2026-03-02 | 120 | 200 | 50 |
| A2 | 青石镇桃源村 | 进村入户 | 2026-04-10 | 35 | 30 | — |
| A3 | 白沙镇 | 宣讲 | 2026-05-06 | 80 | — | 100 |
| A4 | 白沙镇 | 宣讲 | 2025-12-20 | 60 | 10 | — |  (last year: not counted)

2026, county: 宣讲场次 3, 覆盖人次 235, 资料 380 (单行本 230, 折页 150). 青石镇 (with its village): 2, 155, 280.
宣讲 form: 2 场, 200 人次, 350 份; 进村入户: 1, 35, 30.
培训: T1 office 30 人 2026-04-01, T2 青石镇 12 人 2026-06-01 → 2 场, 42 人次.
考试: E1 office 应考40 参考36 通过30; E2 白沙镇 20/14/14 → 2 场, 参考 50, 参与率 50/60 = 83.33%, 通过率 44/50 = 88.00%.
"""

from datetime import date
from decimal import Decimal

import pytest

from xinfang.publicity import services
from xinfang.publicity.indicators import INDICATORS
from xinfang.stats.ledgers import LedgerQuery, compute, compute_totals
from tests.publicity.conftest import LEAFLET, REGULATION, activity_input, form_named, kind_named

pytestmark = pytest.mark.django_db
YEAR = dict(start=date(2026, 1, 1), end=date(2026, 12, 31), today=date(2026, 12, 2))


@pytest.fixture
def records(district, stocked):
    clerk = district.clerk
    for organiser, form, day, times, materials in (
            (district.township_a, "宣讲", date(2026, 3, 2), 120, ((REGULATION, 200), (LEAFLET, 50))),
            (district.village_a1, "进村入户", date(2026, 4, 10), 35, ((REGULATION, 30),)),
            (district.township_b, "宣讲", date(2026, 5, 6), 80, ((LEAFLET, 100),)),
            (district.township_b, "宣讲", date(2025, 12, 20), 60, ((REGULATION, 10),))):
        services.activity_create(data=activity_input(organiser=organiser, form=form, held_on=day, person_times=times,
                                                     materials=materials), actor=clerk)
    for organiser, day, attendees in ((district.office, date(2026, 4, 1), 30), (district.township_a, date(2026, 6, 1), 12)):
        services.training_create(data=services.TrainingInput(held_on=day, topic="条例解读", trainer="张老师",
                                                             organiser_id=organiser.pk, attendees=attendees,
                                                             hours=Decimal("2")), actor=clerk)
    for organiser, counts in ((district.office, (40, 36, 30)), (district.township_b, (20, 14, 14))):
        services.exam_create(data=services.ExamInput(held_on=date(2026, 5, 1), title="学法考试",
                                                     organiser_id=organiser.pk, invited=counts[0],
                                                     participants=counts[1], passes=counts[2]), actor=clerk)


def values(figures):
    return {key: figure.value for key, figure in figures.items()}


def test_county_figures_and_drill_downs(district, records):
    q = LedgerQuery(user=district.clerk, **YEAR)
    figures = compute_totals(q, INDICATORS)
    assert values(figures) == {
        "publicity_activities": 3, "publicity_person_times": 235, "publicity_materials": 380,
        "publicity_trainings": 2, "publicity_trainees": 42, "publicity_exams": 2, "publicity_exam_participants": 50,
        "publicity_exam_participation_rate": Decimal("83.33"), "publicity_exam_pass_rate": Decimal("88.00")}
    for indicator in INDICATORS:
        records = indicator.records(q)
        if indicator.kind == "count":
            assert records.count() == figures[indicator.key].value, indicator.key
        else:
            field = indicator.numerator.sum_field
            assert sum(getattr(record, field) for record in records) == figures[indicator.key].numerator, indicator.key


def test_township_roll_up_and_reader_scope(district, records):
    township = compute_totals(LedgerQuery(user=district.clerk, org=district.township_a, **YEAR), INDICATORS)
    assert (township["publicity_activities"].value, township["publicity_person_times"].value,
            township["publicity_materials"].value, township["publicity_trainees"].value) == (2, 155, 280, 12)
    assert township["publicity_exam_pass_rate"].value is None  # no exam: no rate
    # 白沙镇's own staff see only 白沙镇's records.
    own = compute_totals(LedgerQuery(user=district.township_b_user, **YEAR), INDICATORS)
    assert (own["publicity_activities"].value, own["publicity_materials"].value, own["publicity_exams"].value,
            own["publicity_exam_participation_rate"].value) == (1, 100, 1, Decimal("70.00"))


def test_breakdowns_by_form_organiser_and_material(district, records):
    q = LedgerQuery(user=district.clerk, **YEAR)
    by_form = compute(q, INDICATORS, by="form")
    lecture, visits = form_named("宣讲").pk, form_named("进村入户").pk
    assert {k: by_form[lecture][k].value for k in ("publicity_activities", "publicity_person_times",
                                                   "publicity_materials")} == {
        "publicity_activities": 2, "publicity_person_times": 200, "publicity_materials": 350}
    assert by_form[visits]["publicity_materials"].value == 30
    by_kind = compute(q, INDICATORS, by="material")
    assert by_kind[kind_named(REGULATION).pk]["publicity_materials"].value == 230
    assert by_kind[kind_named(LEAFLET).pk]["publicity_materials"].value == 150
    by_org = compute(q, INDICATORS, by="organiser")
    assert by_org[district.office.pk]["publicity_exam_pass_rate"].value == Decimal("83.33")
    assert by_org[district.township_b.pk]["publicity_activities"].value == 1


def test_xinfang_stats_shows_the_section(district, records):
    import json
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("stats", "--from", "2026-01-01", "--to", "2026-12-31", "--user", "baisha", "--format", "json",
                 stdout=out)
    section = json.loads(out.getvalue())["ledgers"]["publicity"]
    assert section["title"] == "普法宣传"
    figures = section["figures"]
    assert (figures["publicity_activities"]["value"], figures["publicity_materials"]["value"],
            figures["publicity_exam_pass_rate"]["value"]) == ("1", "100", "100.00")
