"""季度晾晒 and 双榜: a hand-computed quarter (2026 Q3), through the real services, ranked with the shipped TOML.

| unit | matters (received 2026-07-01 unless said) | 及时受理率 | 按期办结率 | 群众满意率 | 超期 | 重复信访占比 |
|---|---|---|---|---|---|---|
| 青石镇 A | a1–a4 on time, satisfied; a4 a repeat of a1 | 4/4 100% | 4/4 100% | 4/4 100% | 0 | 1/4 25% |
| 白沙镇 B | b1, b2 on time, satisfied; b3 replied a day late, dissatisfied; b4 accepted a day late, mostly satisfied | 3/4 75% | 3/4 75% | 3/4 75% | 0 | 0/4 0% |
| 人力社保局 D | d1, d2, d4 on time, satisfied; d3 received 2026-04-01, accepted, never replied (late in Q2, overdue on 30 Sep) | 3/3 100% | 3/3 100% | 3/3 100% | 1 | 0/3 0% |
| 住建委 E | e1 on time, satisfied | 1/1 | 1/1 | 1/1 | 0 | 0/1 |

No 补录 (history replayed): 补录 0 for all, so every unit ties on it (rank 1).
E settled 1 acceptance stage < min_cases 3: not ranked. Ranks among A, B, D (1, 1, 3 on ties):
- 及时受理率, 按期办结率, 群众满意率 (higher first): A 1, D 1, B 3
- 超期件数 (lower first): A 0 → 1, B 0 → 1, D 1 → 3
- 重复信访占比 (lower first): B 1, D 1, A 3
- 补录办理操作数: all 1
Score = Σ weight × rank ÷ Σ weights (0.25, 0.25, 0.25, 0.1, 0.1, 0.05; Σ 1.00):
- A: 0.25×(1+1+1) + 0.1×1 + 0.1×3 + 0.05×1 = 1.20
- D: 0.25×(1+1+1) + 0.1×3 + 0.1×1 + 0.05×1 = 1.20
- B: 0.25×(3+3+3) + 0.1×1 + 0.1×1 + 0.05×1 = 2.50
Overall: A and D tie for 1st, B 3rd. 示范榜 (三率 ≥ 95% and no overdue, ranked only): A (D has one overdue).
警示榜 (any rate < 80%, or overdue ≥ 3): B, by its first rule, all three rates at 75.00%.
"""

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.conftest import act, petition_input
from xinfang.orgs.models import Org, Role
from xinfang.orgs.services import org_create, user_create
from xinfang.petitions.models import Petition
from xinfang.petitions.services import petition_register
from xinfang.petitions.signals import petition_registered
from xinfang.stats.selectors import stats_filters_parse, stats_query
from xinfang.supervision.rankings import config_load, quarter_dates, quarter_parse, rankings_compute
from xinfang.workflow.models import Clock

Q3 = quarter_dates(2026, 3)
JULY_1 = date(2026, 7, 1)
MATCHING = "matching.on_registered"


@pytest.fixture(autouse=True)
def without_matching():
    """初件/重件 are set by hand here (as in tests/stats): the matching app would judge one petitioner's matters."""
    from xinfang.matching import receivers

    petition_registered.disconnect(dispatch_uid=MATCHING)
    yield
    petition_registered.connect(receivers.on_registered, dispatch_uid=MATCHING)


def due(petition: Petition, kind: str) -> date:
    return Clock.objects.get(petition=petition, kind=kind, stopped_on__isnull=True).statutory_due


class Quarter:
    def __init__(self, district, category, actors):
        self.district, self.category, self.actors = district, category, actors
        self.housing = org_create(name="清溪区住房城乡建设委", kind=Org.Kind.DEPARTMENT, level=Org.Level.COUNTY,
                                  parent=district.county)
        self.people = {
            district.township_a.pk: (district.township_a_user, actors.head),
            district.township_b.pk: (district.township_b_user, actors.other_township_head),
            district.department.pk: (district.department_user, user_create(
                username="renshe-head", password="pw-123456", org=district.department,
                roles=[Role.HANDLING_ORG_HEAD])),
            self.housing.pk: (user_create(username="zhujian", password="pw-123456", org=self.housing,
                                          roles=[Role.HANDLER]),
                              user_create(username="zhujian-head", password="pw-123456", org=self.housing,
                                          roles=[Role.HANDLING_ORG_HEAD])),
        }

    def matter(self, unit: Org, *, received: date = JULY_1, locality: Org | None = None, late_accept=False,
               late_reply=False, rating: str | None = "satisfied") -> Petition:
        data = petition_input(locality=locality or self.district.township_a, category=self.category,
                              received_at=timezone.make_aware(datetime(received.year, received.month, received.day,
                                                                       9, 30)))
        petition, _ = petition_register(data=data, actor=self.district.clerk)
        handler, head = self.people[unit.pk]
        act(petition, "forward", self.actors.reviewer, on=received + timedelta(days=1), handling_org=unit.pk)
        accept_on = (due(petition, Clock.Kind.ACCEPTANCE) + timedelta(days=1) if late_accept
                     else received + timedelta(days=2))
        act(petition, "accept", handler, on=accept_on)
        if rating is None:
            return petition
        reply_on = due(petition, Clock.Kind.HANDLING) + timedelta(days=1) if late_reply else accept_on + timedelta(15)
        act(petition, "reply", head, on=reply_on, outcome="partly_supported", facts="经查属实。",
            decision="责令限期支付。", legal_basis="《保障农民工工资支付条例》")
        act(petition, "deliver", handler, on=reply_on, delivery_method="in_person")
        act(petition, "evaluate", self.district.clerk, on=reply_on + timedelta(days=2), rating=rating,
            rated_by="petitioner")
        return petition


