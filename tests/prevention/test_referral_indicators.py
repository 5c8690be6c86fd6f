"""The 访调对接 and 导入诉讼 figures against a hand-computed 2026; every figure equals its drill-down.

| 对接 | 责任单位 | 渠道 | 移交 | 涉及（万元） | 结果 | 结果日期 | 到位（万元） |
|---|---|---|---|---|---|---|---|
| R1 | 青石镇 | 人民调解 | 2026-02-01 | 10.50 | 调解成功 | 2026-03-01 | 8.00 |
| R2 | 青石镇 | 法院诉前调解 | 2026-03-10 | 20.00 | 调解不成 | 2026-04-10 | 0 |
| R3 | 白沙镇 | 人民调解 | 2026-05-01 | 5.25 | 进行中 | — | 0 |
| R4 | 白沙镇 | 劳动人事争议仲裁 | 2025-12-01 | 30.00 | 调解成功 | 2026-01-15 | 30.00 |
| R5 | 青石镇桃源村 | 人民调解 | 2026-11-20 | 3.00 | 调解成功 | 2026-12-01 | 2.50 |
| R6 | 青石镇 | 行政调解 | 2026-06-01 | 1.00 | 撤回 | 2026-06-05 | 0 |

County 2026: 对接 5 (R1 R2 R3 R5 R6), 调解成功 3 (R1 R4 R5, by 结果日期), 成功率 2/5 = 40.00% (R1 R5), 涉及
10.50+20.00+5.25+3.00+1.00 = 39.75, 到位 8.00+30.00+2.50 = 40.50.
青石镇 (with 桃源村): 4, 2, 2/4 = 50.00%, 34.50, 10.50. 白沙镇: 1, 1 (R4), 0/1 = 0.00%, 5.25, 30.00.
January–November: 对接 5, 调解成功 2 (R1 R4), 成功率 1/5 = 20.00% (R5 mediated only on 12-01).
By 渠道 (county 2026): 人民调解 3, 2, 2/3 = 66.67%, 18.75, 10.50; 劳动人事争议仲裁 0, 1, —, 0.00, 30.00.

导入诉讼: B1 青石镇 2026-03-15 12件 30人次 120.00; B2 白沙镇 2026-07-01 5件 8人次 45.60; B3 青石镇 2025-12-20 3件
9.00; B4 桃源村 2026-09-09 2件 0.35. County 2026: 3 批, 19 件, 165.95 万元; 青石镇 2 批, 14 件, 120.35; 白沙镇 1, 5, 45.60.
"""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from xinfang.prevention.indicators import SECTION
from xinfang.prevention.indicators_referrals import INDICATORS, group_labels
from xinfang.prevention.services_referrals import litigation_create, referral_create
from xinfang.stats import ledgers
from xinfang.stats.ledgers import LedgerQuery
from tests.prevention.test_referrals import litigation_input, referral_input

pytestmark = pytest.mark.django_db
YEAR = dict(start=date(2026, 1, 1), end=date(2026, 12, 31), today=date(2026, 12, 2))
KEYS = ("referral_count", "referral_mediated", "referral_mediation_rate", "referral_amount", "referral_recovered",
        "litigation_count", "litigation_batches", "litigation_amount")
COUNTY = ("5", "3", "40.00%", "39.75", "40.50", "19", "3", "165.95")


@pytest.fixture
def fixture(district, people):
    a, b, village, clerk = district.township_a, district.township_b, district.village_a1, people.office_clerk

    def refer(org, path, on, involved, outcome="pending", outcome_on=None, recovered="0.00"):
        return referral_create(data=referral_input(org=org, path=path, referred_on=on,
                                                   amount_involved=Decimal(involved), outcome=outcome,
                                                   outcome_on=outcome_on, amount_recovered=Decimal(recovered)),
                               actor=clerk)

    refer(a, "peoples_mediation", date(2026, 2, 1), "10.50", "mediated", date(2026, 3, 1), "8.00")
    refer(a, "court_mediation", date(2026, 3, 10), "20.00", "failed", date(2026, 4, 10))
    refer(b, "peoples_mediation", date(2026, 5, 1), "5.25")
    refer(b, "labour_arbitration", date(2025, 12, 1), "30.00", "mediated", date(2026, 1, 15), "30.00")
    refer(village, "peoples_mediation", date(2026, 11, 20), "3.00", "mediated", date(2026, 12, 1), "2.50")
    refer(a, "administrative_mediation", date(2026, 6, 1), "1.00", "withdrawn", date(2026, 6, 5))

    def batch(org, on, cases, persons, amount):
        litigation_create(data=litigation_input(org=org, guided_on=on, case_count=cases, person_times=persons,
                                                amount=Decimal(amount)), actor=clerk)

    batch(a, date(2026, 3, 15), 12, 30, "120.00")
    batch(b, date(2026, 7, 1), 5, 8, "45.60")
    batch(a, date(2025, 12, 20), 3, 3, "9.00")
    batch(village, date(2026, 9, 9), 2, 4, "0.35")


