"""The 积案/包案 and 问题清单 figures against a hand-computed 2026; every figure equals its drill-down count.

Leaders: L1 (county), L2 (青石镇). Cases (✓ struck off by the office's reviewer):

| 积案 | 责任单位 | 包案 | 交办 | 报结 | 销号 |
|---|---|---|---|---|---|
| K1 | 青石镇 | L1 | 2026-02-01 | 2026-04-01 | 2026-04-10 ✓, then a retold petition: 反流 |
| K2 | 青石镇 | L2 | 2026-03-01 | 2026-05-01 | — (待核实) |
| K3 | 白沙镇 | L1 | 2026-06-01 | — | — |
| K4 | 白沙镇 | L2 | 2025-11-01 | 2026-01-10 | 2026-01-20 ✓ |
| K5 | 青石镇 | L1 | 2026-07-01 | 2026-08-01, returned | — |

County 2026: 交办 4 (K1 K2 K3 K5), 报结 3 (K1 K2 K4), 销号 2 (K1 K4), 化解率 1/4 = 25.00%, 反流 1, 包案领导 2,
包案 4. 青石镇: 3, 2, 1, 1/3 = 33.33%, 1, 2 (L1 L2), 3. 白沙镇: 1, 1, 1, 0/1 = 0.00%, 0, 1, 1.
By leader (county): L1 包案 3, 报结 1, 销号 1, 1/3, 反流 1; L2 包案 1, 报结 2, 销号 1, 0/1, 反流 0.

Problems: Q1 青石镇 2026-02-01 → due 05-31, struck 05-01 (on time); Q2 青石镇 03-01 → 04-30, struck 06-15 (late);
Q3 白沙镇 04-01 → 06-30 open; Q4 白沙镇 05-01 → 2027-01-31 open; Q5 青石镇 2025-10-01 → 2025-12-31 open.
2026 (as of 12-02): 清单 4, 按期销号 1 (Q1), 超期未销号 2 (Q3 Q5); 青石镇 2, 1, 1 (Q5); 白沙镇 2, 0, 1 (Q3).
January–May: 超期 2 (Q5, and Q2: past its date and not yet struck off on 05-31).
"""

from datetime import date, datetime

import pytest

from xinfang.matching.services import repeat_link
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.prevention.indicators import SECTION
from xinfang.prevention.indicators_backlog import INDICATORS, group_labels
from xinfang.prevention.services_backlog import (
    ProblemInput,
    case_create,
    case_report,
    case_verify,
    problem_create,
    problem_strike_off,
)
from xinfang.stats import ledgers
from xinfang.stats.ledgers import LedgerQuery
from tests.prevention.test_backlog import case_input, petition

pytestmark = pytest.mark.django_db
YEAR = dict(start=date(2026, 1, 1), end=date(2026, 12, 31), today=date(2026, 12, 2))


@pytest.fixture
def fixture(district, people, category):
    l1 = user_create(username="bl-l1", password="pw-123456", org=district.county, roles=[Role.LEADER],
                     full_name="王副区长")
    l2 = people.village_leader
    a, b, clerk, reviewer = district.township_a, district.township_b, people.office_clerk, people.office_reviewer
    first = petition(district, category, datetime(2026, 1, 20, 9))

    def case(org, leader, assigned, reported=None, struck=None, returned=False, **extra):
        made = case_create(data=case_input(org=org, leader=leader, assigned_on=assigned,
                                           due_on=date(2026, 12, 31), **extra), actor=clerk)
        if reported:
            case_report(case_id=made.pk, reported_on=reported, resolution="已化解", actor=clerk)
        if struck or returned:
            case_verify(case_id=made.pk, approve=not returned, reason="仍有诉求" if returned else "",
                        struck_off_on=struck, actor=reviewer)
        return made

    k1 = case(a, l1, date(2026, 2, 1), date(2026, 4, 1), date(2026, 4, 10), petition_id=first.pk)
    case(a, l2, date(2026, 3, 1), date(2026, 5, 1))
    case(b, l1, date(2026, 6, 1))
    case(b, l2, date(2025, 11, 1), date(2026, 1, 10), date(2026, 1, 20))
    case(a, l1, date(2026, 7, 1), date(2026, 8, 1), returned=True)
    retold = petition(district, category, datetime(2026, 5, 6, 9))
    repeat_link(actor=district.clerk, petition_id=retold.pk, first_petition_id=first.pk, reason="同一事项")

    def problem(org, listed, due, struck=None):
        item = problem_create(data=ProblemInput("问题", "责任人", org.pk, listed, due), actor=clerk)
        if struck:
            problem_strike_off(item_id=item.pk, struck_off_on=struck, note="已化解", actor=reviewer)

    problem(a, date(2026, 2, 1), date(2026, 5, 31), date(2026, 5, 1))
    problem(a, date(2026, 3, 1), date(2026, 4, 30), date(2026, 6, 15))
    problem(b, date(2026, 4, 1), date(2026, 6, 30))
    problem(b, date(2026, 5, 1), date(2027, 1, 31))
    problem(a, date(2025, 10, 1), date(2025, 12, 31))
    return {"l1": l1, "l2": l2, "k1": k1}


