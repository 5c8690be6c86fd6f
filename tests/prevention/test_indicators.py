"""The prevention figures against a hand-computed 2026, per reader; every figure equals its drill-down count.

The fixture (found / settled dates; ✓ = settlement verified by the office's reviewer):

| 纠纷 | 属地 | 领域 | 人次 | 万元 | 发现 | 化解 |
|---|---|---|---|---|---|---|
| D1 | 青石镇桃源村 | 欠薪 | 12 | 36.50 | 2026-03-02 | 2026-04-10 ✓ |
| D2 | 青石镇 | 房地产 | 30 | 120.25 | 2026-05-06 | — |
| D3 | 白沙镇 | 欠薪 | 5 | 0.10 | 2026-06-01 | 2026-06-20 ✓ |
| D4 | 白沙镇 | 欠薪 | 3 | 0.20 | 2025-12-20 | 2026-01-05 ✓ |
| D5 | 青石镇 | 征地拆迁 | 8 | 50.00 | 2026-07-01 | reported, not verified |

County office, 2026: 纠纷 4 (D1 D2 D3 D5), 人次 55, 金额 206.85, 化解 3 (D1 D3 D4), 化解率 2/4 = 50.00%.
青石镇 (with its village): 3, 50, 206.75, 化解 1, 1/3 = 33.33%. 白沙镇: 1, 5, 0.10, 化解 2 (D3 D4), 1/1.
排查: C1 全县大排查 by the county covering both townships (2026-02-01), C2 专项排查 by 青石镇 (2026-05-01), C3 in 2025.
Assessments (deciding organ: the county): A1 工程项目类 准予实施, filed and passed; A2 政策制定类 暂缓实施, filed;
A3 其他类 不予实施, not filed. Decisions: DEC1 (assessed by A1), DEC2 needs one and has none, DEC3 exempt.
"""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from xinfang.prevention.indicators import INDICATORS
from xinfang.stats import ledgers
from xinfang.stats.ledgers import LedgerQuery
from xinfang.prevention.lists import AssessmentKind, CampaignKind
from xinfang.prevention.services_assessments import (
    AssessmentInput,
    DecisionInput,
    assessment_create,
    assessment_file,
    assessment_review,
    decision_create,
)
from xinfang.prevention.services_disputes import (
    CampaignInput,
    SettlementInput,
    campaign_create,
    dispute_create,
    dispute_report_settlement,
    dispute_verify,
)
from tests.prevention.conftest import dispute_input, field_named

pytestmark = pytest.mark.django_db


def compute_totals(q, indicators=INDICATORS):
    return ledgers.compute_totals(q, indicators)


def compute(q, *, by=None, indicators=INDICATORS):
    return ledgers.compute(q, indicators, by=by)
YEAR = dict(start=date(2026, 1, 1), end=date(2026, 12, 31), today=date(2026, 12, 2))


def _settle(dispute, people, on, *, verify=True):
    dispute_report_settlement(dispute_id=dispute.pk, actor=people.township_a if dispute.locality.name.startswith(
        "青石") else people.township_b, data=SettlementInput(outcome="settled", settled_on=on, method="mediation"))
    if verify:
        dispute_verify(dispute_id=dispute.pk, approve=True, actor=people.office_reviewer)


