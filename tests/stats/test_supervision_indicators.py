"""督办, 三项建议, the two acceptance-stage lateness counts and the refused Art 30 attempts in the registry.

A hand-counted 2026 (all through the real services; Q2 = April–June, Q3 = July–September):

| record | kind | unit | issued | due | answered |
|---|---|---|---|---|---|
| s1 | 电话督办, on p | 青石镇 | 05-10 (Q2) | 05-15 | 05-14 |
| s2 | 发函督办 (督办函), on p | 青石镇 | 07-01 | 07-10 | never: overdue at 30 Sep |
| s3 | 挂牌督办, on no case | 白沙镇 | 08-03 | 08-20 | 09-05 (late, answered by 30 Sep) |
| r1 | 改进工作建议, on p | 青石镇 | 07-02 | 08-01 | 07-20 采纳 |
| r2 | 追究责任建议 | 白沙镇 | 07-05 | 07-25 | 08-10 不予采纳 |
| r3 | 完善政策建议 | 人力社保局 | 08-01 | 08-31 | never: overdue at 30 Sep |

| i1 | 约谈 (held 07-03), on p | 青石镇 | 07-03 | 07-20 | 07-15 |
| o1 | 限期整改 | 白沙镇 | 08-01 | 08-15 | never: overdue at 30 Sep |
| o2 | 限期整改 | 青石镇 | 05-05 (Q2) | 05-20 | 06-01 (late: overdue at 31 May) |
| n1 | 领导批示 on p | 青石镇 | 07-05 | 07-25 | 07-20 (final response) |
| n2 | 领导批示 on late | 青石镇 | 08-10 | 08-20 | never: overdue at 30 Sep |
| c1 | 通报批评 of 青石镇, 白沙镇 | — | 07-10 | — | revoked on 08-05 by its correction c1′ |
| c2 | 通报表扬 of 白沙镇 | — | 09-01 | — | (and a draft 通报批评, never issued) |

p (received 07-01) is forwarded and accepted on time; `late` (received 07-01) is forwarded on 07-20, past its
15 days (登记处理超期, the office's), and accepted a day after its acceptance due date (受理告知超期, 青石镇's).
One refused attempt: the office's reviewer tries to forward an accusation against 青石镇 to 青石镇 (today).

Q3: 督办 2 (发函 1, 挂牌 1), 督办超期未回复 1 (s2); 建议 3 (one of each kind), 建议超期未答复 1 (r3);
建议采纳率 1/2 (r1 of r1, r2); 登记处理超期 1, 受理告知超期 1; refusals 0; 约谈 1, 限期整改 1, 整改超期未报告 1
(o1); 通报批评 1 (c1′ only: c1 is revoked), 通报表扬 1; 批示 2, 批示超期未落实 1 (n2). Q2: 督办 1 (电话), 限期整改 1
(o2), nothing overdue at 30 June.
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import act, petition_input
from tests.stats.conftest import received
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.petitions.models import Petition, PetitionType
from xinfang.petitions.services import petition_register
from xinfang.stats.indicators import GROUPS, INDICATORS, INDICATORS_BY_KEY, compute, compute_totals
from xinfang.stats.selectors import StatsFilters, stats_query
from xinfang.supervision.accountability import Rectification
from xinfang.supervision.rankings import rankings_compute
from xinfang.supervision.services_accountability import RectificationInput, rectification_issue, rectification_report
from xinfang.supervision.services_circulars import (
    CircularInput,
    circular_correct,
    circular_draft_create,
    circular_issue,
)
from xinfang.supervision.services_instructions import InstructionInput, instruction_record, instruction_respond
from xinfang.supervision.services_records import (
    RecommendationInput,
    SupervisionInput,
    recommendation_issue,
    recommendation_reply,
    supervision_issue,
    supervision_respond,
)
from xinfang.workflow.exceptions import AccusedUnitRefused
from xinfang.workflow.models import Clock
from xinfang.workflow.services import petition_act

pytestmark = pytest.mark.django_db

Q2 = (date(2026, 4, 1), date(2026, 6, 30))
Q3 = (date(2026, 7, 1), date(2026, 9, 30))
GROUP = [indicator for indicator in INDICATORS if indicator.group == "supervision"]
EXPECTED_Q3 = {
    "supervisions": 2, "supervisions_phone": 0, "supervisions_letter": 1, "supervisions_on_site": 0,
    "supervisions_listed": 1, "supervisions_overdue": 1, "recommendations": 3, "recommendations_improve_work": 1,
    "recommendations_improve_policy": 1, "recommendations_accountability": 1, "recommendations_overdue": 1,
    "recommendation_adoption_rate": (1, 2), "disposition_late": 1, "acceptance_notice_late": 1,
    "refused_destinations": 0, "rectifications_interview": 1, "rectifications_order": 1, "rectifications_overdue": 1,
    "circulars_criticism": 1, "circulars_commendation": 1, "instructions": 2, "instructions_overdue": 1,
}


def due(petition: Petition, kind: str) -> date:
    return Clock.objects.get(petition=petition, kind=kind, stopped_on__isnull=True).statutory_due


@pytest.fixture
def supervisor(district):
    return user_create(username="duban", password="pw-123456", org=district.office, roles=[Role.SUPERVISOR])


@pytest.fixture
def leader(district):
    return user_create(username="lingdao", password="pw-123456", org=district.county, roles=[Role.LEADER])


def rectify(supervisor, kind, target, issued, due_on, petitions=()):
    extra = {"interviewees": "镇长", "held_on": issued} if kind == Rectification.Kind.INTERVIEW else {}
    return rectification_issue(data=RectificationInput(
        kind=kind, target_org_id=target.pk, subject="整改", content="存在的问题。", issued_on=issued, due_on=due_on,
        petition_ids=tuple(x.pk for x in petitions), **extra), actor=supervisor)


def instruct(leader, petition, issued, due_on, **extra):
    return instruction_record(data=InstructionInput(petition_id=petition.pk, text="请依法妥善处理。", issued_on=issued,
                                                    due_on=due_on, **extra), actor=leader)


def circulate(supervisor, kind, units, issued=None):
    draft = circular_draft_create(data=CircularInput(kind=kind, title="关于信访工作情况的通报", body="经查。",
                                                     unit_ids=tuple(unit.pk for unit in units)), actor=supervisor)
    return circular_issue(circular_id=draft.pk, actor=supervisor, issued_on=issued) if issued else draft


@pytest.fixture
def year(district, category, actors, supervisor, leader):
    """The records and matters of the table above; returns the accusation the reviewer tried to misroute."""
    july = date(2026, 7, 1)
    p, _ = petition_register(data=petition_input(locality=district.township_a, category=category,
                                                 received_at=received(july)), actor=district.clerk)
    act(p, "forward", actors.reviewer, on=july + timedelta(days=1), handling_org=district.township_a.pk)
    act(p, "accept", actors.handler, on=july + timedelta(days=2))
    late, _ = petition_register(data=petition_input(locality=district.township_a, category=category,
                                                    received_at=received(july)), actor=district.clerk)
    act(late, "forward", actors.reviewer, on=date(2026, 7, 20), handling_org=district.township_a.pk)
    act(late, "accept", actors.handler, on=due(late, Clock.Kind.ACCEPTANCE) + timedelta(days=1))

    def supervise(kind, target, issued, due_on, petition=None, **extra):
        return supervision_issue(data=SupervisionInput(
            kind=kind, target_org_id=target.pk, petition_id=petition.pk if petition else None, subject="督促办理",
            issued_on=issued, due_on=due_on, **extra), actor=supervisor)

    s1 = supervise("phone", district.township_a, date(2026, 5, 10), date(2026, 5, 15), p)
    supervision_respond(supervision_id=s1.pk, response="已办理。", actor=actors.head, responded_on=date(2026, 5, 14))
    supervise("letter", district.township_a, date(2026, 7, 1), date(2026, 7, 10), p, letter_kind="formal")
    s3 = supervise("listed", district.township_b, date(2026, 8, 3), date(2026, 8, 20))
    supervision_respond(supervision_id=s3.pk, response="已整改。", actor=actors.other_township_head,
                        responded_on=date(2026, 9, 5))

    def recommend(kind, target, issued, due_on, petitions=()):
        return recommendation_issue(data=RecommendationInput(
            kind=kind, target_org_id=target.pk, subject="改进", content="发现的问题。",
            petition_ids=tuple(x.pk for x in petitions), issued_on=issued, due_on=due_on), actor=supervisor)

    r1 = recommend("improve_work", district.township_a, date(2026, 7, 2), date(2026, 8, 1), [p])
    recommendation_reply(recommendation_id=r1.pk, adoption="adopted", reply="采纳。", actor=actors.head,
                         replied_on=date(2026, 7, 20))
    r2 = recommend("accountability", district.township_b, date(2026, 7, 5), date(2026, 7, 25))
    recommendation_reply(recommendation_id=r2.pk, adoption="not_adopted", reply="理由如下。",
                         actor=actors.other_township_head, replied_on=date(2026, 8, 10))
    recommend("improve_policy", district.department, date(2026, 8, 1), date(2026, 8, 31))

    a, b = district.township_a, district.township_b
    i1 = rectify(supervisor, "interview", a, date(2026, 7, 3), date(2026, 7, 20), [p])
    rectification_report(rectification_id=i1.pk, report="已整改。", actor=actors.head, reported_on=date(2026, 7, 15))
    rectify(supervisor, "order", b, date(2026, 8, 1), date(2026, 8, 15))
    o2 = rectify(supervisor, "order", a, date(2026, 5, 5), date(2026, 5, 20))
    rectification_report(rectification_id=o2.pk, report="已整改。", actor=actors.head, reported_on=date(2026, 6, 1))
    n1 = instruct(leader, p, date(2026, 7, 5), date(2026, 7, 25))
    instruction_respond(instruction_id=n1.pk, text="已落实。", final=True, actor=actors.head,
                        responded_on=date(2026, 7, 20))
    instruct(leader, late, date(2026, 8, 10), date(2026, 8, 20))
    c1 = circulate(supervisor, "criticism", [a, b], date(2026, 7, 10))
    circular_issue(circular_id=circular_correct(circular_id=c1.pk, actor=supervisor).pk, actor=supervisor,
                   issued_on=date(2026, 8, 5))
    circulate(supervisor, "commendation", [b], date(2026, 9, 1))
    circulate(supervisor, "criticism", [a])  # a draft: never counted

    accusation, _ = petition_register(data=petition_input(
        locality=district.township_a, category=category, petition_type=PetitionType.ACCUSATION,
        complained_org_id=district.township_a.pk), actor=district.clerk)
    with pytest.raises(AccusedUnitRefused):
        petition_act(petition_id=accusation.pk, action="forward", actor=actors.reviewer,
                     values={"handling_org": district.township_a.pk})
    return accusation


def query(user, start, end, **filters):
    return stats_query(user=user, filters=StatsFilters(start=start, end=end, **filters))


def plain(figures, keys):
    return {key: (figures[key].numerator, figures[key].denominator) if figures[key].denominator is not None
            else figures[key].value for key in keys}


def test_the_supervision_group_is_declared_with_its_label():
    assert GROUPS["supervision"] == "督查督办" and set(EXPECTED_Q3) == {indicator.key for indicator in GROUP}


def test_each_figure_equals_the_hand_count_and_its_drill_down(year, supervisor):
    q = query(supervisor, *Q3)
    figures = compute_totals(q, GROUP)
    assert plain(figures, EXPECTED_Q3) == EXPECTED_Q3
    assert str(figures["recommendation_adoption_rate"].value) == "50.00"
    for indicator in GROUP:
        listed = indicator.records(q) if indicator.lists_records else indicator.petitions(q)
        assert listed.count() == figures[indicator.key].numerator, indicator.key
        if indicator.denominator is not None:
            assert indicator.records(q, "denominator").count() == figures[indicator.key].denominator


def test_period_rules(year, supervisor, district):
    q2 = compute_totals(query(supervisor, *Q2), GROUP)
    assert (q2["supervisions"].value, q2["supervisions_phone"].value, q2["supervisions_overdue"].value) == (1, 1, 0)
    assert (q2["recommendations"].value, q2["disposition_late"].value) == (0, 0)
    # s3 was overdue at the end of August (answered on 5 September), s2 too
    august = compute_totals(query(supervisor, date(2026, 8, 1), date(2026, 8, 31)), GROUP)
    assert august["supervisions_overdue"].value == 2 and august["supervisions"].value == 1
    assert (q2["rectifications_order"].value, q2["rectifications_overdue"].value) == (1, 0)  # o2, reported 06-01
    may = compute_totals(query(supervisor, date(2026, 5, 1), date(2026, 5, 31)), GROUP)
    assert may["rectifications_overdue"].value == 1  # o2 was past due, unreported, on 31 May
    # n2 (due 08-20) was overdue at the end of August; in July n1 was answered in time
    assert (august["instructions"].value, august["instructions_overdue"].value) == (1, 1)
    july = compute_totals(query(supervisor, date(2026, 7, 1), date(2026, 7, 31)), GROUP)
    assert (july["instructions"].value, july["instructions_overdue"].value) == (1, 0)
    # c1 (issued in July) was revoked by its correction issued in August: counted once, in August
    assert (july["circulars_criticism"].value, august["circulars_criticism"].value) == (0, 1)
    # the refusal happened today: counted in today's quarter, not in Q3
    today = timezone.localdate()
    now = compute_totals(query(supervisor, today.replace(day=1), today), GROUP)
    assert now["refused_destinations"].value == 1


def test_by_unit_each_record_counts_for_its_own_unit(year, supervisor, district):
    by_unit = compute(query(supervisor, *Q3), by="unit", indicators=GROUP)
    a, b, office = district.township_a.pk, district.township_b.pk, district.office.pk
    assert (by_unit[a]["supervisions"].value, by_unit[b]["supervisions"].value) == (1, 1)
    assert by_unit[district.department.pk]["recommendations_overdue"].value == 1
    # the late disposition is the office's, the late acceptance notice the unit's
    assert (by_unit[office]["disposition_late"].value, by_unit[office]["acceptance_notice_late"].value) == (1, 0)
    assert (by_unit[a]["disposition_late"].value, by_unit[a]["acceptance_notice_late"].value) == (0, 1)
    assert (by_unit[a]["rectifications_interview"].value, by_unit[b]["rectifications_overdue"].value) == (1, 1)
    assert by_unit[a]["instructions_overdue"].value == 1
    # a 通报 counts for each unit it names
    assert (by_unit[a]["circulars_criticism"].value, by_unit[b]["circulars_criticism"].value) == (1, 1)
    assert (by_unit[a]["circulars_commendation"].value, by_unit[b]["circulars_commendation"].value) == (0, 1)
    today = timezone.localdate()
    refused = compute(query(supervisor, today.replace(day=1), today), by="unit", indicators=GROUP)
    assert refused[office]["refused_destinations"].value == 1  # the unit that attempted, not the accused one
    assert a not in refused or refused[a]["refused_destinations"].value == 0


def test_the_drill_down_pages_list_the_records_and_filter_by_the_records_unit(year, supervisor, district, client):
    client.force_login(supervisor)
    for key, unit, count in (("supervisions", district.township_b, 1), ("recommendations", None, 3),
                             ("acceptance_notice_late", district.township_a, 1),
                             ("disposition_late", district.office, 1)):
        params = {"start": Q3[0].isoformat(), "end": Q3[1].isoformat(), **({"unit": unit.pk} if unit else {})}
        page = client.get(reverse("stats:drilldown", kwargs={"key": key}), params)
        assert page.status_code == 200
        assert page.context["total"] == page.context["figure"].numerator == count, key
    page = client.get(reverse("stats:drilldown", kwargs={"key": "supervisions_overdue"}),
                      {"start": Q3[0].isoformat(), "end": Q3[1].isoformat()})
    (row,) = page.context["rows"]
    assert row["url"] == reverse("supervision:supervision-detail", args=[row["record"].pk])
    assert row["state"] == "超期未回复" and "督办函" in page.content.decode()
    for key, unit, count in (("rectifications_overdue", district.township_b, 1), ("circulars_criticism", None, 1),
                             ("circulars_commendation", district.township_a, 0), ("instructions", None, 2),
                             ("instructions_overdue", district.township_a, 1)):
        params = {"start": Q3[0].isoformat(), "end": Q3[1].isoformat(), **({"unit": unit.pk} if unit else {})}
        page = client.get(reverse("stats:drilldown", kwargs={"key": key}), params)
        assert page.context["total"] == page.context["figure"].numerator == count, key
    page = client.get(reverse("stats:drilldown", kwargs={"key": "circulars_criticism"}),
                      {"start": Q3[0].isoformat(), "end": Q3[1].isoformat()})
    (row,) = page.context["rows"]
    assert row["record"].revokes_id is not None and row["state"] == "已印发"  # the correction, not c1
    assert row["url"] == reverse("supervision:circular-detail", args=[row["record"].pk])
    assert set(row["units"].split("、")) == {"青石镇", "白沙镇"}  # in the tree's order (Org.path)
    page = client.get(reverse("stats:drilldown", kwargs={"key": "instructions_overdue"}),
                      {"start": Q3[0].isoformat(), "end": Q3[1].isoformat()})
    (row,) = page.context["rows"]
    assert row["state"] == "超期未反馈" and row["url"].endswith(f"#instruction-{row['record'].pk}")
    rate = client.get(reverse("stats:drilldown", kwargs={"key": "recommendation_adoption_rate"}),
                      {"start": Q3[0].isoformat(), "end": Q3[1].isoformat(), "part": "denominator"})
    assert rate.context["total"] == 2
    assert all(r["url"].startswith("/supervision/records/recommendation/") for r in rate.context["rows"])
    # the case workbook does not fit records: no download, and the page offers none
    assert client.get(reverse("stats:drilldown-export", kwargs={"key": "supervisions"})).status_code == 404
    assert "导出明细" not in page.content.decode()


def test_only_the_registering_office_sees_the_refusals_never_the_accused_unit(year, supervisor, actors, district,
                                                                             client):
    today = timezone.localdate()
    params = {"start": today.replace(day=1).isoformat(), "end": today.isoformat()}
    url = reverse("stats:drilldown", kwargs={"key": "refused_destinations"})
    client.force_login(actors.reviewer)
    page = client.get(url, params)
    assert page.context["total"] == page.context["figure"].value == 1
    assert year.number in page.content.decode()
    # the accused unit (its head, its handler), the office's clerk, a leader: no count, no line
    leader = user_create(username="leader", password="pw-123456", org=district.county, roles=[Role.LEADER])
    for user in (actors.head, actors.handler, district.clerk, leader):
        client.force_login(user)
        page = client.get(url, params)
        assert page.status_code == 200
        assert page.context["total"] == page.context["figure"].value == 0, user.username
        assert year.number not in page.content.decode()


def test_records_about_an_accusation_never_reach_the_accused_unit(year, supervisor, leader, actors, district,
                                                                  client):
    """A 限期整改 to 白沙镇 naming the accusation against 青石镇, and a 批示 on it (routed to the office): the
    office counts and lists them; 青石镇, whose own records are counted, sees neither."""
    order = rectify(supervisor, "order", district.township_b, None, None, [year])
    instruction = instruct(leader, year, None, None)
    today = timezone.localdate()
    params = {"start": today.replace(day=1).isoformat(), "end": today.isoformat()}
    keys = ("rectifications_order", "instructions")
    for user, expected in ((supervisor, 1), (actors.head, 0), (actors.handler, 0)):
        assert [compute_totals(query(user, today.replace(day=1), today), GROUP)[key].value for key in keys] == \
            [expected, expected], user.username
        client.force_login(user)
        for key in keys:
            page = client.get(reverse("stats:drilldown", kwargs={"key": key}), params)
            assert page.context["total"] == page.context["figure"].value == expected, (key, user.username)
            if not expected:
                assert order.number not in page.content.decode()
                assert instruction.number not in page.content.decode() and year.number not in page.content.decode()
    # 青石镇 still counts what is addressed to it (i1 and n1 of the year)
    q3 = compute_totals(query(actors.head, *Q3), GROUP)
    assert (q3["rectifications_interview"].value, q3["instructions"].value) == (1, 2)


def test_the_ranking_shows_the_two_late_kinds_apart_and_the_refusals(year, supervisor, district):
    q = query(supervisor, *Q3)
    rankings = rankings_compute(q=q, year=2026, quarter=3, unit_ids=None)
    rows = {row.org_id: {key: figure.value for key, _, figure in row.counts} for row in rankings.liability}
    assert (rows[district.office.pk]["disposition_late"], rows[district.office.pk]["acceptance_notice_late"]) == (1, 0)
    assert rows[district.township_a.pk]["acceptance_notice_late"] == 1
    for row in rankings.liability:  # each count is its indicator's figure for that unit
        for key, _, figure in row.counts:
            unit_q = query(supervisor, *Q3, unit=type(district.office).objects.get(pk=row.org_id))
            assert figure.value == compute_totals(unit_q, [INDICATORS_BY_KEY[key]])[key].value, key


@pytest.mark.browser
def test_in_a_browser_the_liability_figures_click_through_to_their_records(transactional_db, live_server, year,
                                                                           supervisor, district):
    from playwright.sync_api import expect

    from tests.web.conftest import artifact_path, chromium_page

    with chromium_page(base_url=live_server.url, failure_name="supervision-indicators-failure") as page:
        page.goto("/login/")
        page.get_by_label("用户名").fill("duban")
        page.get_by_label("密码").fill("pw-123456")
        page.get_by_role("button", name="登录").click()
        page.goto("/supervision/rankings/?year=2026&quarter=3")
        liability = page.locator("#liability")
        expect(liability).to_contain_text("登记处理超期（第22、43条）")
        expect(liability).to_contain_text("转送被检举控告单位被拒")
        page.screenshot(path=artifact_path("supervision-liability"), full_page=True)
        office = liability.locator(f"tr[data-org='{district.office.pk}']")
        office.get_by_role("link", name="1").first.click()  # 登记处理超期 of the office
        expect(page.get_by_role("heading", name="登记处理超期件数")).to_be_visible()
        assert page.locator("#case-count").inner_text() == "1"
        page.goto(f"/stats/indicators/supervisions/?start={Q3[0]}&end={Q3[1]}")
        expect(page.get_by_role("heading", name="督办次数")).to_be_visible()
        assert page.locator("#case-count").inner_text() == "2"
        assert page.locator("#drilldown-table tbody tr").count() == 2
        page.screenshot(path=artifact_path("stats-supervision-records"), full_page=True)
        page.locator("#drilldown-table tbody tr").first.get_by_role("link").first.click()
        expect(page.locator("body")).to_contain_text("挂牌督办")
        # a 通报 in force lists the units it names; a 批示 links to its panel on the case page
        page.goto(f"/stats/indicators/circulars_criticism/?start={Q3[0]}&end={Q3[1]}")
        expect(page.get_by_role("heading", name="通报批评次数")).to_be_visible()
        assert page.locator("#case-count").inner_text() == "1"
        expect(page.locator("#drilldown-table")).to_contain_text("青石镇")
        expect(page.locator("#drilldown-table")).to_contain_text("白沙镇")
        page.screenshot(path=artifact_path("stats-circular-records"), full_page=True)
        page.goto(f"/stats/indicators/instructions/?start={Q3[0]}&end={Q3[1]}")
        assert page.locator("#drilldown-table tbody tr").count() == 2
        page.screenshot(path=artifact_path("stats-instruction-records"), full_page=True)