@pytest.fixture
def quarter(district, category, actors) -> Quarter:
    world = Quarter(district, category, actors)
    a, b, d = district.township_a, district.township_b, district.department
    first = world.matter(a)
    for _ in range(3):
        last = world.matter(a)
    Petition.objects.filter(pk=last.pk).update(first_petition=first)  # a4 repeats a1
    world.matter(b, locality=b)
    world.matter(b, locality=b)
    world.matter(b, locality=b, late_reply=True, rating="dissatisfied")
    world.matter(b, locality=b, late_accept=True, rating="mostly_satisfied")
    for _ in range(3):
        world.matter(d)
    world.matter(d, received=date(2026, 4, 1), rating=None)  # d3: accepted in April, never replied
    world.matter(world.housing)
    return world


@pytest.fixture
def supervisor(district):
    return user_create(username="duban", password="pw-123456", org=district.office, roles=[Role.SUPERVISOR])


def ranking_for(user):
    q = stats_query(user=user, filters=stats_filters_parse(start=Q3[0], end=Q3[1]))
    from xinfang.stats.selectors import scope_orgs

    unit_ids = None if user.is_superuser else set(scope_orgs(user=user).values_list("pk", flat=True))
    return rankings_compute(q=q, year=2026, quarter=3, unit_ids=unit_ids)


def test_quarter_ranking_equals_the_hand_computation(quarter, supervisor, district):
    rankings = ranking_for(supervisor)
    units = {unit.name: unit for unit in rankings.units}
    assert [unit.name for unit in rankings.units] == ["清溪区人力社保局", "青石镇", "白沙镇", "清溪区住房城乡建设委"]
    a, b, d, e = units["青石镇"], units["白沙镇"], units["清溪区人力社保局"], units["清溪区住房城乡建设委"]
    assert (a.score, d.score, b.score) == (Decimal("1.20"), Decimal("1.20"), Decimal("2.50"))
    assert (a.rank, d.rank, b.rank) == (1, 1, 3)
    assert a.tied_with == ["清溪区人力社保局"] and "并列第1" in a.basis_zh
    assert not e.ranked and e.rank is None and "不足3件" in e.basis_zh

    def by_key(unit):
        return {item.spec.key: item for item in unit.measures}

    expected = {  # key: (A, B, D) as (value, numerator, denominator, rank)
        "timely_acceptance_rate": (("100.00", 4, 4, 1), ("75.00", 3, 4, 3), ("100.00", 3, 3, 1)),
        "on_time_completion_rate": (("100.00", 4, 4, 1), ("75.00", 3, 4, 3), ("100.00", 3, 3, 1)),
        "satisfaction_rate": (("100.00", 4, 4, 1), ("75.00", 3, 4, 3), ("100.00", 3, 3, 1)),
        "repeat_ratio": (("25.00", 1, 4, 3), ("0.00", 0, 4, 1), ("0.00", 0, 3, 1)),
    }
    for key, rows in expected.items():
        for unit, (value, numerator, denominator, rank) in zip((a, b, d), rows, strict=True):
            item = by_key(unit)[key]
            assert (str(item.figure.value), item.figure.numerator, item.figure.denominator, item.rank) == (
                value, numerator, denominator, rank), (unit.name, key)
    for key, values in {"overdue": ((0, 1), (0, 1), (1, 3)), "late_entries": ((0, 1), (0, 1), (0, 1))}.items():
        for unit, (value, rank) in zip((a, b, d), values, strict=True):
            assert (by_key(unit)[key].figure.value, by_key(unit)[key].rank) == (value, rank), (unit.name, key)
    assert by_key(b)["on_time_completion_rate"].basis_zh == "按期办结率 75.00%（3/4），列第3（高者居前）"
    assert by_key(a)["on_time_completion_rate"].basis_zh == "按期办结率 100.00%（4/4），与清溪区人力社保局并列第1（高者居前）"
    assert a.basis_zh.startswith("综合得分 1.20（（及时受理率第1×0.25＋按期办结率第1×0.25＋群众满意率第1×0.25")