@pytest.fixture
def ledger(district, people):
    wages, housing, land = field_named("欠薪讨薪/双拖欠"), field_named("房地产"), field_named("征地拆迁")
    a, b = people.township_a, people.township_b
    d1 = dispute_create(data=dispute_input(locality=district.village_a1, responsible_org=district.township_a,
                                           field_id=wages.pk, person_times=12, amount=Decimal("36.50"),
                                           found_on=date(2026, 3, 2)), actor=a)
    dispute_create(data=dispute_input(locality=district.township_a, field_id=housing.pk, person_times=30,
                                      amount=Decimal("120.25"), risk_level="medium", found_on=date(2026, 5, 6)),
                   actor=a)
    d3 = dispute_create(data=dispute_input(locality=district.township_b, field_id=wages.pk, person_times=5,
                                           amount=Decimal("0.10"), risk_level="low", found_on=date(2026, 6, 1)),
                        actor=b)
    d4 = dispute_create(data=dispute_input(locality=district.township_b, field_id=wages.pk, person_times=3,
                                           amount=Decimal("0.20"), risk_level="low", found_on=date(2025, 12, 20),
                                           deadline=None), actor=b)
    d5 = dispute_create(data=dispute_input(locality=district.township_a, field_id=land.pk, person_times=8,
                                           amount=Decimal("50.00"), found_on=date(2026, 7, 1)), actor=a)
    _settle(d1, people, date(2026, 4, 10))
    _settle(d3, people, date(2026, 6, 20))
    _settle(d4, people, date(2026, 1, 5))
    _settle(d5, people, date(2026, 8, 1), verify=False)
    county_wide, special = CampaignKind.objects.get(name="全县大排查"), CampaignKind.objects.get(name="专项排查")
    office = people.office_clerk
    campaign_create(data=CampaignInput(title="2026年春季全县矛盾纠纷大排查", kind_id=county_wide.pk,
                                       organiser_id=district.county.pk, started_on=date(2026, 2, 1),
                                       org_ids=(district.township_a.pk, district.township_b.pk)), actor=office)
    campaign_create(data=CampaignInput(title="青石镇欠薪专项排查", kind_id=special.pk, organiser_id=district.township_a.pk,
                                       started_on=date(2026, 5, 1)), actor=a)
    campaign_create(data=CampaignInput(title="2025年冬季排查", kind_id=county_wide.pk, organiser_id=district.county.pk,
                                       started_on=date(2025, 11, 1)), actor=office)
    kinds = {kind.name: kind.pk for kind in AssessmentKind.objects.all()}
    dec1 = decision_create(data=DecisionInput(title="城南片区旧城改造", kind_id=kinds["工程项目类"],
                                              deciding_org_id=district.county.pk, decided_on=date(2026, 2, 20)),
                           actor=office)
    decision_create(data=DecisionInput(title="调整城区出租车经营权", kind_id=kinds["政策制定类"],
                                       deciding_org_id=district.county.pk, decided_on=date(2026, 6, 1)), actor=office)
    decision_create(data=DecisionInput(title="更换路灯", kind_id=kinds["其他类"], deciding_org_id=district.county.pk,
                                       decided_on=date(2026, 6, 2), requires_assessment=False,
                                       exemption_reason="不涉及群众切身利益"), actor=office)

    def assess(title, kind, conclusion, on, decision=None):
        return assessment_create(data=AssessmentInput(
            title=title, kind_id=kinds[kind], deciding_org_id=district.county.pk, assessing_body="清溪区维稳中心",
            assessed_on=on, risk_level="medium", conclusion=conclusion, decision_id=decision), actor=office)

    a1 = assess("城南片区旧城改造", "工程项目类", "approve", date(2026, 3, 1), dec1.pk)
    a2 = assess("义务教育学区调整", "政策制定类", "defer", date(2026, 3, 20))
    assess("垃圾焚烧厂选址", "其他类", "reject", date(2026, 8, 1))
    assessment_file(assessment_id=a1.pk, actor=office, filed_on=date(2026, 3, 10))
    assessment_review(assessment_id=a1.pk, passed=True, actor=people.office_reviewer, reviewed_on=date(2026, 3, 15))
    assessment_file(assessment_id=a2.pk, actor=office, filed_on=date(2026, 4, 1))


def _values(figures):
    return {key: figure.value for key, figure in figures.items()}


EXPECTED_OFFICE = {
    "prevention_campaigns": 2, "prevention_disputes": 4, "prevention_dispute_batches": 4,
    "prevention_dispute_person_times": 55, "prevention_dispute_overdue": 0,
    "prevention_dispute_amount": Decimal("206.85"), "prevention_disputes_settled": 3,
    "prevention_dispute_resolution_rate": Decimal("50.00"), "prevention_assessments": 3,
    "prevention_assessments_approve": 1, "prevention_assessments_defer": 1, "prevention_assessments_reject": 1,
    "prevention_filings": 2, "prevention_filings_passed": 1, "prevention_unassessed_decisions": 1,
}


def test_the_office_figures_equal_the_hand_computed_year(ledger, people):
    figures = compute_totals(LedgerQuery(user=people.office_clerk, **YEAR))
    assert _values(figures) == EXPECTED_OFFICE
    assert isinstance(figures["prevention_dispute_amount"].value, Decimal)
    assert figures["prevention_dispute_amount"].display == "206.85"


def test_each_township_counts_its_own_and_a_village_rolls_up_to_its_township(ledger, people, district):
    qingshi = _values(compute_totals(LedgerQuery(user=people.township_a, **YEAR)))
    baisha = _values(compute_totals(LedgerQuery(user=people.township_b, **YEAR)))
    assert {key: qingshi[key] for key in ("prevention_campaigns", "prevention_disputes",
                                          "prevention_dispute_person_times", "prevention_dispute_amount",
                                          "prevention_disputes_settled", "prevention_dispute_resolution_rate")} == {
        "prevention_campaigns": 2, "prevention_disputes": 3, "prevention_dispute_person_times": 50,
        "prevention_dispute_amount": Decimal("206.75"), "prevention_disputes_settled": 1,
        "prevention_dispute_resolution_rate": Decimal("33.33")}
    assert (baisha["prevention_campaigns"], baisha["prevention_disputes"], baisha["prevention_dispute_amount"],
            baisha["prevention_disputes_settled"], baisha["prevention_dispute_resolution_rate"]) == (
        1, 1, Decimal("0.10"), 2, Decimal("100.00"))
    # the office looking at 青石镇's subtree sees what 青石镇 sees of its disputes
    rolled = _values(compute_totals(LedgerQuery(user=people.office_clerk, org=district.township_a, **YEAR)))
    assert rolled["prevention_dispute_amount"] == Decimal("206.75")
    assert rolled["prevention_disputes"] == 3


