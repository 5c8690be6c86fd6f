"""The 信访秩序 figures against a hand-computed 2026; every figure equals its drill-down (the same rows).

| 事件 | 属地 | 类型 | 发生 | 人员 | 措施 (对象 措施 日期) |
|---|---|---|---|---|---|
| I1 | 青石镇 | 滞留滋事 | 2026-03-02 | A B | A 劝阻 03-02, A 训诫 03-03, B 劝阻 03-02 |
| I2 | 白沙镇 | 非法聚集 | 2026-05-10 | C D E | C 劝阻 05-10, C 治安处罚 05-11, D 刑事强制 05-12 |
| I3 | 青石镇桃源村 | 殴打威胁 | 2025-12-30 | F | F 训诫 2026-01-02 |
| I4 | 青石镇 | 煽动串联 | 2026-07-01 | G H | G 训诫 07-01, G 训诫 07-05 (one person) |

County, 2026: 起数 3 (I1 I2 I4), 涉及人数 7, by kind 1/1/1 (violence 0: I3 is 2025), 劝阻 3 (A B C),
批评教育 0, 训诫 3 (A F G), 治安处罚 1 (C), 刑事强制 1 (D).
青石镇 with its village: 起数 2, 人数 4, 劝阻 2 (A B), 训诫 3 (A F G), 治安 0, 刑事 0.
"""

from datetime import date

import pytest
from django.urls import reverse

from xinfang.order.indicators import INDICATORS
from xinfang.order.services import IncidentInput, MeasureInput, PersonInput, incident_create
from xinfang.stats.ledgers import LedgerQuery, compute_totals

pytestmark = pytest.mark.django_db


def _m(kind, day, person=0, **organ):
    return MeasureInput(kind=kind, taken_on=day, person=person, **(organ or {"organ_name": "清溪区信访办"}))


@pytest.fixture
def fixture(district, people):
    police = {"organ_id": people.police_org.pk}
    rows = [
        (district.township_a, "trouble_at_reception", date(2026, 3, 2), "AB",
         [_m("dissuade", date(2026, 3, 2)), _m("admonish", date(2026, 3, 3)), _m("dissuade", date(2026, 3, 2), 1)]),
        (district.township_b, "gathering", date(2026, 5, 10), "CDE",
         [_m("dissuade", date(2026, 5, 10)), _m("public_security_penalty", date(2026, 5, 11), **police),
          _m("criminal_coercion", date(2026, 5, 12), 1, **police)]),
        (district.village_a1, "violence", date(2025, 12, 30), "F", [_m("admonish", date(2026, 1, 2))]),
        (district.township_a, "inciting", date(2026, 7, 1), "GH",
         [_m("admonish", date(2026, 7, 1)), _m("admonish", date(2026, 7, 5))]),
    ]
    for locality, kind, day, names, measures in rows:
        incident_create(actor=people.reviewer, data=IncidentInput(
            occurred_on=day, place="某地", kind=kind, description="经过", locality_id=locality.pk,
            persons=[PersonInput(name=f"人员{name}") for name in names], measures=measures))


COUNTY = {"order_incidents": 3, "order_persons": 7, "order_kind_trouble_at_reception": 1, "order_kind_gathering": 1,
          "order_kind_inciting": 1, "order_kind_violence": 0, "order_kind_dangerous_articles": 0,
          "order_kind_other": 0, "order_measure_dissuade": 3, "order_measure_criticise": 0,
          "order_measure_admonish": 3, "order_measure_public_security_penalty": 1,
          "order_measure_criminal_coercion": 1}
QINGSHI = {**{key: 0 for key in COUNTY}, "order_incidents": 2, "order_persons": 4,
           "order_kind_trouble_at_reception": 1, "order_kind_inciting": 1, "order_measure_dissuade": 2,
           "order_measure_admonish": 3}


def _q(user, org=None):
    return LedgerQuery(start=date(2026, 1, 1), end=date(2026, 12, 31), user=user, org=org)


@pytest.mark.parametrize("who", ["reviewer", "police", "office_leader"])
def test_county_figures_equal_the_hand_count_and_their_drill_down(fixture, people, who):
    q = _q(getattr(people, who))
    figures = compute_totals(q, INDICATORS)
    assert {key: figure.value for key, figure in figures.items()} == COUNTY
    for indicator in INDICATORS:
        assert indicator.records(q).count() == figures[indicator.key].value, indicator.key


def test_a_township_subtree(fixture, people, district):
    q = _q(people.reviewer, org=district.township_a)
    figures = compute_totals(q, INDICATORS)
    assert {key: figure.value for key, figure in figures.items()} == QINGSHI
    names = sorted(person.name for person in INDICATORS[-3].records(q))  # 训诫
    assert names == ["人员A", "人员F", "人员G"]


@pytest.mark.parametrize("who", ["township", "clerk", "statistician"])
def test_the_unauthorised_count_nothing(fixture, people, who):
    figures = compute_totals(_q(getattr(people, who)), INDICATORS)
    assert all(figure.value == 0 for figure in figures.values())


def test_the_drill_down_page_lists_the_figure(client, fixture, people):
    client.force_login(people.reviewer)
    url = reverse("stats:ledger-indicator", kwargs={"section": "order", "key": "order_measure_dissuade"})
    response = client.get(url + "?start=2026-01-01&end=2026-12-31")
    assert response.status_code == 200
    assert response.context["total"] == 3
    figures = client.get(reverse("stats:ledger-figures", kwargs={"section": "order"})
                         + "?start=2026-01-01&end=2026-12-31")
    assert figures.status_code == 200
    assert {card["indicator"].key: card["figure"].value for card in figures.context["cards"]} == COUNTY
