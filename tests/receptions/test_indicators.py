"""The receptions figures against a hand-computed 2026, per reader; every figure equals its drill-down count.

The fixture (✓ = the petition's procedure is finished: a 处理意见书 issued through the workflow, on the day noted):

| 接访 | 领导 | 日期 | 方式 | 批次 | 人次 | 万元 | 信访件 |
|---|---|---|---|---|---|---|---|
| R1 | 赵立新 (区, 县级) | 2026-03-10 | 领导接访日 | 3 | 7 | 36.50 | P1 青石镇 ✓ 03-25, P2 白沙镇; P5 linked then unlinked |
| R2 | 钱镇长 (青石镇, 乡级) | 2026-04-02 | 下访 | 2 | 2 | 0.00 | P3 青石镇 ✓ 04-20, P6 白沙镇 ✓ 04-25 |
| R3 | 赵立新 | 2026-05-20 | 约访 | 1 | 4 | 120.25 | P4 白沙镇 |
| R4 | 赵立新 | 2025-12-30 | 领导接访日 | 5 | 9 | 10.00 | — (another year) |

County office, 2026: 场次 3, 批次 6, 人次 13, 件 5, 办结 3 (P1 P3 P6), 办结率 60.00%, 资金 156.75.
By leader: 赵立新 2 场次, 4 批次, 11 人次, 3 件, 1 办结, 33.33%, 120.25+36.50 = 156.75; 钱镇长 1, 2, 2, 2, 2, 100.00%, 0.00.
By kind: 领导接访日 R1 (2 件, 1 办结); 下访 R2 (2, 2); 约访 R3 (1, 0, 0.00%).
青石镇's 承办人 sees R2 only, and of its petitions P3 only (P6 is 白沙镇's: Art 30 scope): 1 场次, 2 批次, 2 人次,
1 件, 1 办结, 100.00%, 0.00. 白沙镇's 承办人 sees no reception (none of its leaders received).

办结 is the state at the period's end: for 2026-04-01..04-10 R2's two petitions are not yet finished (0 of 2), for
04-01..04-22 only P3 is (1 of 2), for 04-01..04-30 both are (2 of 2).
"""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from tests.conftest import act
from tests.receptions.conftest import reception_input, visit
from xinfang.petitions.models import Petition
from xinfang.receptions import services
from xinfang.receptions.indicators import INDICATORS
from xinfang.stats import ledgers
from xinfang.stats.ledgers import LedgerQuery

pytestmark = pytest.mark.django_db
YEAR = dict(start=date(2026, 1, 1), end=date(2026, 12, 31), today=date(2026, 12, 2))
EXPECTED_OFFICE = {
    "receptions_held": 3, "receptions_batches": 6, "receptions_person_times": 13, "receptions_petitions": 5,
    "receptions_petitions_finished": 3, "receptions_finish_rate": Decimal("60.00"),
    "receptions_amount": Decimal("156.75"),
}


@pytest.fixture
def ledger(district, people, category, actors):
    clerk = people.office_clerk
    a, b = district.township_a, district.township_b
    handlers = {a: (actors.handler, actors.head), b: (district.township_b_user, actors.other_township_head)}

    def petition(locality, replied_on=None):
        item = visit(district, category, locality=locality, summary=f"来访{Petition.objects.count() + 1}")
        if replied_on:  # forwarded to its township, accepted, and answered on that day (the real procedure)
            handler, head = handlers[locality]
            act(item, "forward", actors.reviewer, on=date(2026, 3, 11), handling_org=locality.pk)
            act(item, "accept", handler, on=date(2026, 3, 12))
            act(item, "reply", head, on=replied_on, outcome="partly_supported", facts="经查属实。",
                decision="责令限期支付。", legal_basis="《保障农民工工资支付条例》")
        return item

    p1, p2, p3, p4, p5, p6 = (petition(a, date(2026, 3, 25)), petition(b), petition(a, date(2026, 4, 20)),
                              petition(b), petition(a), petition(b, date(2026, 4, 25)))
    county, township = people.county_leader, people.township_leader
    r1 = services.reception_create(data=reception_input(leader=county, petition_numbers=(p1.number, p2.number, p5.number)),
                                   actor=clerk)
    link = r1.petition_links.get(petition=p5)
    services.reception_petition_unlink(link_id=link.pk, actor=clerk)
    services.reception_create(data=reception_input(
        leader=township, received_on=date(2026, 4, 2), kind="visit_down", batches=2, person_times=2,
        amount=Decimal("0"), petition_numbers=(p3.number, p6.number)), actor=clerk)
    services.reception_create(data=reception_input(
        leader=county, received_on=date(2026, 5, 20), kind="appointment", batches=1, person_times=4,
        amount=Decimal("120.25"), petition_numbers=(p4.number,)), actor=clerk)
    services.reception_create(data=reception_input(
        leader=county, received_on=date(2025, 12, 30), batches=5, person_times=9, amount=Decimal("10.00")),
        actor=clerk)