KEYS = ("backlog_cases", "backlog_reported", "backlog_struck_off", "backlog_resolution_rate", "backlog_refluxes",
        "backlog_leaders", "backlog_leader_cases", "problem_items", "problem_struck_on_time", "problem_overdue")


def values(q, by=None):
    result = ledgers.compute(q, INDICATORS, by=by)
    return {group: {key: figure.display for key, figure in figures.items()} for group, figures in result.items()}


def row(*figures):
    return dict(zip(KEYS, figures))


def test_the_county_and_each_township_against_the_hand_count(district, people, fixture):
    county = LedgerQuery(user=people.office_clerk, **YEAR)
    assert values(county)[None] == row("4", "3", "2", "25.00%", "1", "2", "4", "4", "1", "2")
    assert values(LedgerQuery(user=people.office_clerk, org=district.township_a, **YEAR))[None] == row(
        "3", "2", "1", "33.33%", "1", "2", "3", "2", "1", "1")
    assert values(LedgerQuery(user=people.township_b, **YEAR))[None] == row(
        "1", "1", "1", "0.00%", "0", "1", "1", "2", "0", "1")
    may = LedgerQuery(user=people.office_clerk, start=date(2026, 1, 1), end=date(2026, 5, 31), today=date(2026, 12, 2))
    assert values(may)[None]["problem_overdue"] == "2"


def test_by_unit_and_by_leader(district, people, fixture):
    q = LedgerQuery(user=people.office_clerk, **YEAR)
    by_unit = values(q, by="unit")
    assert by_unit[district.township_a.pk]["backlog_cases"] == "3"
    assert by_unit[district.township_b.pk]["problem_overdue"] == "1"
    by_leader = values(q, by="leader")
    l1, l2 = fixture["l1"].pk, fixture["l2"].pk
    picked = ("backlog_leader_cases", "backlog_reported", "backlog_struck_off", "backlog_resolution_rate",
              "backlog_refluxes")
    assert {key: by_leader[l1][key] for key in picked} == dict(zip(picked, ("3", "1", "1", "33.33%", "1")))
    assert {key: by_leader[l2][key] for key in picked} == dict(zip(picked, ("1", "2", "1", "0.00%", "0")))
    assert group_labels("leader", [l1]) == {l1: "王副区长"}
    assert SECTION.indicator("backlog_refluxes") is not None  # joined to the prevention section


def test_every_figure_equals_its_drill_down(district, people, fixture):
    for q in (LedgerQuery(user=people.office_clerk, **YEAR), LedgerQuery(user=people.township_b, **YEAR),
              LedgerQuery(user=people.office_clerk, org=district.township_a, **YEAR)):
        figures = ledgers.compute_totals(q, INDICATORS)
        for indicator in INDICATORS:
            assert indicator.records(q).count() == figures[indicator.key].numerator, indicator.key
            if indicator.kind == "rate":
                assert indicator.records(q, "denominator").count() == figures[indicator.key].denominator
    struck = next(i for i in INDICATORS if i.key == "backlog_refluxes")
    assert [r.case_id for r in struck.records(LedgerQuery(user=people.office_clerk, **YEAR))] == [fixture["k1"].pk]


def test_the_drill_down_pages_list_a_leaders_cases_and_the_leaders(client, people, fixture):
    client.force_login(people.office_clerk)
    period = "start=2026-01-01&end=2026-12-31"
    page = client.get(f"/prevention/indicators/backlog_leader_cases/?{period}&by=leader&group={fixture['l1'].pk}")
    assert page.context["page"].paginator.count == 3  # K1 K3 K5
    page = client.get(f"/prevention/indicators/backlog_leaders/?{period}")
    assert page.context["page"].paginator.count == 2 and "王副区长" in page.content.decode()