def test_two_lists_follow_the_toml(quarter, supervisor):
    rankings = ranking_for(supervisor)
    lists = {spec.key: (spec, entries) for spec, entries in rankings.lists}
    config = config_load()
    assert [spec.name for spec in config.lists] == ["示范榜", "警示榜"]
    demo_spec, demo = lists["demonstration"]
    assert [entry.unit.name for entry in demo] == ["青石镇"]
    assert demo[0].rule.name == "三率均不低于95%且无超期"
    assert demo[0].reasons_zh[-1] == "超期件数 0件 ＝ 0件"
    warn_spec, warn = lists["warning"]
    assert [entry.unit.name for entry in warn] == ["白沙镇"]
    assert warn[0].rule.name == "三率中任一项低于80%"
    assert warn[0].reasons_zh == ["及时受理率 75.00%（3/4） ＜ 80.00%", "按期办结率 75.00%（3/4） ＜ 80.00%",
                                  "群众满意率 75.00%（3/4） ＜ 80.00%"]


def test_the_page_links_each_figure_to_its_drilldown(quarter, supervisor, client, district):
    client.force_login(supervisor)
    page = client.get("/supervision/rankings/", {"year": 2026, "quarter": 3})
    assert page.status_code == 200
    text = page.content.decode()
    assert "2026年第3季度" in text and "按期办结率 75.00%（3/4），列第3" in text
    assert "示范榜" in text and "警示榜" in text and "追责问责线索" in text
    liability = {row.name: row for row in page.context["rankings"].liability}
    assert [late for *_, late in liability["白沙镇"].late] == [1, 1]
    b = next(row for row in page.context["units"] if row["unit"].name == "白沙镇")
    cell = next(cell for cell in b["cells"] if cell["item"].spec.key == "on_time_completion_rate")
    assert f'href="{cell["url"]}"'.replace("&", "&amp;") in text
    drill = client.get(cell["url"])
    assert drill.context["total"] == 3 and drill.context["figure"].numerator == 3
    assert client.get(cell["den_url"]).context["total"] == 4
    bad = client.get("/supervision/rankings/", {"year": "x", "quarter": 9})
    assert bad.status_code == 200 and "季度“9”无效" in bad.content.decode()


def test_excel_has_the_same_numbers(quarter, supervisor, client):
    client.force_login(supervisor)
    response = client.get("/supervision/rankings.xlsx", {"year": 2026, "quarter": 3})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book["晾晒排名"]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    rankings = ranking_for(supervisor)
    for unit in rankings.units:
        row = rows[unit.name]
        assert row[0] == (unit.rank if unit.rank is not None else "未排名")
        assert row[2] == (float(unit.score) if unit.score is not None else "—")
        column = 3
        for item in unit.measures:
            value = row[column]
            if item.spec.indicator.kind == "rate":
                # A weight-0 measure without a figure (no case evaluated for quality) is shown as "—".
                assert value == ("—" if item.figure.value is None else pytest.approx(float(item.figure.value) / 100))
                assert row[column + 2:column + 4] == (item.figure.numerator, item.figure.denominator)
                column += 4
            else:
                assert value == item.figure.value
                column += 2
            assert row[column - (4 if item.spec.indicator.kind == "rate" else 2) + 1] == (
                item.rank if item.rank is not None else "—")
    assert rows["白沙镇"][4] == 3 and rows["青石镇"][0] == 1 and rows["清溪区人力社保局"][0] == 1
    lists = [row for row in book["示范警示双榜"].iter_rows(min_row=3, values_only=True)]
    assert [(row[0], row[1]) for row in lists] == [("示范榜", "青石镇"), ("警示榜", "白沙镇")]
    assert "追责线索" in book.sheetnames


def test_a_user_sees_only_units_in_their_scope(quarter, actors, client):
    rankings = ranking_for(actors.head)  # 青石镇's head: D's matters lie in 青石镇 too, but D is no unit of theirs
    assert [unit.name for unit in rankings.units] == ["青石镇"]
    assert rankings.units[0].rank == 1
    assert [row.name for row in rankings.liability] == ["青石镇"]
    client.force_login(actors.head)
    text = client.get("/supervision/rankings/", {"year": 2026, "quarter": 3}).content.decode()
    assert "白沙镇" not in text and "人力社保局" not in text and "追责问责线索" not in text
    book = load_workbook(io.BytesIO(b"".join(
        client.get("/supervision/rankings.xlsx", {"year": 2026, "quarter": 3}).streaming_content)))
    assert [row[1] for row in book["晾晒排名"].iter_rows(min_row=3, values_only=True)] == ["青石镇"]
    assert "追责线索" not in book.sheetnames


def test_quarter_parameters():
    assert quarter_parse(year="2026", quarter="3") == (2026, 3)
    assert quarter_parse(year=None, quarter=None, today=date(2026, 2, 10)) == (2025, 4)
    assert quarter_dates(2026, 4) == (date(2026, 10, 1), date(2026, 12, 31))