def values(figures):
    return {key: figure.value for key, figure in figures.items()}


def test_the_office_figures_equal_the_hand_computed_year(ledger, people):
    assert values(ledgers.compute_totals(LedgerQuery(user=people.office_clerk, **YEAR), INDICATORS)) == EXPECTED_OFFICE


def test_a_township_counts_its_own_leader_and_only_the_petitions_it_may_see(ledger, people):
    assert values(ledgers.compute_totals(LedgerQuery(user=people.township_a, **YEAR), INDICATORS)) == {
        "receptions_held": 1, "receptions_batches": 2, "receptions_person_times": 2, "receptions_petitions": 1,
        "receptions_petitions_finished": 1, "receptions_finish_rate": Decimal("100.00"),
        "receptions_amount": Decimal("0.00")}
    assert values(ledgers.compute_totals(LedgerQuery(user=people.township_b, **YEAR), INDICATORS)) == {
        "receptions_held": 0, "receptions_batches": 0, "receptions_person_times": 0, "receptions_petitions": 0,
        "receptions_petitions_finished": 0, "receptions_finish_rate": None, "receptions_amount": Decimal("0.00")}


def test_the_breakdowns_by_leader_kind_and_level(ledger, people):
    q = LedgerQuery(user=people.office_clerk, **YEAR)
    by_leader = {key: values(figures) for key, figures in ledgers.compute(q, INDICATORS, by="leader").items()}
    assert by_leader[people.county_leader.pk] == {
        "receptions_held": 2, "receptions_batches": 4, "receptions_person_times": 11, "receptions_petitions": 3,
        "receptions_petitions_finished": 1, "receptions_finish_rate": Decimal("33.33"),
        "receptions_amount": Decimal("156.75")}
    assert by_leader[people.township_leader.pk] == {
        "receptions_held": 1, "receptions_batches": 2, "receptions_person_times": 2, "receptions_petitions": 2,
        "receptions_petitions_finished": 2, "receptions_finish_rate": Decimal("100.00"),
        "receptions_amount": Decimal("0.00")}
    by_kind = ledgers.compute(q, INDICATORS, by="kind")
    assert {kind: (figures["receptions_petitions"].value, figures["receptions_petitions_finished"].value,
                   figures["receptions_finish_rate"].value) for kind, figures in by_kind.items() if kind} == {
        "day": (2, 1, Decimal("50.00")), "visit_down": (2, 2, Decimal("100.00")), "appointment": (1, 0, Decimal("0.00"))}
    by_level = ledgers.compute(q, INDICATORS, by="level")
    assert {level: figures["receptions_batches"].value for level, figures in by_level.items() if level} == {
        "county": 4, "township": 2}


@pytest.mark.parametrize("reader", ["office_clerk", "township_a", "township_b", "county_leader", "statistician"])
def test_every_figure_equals_its_drill_down_count(ledger, people, reader):
    q = LedgerQuery(user=getattr(people, reader), **YEAR)
    totals = ledgers.compute_totals(q, INDICATORS)
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