def test_the_breakdown_by_field_and_by_level(ledger, people):
    q = LedgerQuery(user=people.office_clerk, **YEAR)
    wages = field_named("欠薪讨薪/双拖欠").pk
    by_field = compute(q, by="field")
    assert (by_field[wages]["prevention_disputes"].value, by_field[wages]["prevention_dispute_amount"].value,
            by_field[wages]["prevention_disputes_settled"].value,
            by_field[wages]["prevention_dispute_resolution_rate"].value) == (2, Decimal("36.60"), 3, Decimal("100.00"))
    by_level = compute(q, by="level")
    assert {level: figures["prevention_disputes"].value for level, figures in by_level.items()} == {
        "high": 2, "medium": 1, "low": 1}
    by_kind = compute(q, by="kind")
    assert sum(figures["prevention_assessments"].value for figures in by_kind.values()) == 3


@pytest.mark.parametrize("reader", ["office_clerk", "township_a", "township_b"])
def test_every_figure_equals_its_drill_down_count(ledger, people, reader):
    q = LedgerQuery(user=getattr(people, reader), **YEAR)
    totals = compute_totals(q)
    for indicator in INDICATORS:
        figure = totals[indicator.key]
        records = indicator.records(q)
        if indicator.kind == "count":
            assert records.count() == figure.value, indicator.key
        elif indicator.kind == "rate":
            assert (records.count(), indicator.records(q, "denominator").count()) == (
                figure.numerator, figure.denominator), indicator.key
        else:  # a sum: the records listed add up to the figure
            field = indicator.numerator.sum_field
            assert sum(getattr(record, field) for record in records) == figure.value, indicator.key


def test_the_page_shows_the_figures_and_each_links_to_as_many_records(client, ledger, people):
    client.force_login(people.township_a)
    page = client.get("/prevention/?start=2026-01-01&end=2026-12-31").content.decode()
    assert "206.75" in page
    drill = client.get("/prevention/indicators/prevention_disputes/?start=2026-01-01&end=2026-12-31")
    assert '<strong id="record-count">3</strong>' in drill.content.decode()
    wages = field_named("欠薪讨薪/双拖欠").pk
    cell = client.get(f"/prevention/indicators/prevention_disputes_settled/?start=2026-01-01&end=2026-12-31"
                      f"&by=field&group={wages}").content.decode()
    assert '<strong id="record-count">1</strong>' in cell


def test_the_command_prints_the_same_figures(ledger, people, district):
    import json

    from django.core.management import call_command
    from io import StringIO

    from xinfang.stats.indicators import INDICATORS_BY_KEY as STATS_KEYS

    out = StringIO()
    call_command("prevention_stats", "--from", "2026-01-01", "--to", "2026-12-31", "--user", people.township_a.username,
                 "--format", "json", stdout=out)
    figures = json.loads(out.getvalue())["figures"]
    assert (figures["prevention_disputes"]["value"], figures["prevention_dispute_amount"]["value"],
            figures["prevention_dispute_resolution_rate"]["value"]) == ("3", "206.75", "33.33")
    out = StringIO()
    call_command("prevention_stats", "--from", "2026-01-01", "--to", "2026-12-31", "--org", district.township_b.region_code,
                 stdout=out)
    assert "prevention_dispute_amount" in out.getvalue() and "0.10" in out.getvalue()
    assert not set(figures) & set(STATS_KEYS)  # one key, one meaning across both registries


def test_the_statistics_dashboard_and_command_show_the_ledgers_figures(client, ledger, people, district):
    """The ledgers join the statistics (stats.ledgers): the dashboard's section, drill-down and `xinfang stats`."""
    client.force_login(people.township_a)
    page = client.get("/stats/?start=2026-01-01&end=2026-12-31").content.decode()
    section = page[page.index('data-section="prevention"'):]
    assert '<tr data-key="prevention_dispute_amount">' in section and "206.75" in section  # 青石镇's own
    assert "206.85" not in page  # the county's total is not the township's to read
    drill = client.get("/stats/ledgers/prevention/prevention_disputes/?start=2026-01-01&end=2026-12-31")
    assert '<strong id="record-count">3</strong>' in drill.content.decode()

    out = io.StringIO()
    call_command("stats", "--from", "2026-01-01", "--to", "2026-12-31", "--format", "json", stdout=out)
    figures = json.loads(out.getvalue())["ledgers"]["prevention"]["figures"]
    assert {key: figures[key]["value"] for key in EXPECTED_OFFICE} == {
        key: None if value is None else str(value) for key, value in EXPECTED_OFFICE.items()}
    out = io.StringIO()
    call_command("stats", "--from", "2026-01-01", "--to", "2026-12-31", "--org", str(district.township_b.pk),
                 stdout=out)
    text = out.getvalue()
    assert "【矛盾预防】" in text
    line = next(line for line in text.splitlines() if line.startswith("prevention_dispute_person_times"))
    assert line.split()[2] == "5"  # 白沙镇's disputes found in 2026: one of 5 人次 (the other was found in 2025)