def values(q, by=None):
    result = ledgers.compute(q, INDICATORS, by=by)
    return {group: {key: figure.display for key, figure in figures.items()} for group, figures in result.items()}


def test_the_county_and_each_township_against_the_hand_count(district, people, fixture):
    assert values(LedgerQuery(user=people.office_clerk, **YEAR))[None] == dict(zip(KEYS, COUNTY))
    assert values(LedgerQuery(user=people.office_clerk, org=district.township_a, **YEAR))[None] == dict(zip(KEYS, (
        "4", "2", "50.00%", "34.50", "10.50", "14", "2", "120.35")))
    assert values(LedgerQuery(user=people.township_b, **YEAR))[None] == dict(zip(KEYS, (
        "1", "1", "0.00%", "5.25", "30.00", "5", "1", "45.60")))
    november = LedgerQuery(user=people.office_clerk, start=date(2026, 1, 1), end=date(2026, 11, 30),
                           today=date(2026, 12, 2))
    picked = values(november)[None]
    assert (picked["referral_count"], picked["referral_mediated"], picked["referral_mediation_rate"]) == (
        "5", "2", "20.00%")


def test_by_path_and_by_unit(district, people, fixture):
    q = LedgerQuery(user=people.office_clerk, **YEAR)
    by_path = values(q, by="path")
    assert by_path["peoples_mediation"] == {"referral_count": "3", "referral_mediated": "2",
                                            "referral_mediation_rate": "66.67%", "referral_amount": "18.75",
                                            "referral_recovered": "10.50"}
    assert by_path["labour_arbitration"] == {"referral_count": "0", "referral_mediated": "1",
                                             "referral_mediation_rate": "—", "referral_amount": "0.00",
                                             "referral_recovered": "30.00"}
    by_unit = values(q, by="unit")
    assert (by_unit[district.township_a.pk]["referral_count"], by_unit[district.village_a1.pk]["referral_count"],
            by_unit[district.township_a.pk]["litigation_count"], by_unit[district.township_b.pk]["litigation_amount"]
            ) == ("3", "1", "12", "45.60")
    assert group_labels("path", ["court_mediation"])["court_mediation"] == "法院诉前调解"
    assert group_labels("unit", [district.township_a.pk]) is None  # the section names the units
    assert SECTION.indicator("litigation_batches") is not None  # joined to the prevention section


def test_every_figure_equals_its_drill_down(district, people, fixture):
    for q in (LedgerQuery(user=people.office_clerk, **YEAR), LedgerQuery(user=people.township_b, **YEAR),
              LedgerQuery(user=people.office_clerk, org=district.township_a, **YEAR)):
        figures = ledgers.compute_totals(q, INDICATORS)
        for indicator in INDICATORS:
            records = indicator.records(q)
            if indicator.kind == "count" or indicator.kind == "rate":
                assert records.count() == figures[indicator.key].numerator, indicator.key
            else:  # a sum: the drill-down's rows add up to the figure
                field = indicator.numerator.sum_field
                assert sum(getattr(r, field) for r in records) == figures[indicator.key].numerator, indicator.key
            if indicator.kind == "rate":
                assert indicator.records(q, "denominator").count() == figures[indicator.key].denominator


def test_the_drill_down_pages_and_the_statistics_command(client, district, people, fixture):
    client.force_login(people.office_clerk)
    period = "start=2026-01-01&end=2026-12-31"
    page = client.get(f"/prevention/indicators/referral_mediated/?{period}")
    assert page.context["page"].paginator.count == 3
    page = client.get(f"/prevention/indicators/referral_count/?{period}&by=path&group=peoples_mediation")
    assert page.context["page"].paginator.count == 3 and "人民调解" in page.content.decode()
    page = client.get(f"/prevention/indicators/litigation_batches/?{period}")
    assert page.context["page"].paginator.count == 3
    figures_page = client.get(f"/prevention/?{period}").content.decode()
    assert "访调对接按对接渠道" in figures_page and "导入诉讼批次" in figures_page

    out = io.StringIO()
    call_command("stats", "--from", "2026-01-01", "--to", "2026-12-31", "--format", "json", stdout=out)
    figures = json.loads(out.getvalue())["ledgers"]["prevention"]["figures"]
    assert {key: figures[key]["value"] for key in KEYS} == {
        "referral_count": "5", "referral_mediated": "3", "referral_mediation_rate": "40.00",
        "referral_amount": "39.75", "referral_recovered": "40.50", "litigation_count": "19",
        "litigation_batches": "3", "litigation_amount": "165.95"}