def test_the_pages_show_the_figures_and_their_drill_downs(client, ledger, people):
    client.force_login(people.office_clerk)
    page = client.get("/stats/ledgers/receptions/?start=2026-01-01&end=2026-12-31").content.decode()
    assert "156.75" in page and "60.00%" in page and "钱镇长" in page and "约访" in page and "乡级" in page
    drill = client.get("/stats/ledgers/receptions/receptions_petitions_finished/?start=2026-01-01&end=2026-12-31")
    assert '<strong id="record-count">3</strong>' in drill.content.decode()
    cell = client.get(f"/receptions/indicators/receptions_petitions/?start=2026-01-01&end=2026-12-31"
                      f"&by=leader&group={people.county_leader.pk}").content.decode()
    assert '<strong id="record-count">3</strong>' in cell
    client.force_login(people.township_a)
    drill = client.get("/stats/ledgers/receptions/receptions_petitions/?start=2026-01-01&end=2026-12-31").content
    assert '<strong id="record-count">1</strong>' in drill.decode()


@pytest.mark.parametrize("end, finished", [(date(2026, 4, 10), set()), (date(2026, 4, 22), {"P3"}),
                                           (date(2026, 4, 30), {"P3", "P6"})])
def test_finished_is_judged_as_of_the_period_end(ledger, people, end, finished):
    """A petition finished after the period's end is not 办结 in that period, but is in a period ending later."""
    q = LedgerQuery(user=people.office_clerk, start=date(2026, 4, 1), end=end, today=date(2026, 12, 2))
    figures = ledgers.compute_totals(q, INDICATORS)
    assert figures["receptions_petitions"].value == 2
    assert figures["receptions_petitions_finished"].value == len(finished)
    assert (figures["receptions_finish_rate"].numerator, figures["receptions_finish_rate"].denominator) == (
        len(finished), 2)
    indicator = next(indicator for indicator in INDICATORS if indicator.key == "receptions_petitions_finished")
    summaries = {link.petition.summary for link in indicator.records(q)}
    assert summaries == {f"来访{ {'P3': 3, 'P6': 6}[name] }" for name in finished}


def test_finished_waits_for_a_review_under_way(ledger, people, actors, district):
    """A review running at the period's end (requested 04-05, decided 04-28) makes P1 not 办结 then."""
    p1 = Petition.objects.get(summary="来访1")
    act(p1, "deliver", actors.handler, on=date(2026, 3, 26), delivery_method="in_person")
    act(p1, "request_review", actors.county_head, on=date(2026, 4, 5), reviewing_org=district.county.pk)
    act(p1, "decide_review", actors.county_head, on=date(2026, 4, 28), review_outcome="uphold",
        reasons="原处理意见认定事实清楚。")

    def finished(end):
        q = LedgerQuery(user=people.office_clerk, start=date(2026, 3, 1), end=end, today=date(2026, 12, 2))
        indicator = next(indicator for indicator in INDICATORS if indicator.key == "receptions_petitions_finished")
        assert ledgers.compute_totals(q, INDICATORS)["receptions_petitions_finished"].value == indicator.records(
            q).count()
        return sorted(link.petition.summary for link in indicator.records(q))

    assert finished(date(2026, 3, 31)) == ["来访1"]
    assert finished(date(2026, 4, 22)) == ["来访3"]  # P1 under review, P3 answered on 04-20
    assert finished(date(2026, 4, 30)) == ["来访1", "来访3", "来访6"]


def test_the_command_prints_the_same_figures(ledger, people):
    out = io.StringIO()
    call_command("stats", "--from", "2026-01-01", "--to", "2026-12-31", "--format", "json", stdout=out)
    figures = json.loads(out.getvalue())["ledgers"]["receptions"]["figures"]
    assert {key: figures[key]["value"] for key in EXPECTED_OFFICE} == {
        key: str(value) for key, value in EXPECTED_OFFICE.items()}
