"""The inboxes (待办): what waits on whom, in which order, counted; saved views; bulk 转送/交办."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import act, petition_input
from xinfang.orgs.services import user_create
from xinfang.orgs.models import Role
from xinfang.petitions.models import Petition, PetitionStatus, PetitionType
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.petitions.services import petition_register
from xinfang.supervision.inbox import inbox_order, inbox_queryset, inbox_total, step_of_status
from xinfang.supervision.inbox_records import overdue_to_supervise
from xinfang.supervision.models import SavedView
from xinfang.supervision.services_accountability import (
    RectificationInput,
    rectification_check,
    rectification_issue,
    rectification_report,
)
from xinfang.supervision.services_instructions import InstructionInput, instruction_record, instruction_respond
from xinfang.supervision.services_records import (
    RecommendationInput,
    SupervisionInput,
    recommendation_issue,
    supervision_issue,
)
from xinfang.workflow.clocks import Level, clock_state
from xinfang.workflow.services import actions_allowed

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.localdate() - timedelta(days=198)  # two days after the overdue matters arrived


def register(district, category, *, days_ago=1, **overrides):
    received = timezone.now() - timedelta(days=days_ago)
    petition, _ = petition_register(data=petition_input(locality=district.township_a, category=category,
                                                        received_at=received, **overrides), actor=district.clerk)
    return petition


def inbox_ids(user, sort="due"):
    return list(inbox_order(inbox_queryset(user=user), sort).values_list("pk", flat=True))


REPLY = dict(outcome="supported", facts="经查属实", decision="责令支付", legal_basis="《保障农民工工资支付条例》")


@pytest.fixture
def handler2(district):
    return user_create(username="qingshi-2", password="pw-123456", org=district.township_a, roles=[Role.HANDLER],
                       full_name="承办人乙")


def accepted(district, category, actors, **kwargs):
    petition = register(district, category, **kwargs)
    act(petition, "forward", actors.reviewer, handling_org=district.township_a.pk)
    act(petition, "accept", actors.handler)
    return Petition.objects.get(pk=petition.pk)


@pytest.fixture
def matters(district, category, actors, handler2):
    """One matter at each step, plus an overdue one at the office and one overdue at the township; inside the
    township: a draft with the head, a draft the head returned, a matter assigned to the other handler."""
    m = {}
    m["registered"] = register(district, category)
    m["registered_overdue"] = register(district, category, days_ago=200)
    m["forwarded"] = register(district, category)
    act(m["forwarded"], "forward", actors.reviewer, handling_org=district.township_a.pk)
    m["forwarded_overdue"] = register(district, category, days_ago=200)
    act(m["forwarded_overdue"], "forward", actors.reviewer, on=LONG_AGO, handling_org=district.township_a.pk)
    m["accepted"] = register(district, category)
    act(m["accepted"], "forward", actors.reviewer, handling_org=district.township_a.pk)
    act(m["accepted"], "accept", actors.handler)
    m["replied"] = register(district, category)
    act(m["replied"], "forward", actors.reviewer, handling_org=district.township_a.pk)
    act(m["replied"], "accept", actors.handler)
    act(m["replied"], "reply", actors.head, outcome="supported", facts="f", decision="d", legal_basis="b")
    m["delivered"] = register(district, category)
    act(m["delivered"], "forward", actors.reviewer, handling_org=district.township_a.pk)
    act(m["delivered"], "accept", actors.handler)
    act(m["delivered"], "reply", actors.head, outcome="supported", facts="f", decision="d", legal_basis="b")
    act(m["delivered"], "deliver", actors.handler, delivery_method="in_person")
    m["under_review"] = register(district, category)
    for step, actor, values in (("forward", actors.reviewer, {"handling_org": district.township_a.pk}),
                                ("accept", actors.handler, {}),
                                ("reply", actors.head, dict(outcome="supported", facts="f", decision="d",
                                                            legal_basis="b")),
                                ("deliver", actors.handler, {"delivery_method": "in_person"}),
                                ("request_review", actors.county_head, {"reviewing_org": district.county.pk})):
        act(m["under_review"], step, actor, **values)
    # An accusation against the township, sent to the county government above it.
    m["accusation"] = register(district, category, petition_type=PetitionType.ACCUSATION,
                               complained_org_id=district.township_a.pk)
    act(m["accusation"], "forward", actors.reviewer, handling_org=district.county.pk)
    m["drafted"] = accepted(district, category, actors)
    act(m["drafted"], "assign_handler", actors.head, assignee=actors.handler.pk)
    act(m["drafted"], "draft_reply", actors.handler, **REPLY)
    m["returned"] = accepted(district, category, actors)
    act(m["returned"], "draft_reply", actors.handler, **REPLY)
    act(m["returned"], "return_draft", actors.head, reason="事实部分请补充欠薪金额和时间")
    m["assigned_other"] = accepted(district, category, actors)
    act(m["assigned_other"], "assign_handler", actors.head, assignee=handler2.pk)
    for petition in m.values():
        petition.refresh_from_db()
    return m


def everyone(district, actors, handler2):
    return [actors.clerk, actors.reviewer, actors.handler, handler2, actors.head, actors.county_head,
            actors.city_head, actors.other_township_head, district.department_user]


def test_every_listed_matter_offers_the_user_an_action_of_its_step_and_vice_versa(matters, district, actors,
                                                                                   handler2):
    """Listed exactly when an action of the step is offered; a 承办人 who is not a head, only when the matter is
    his or nobody's, and his own draft while the head reviews it (offered nothing: read only)."""
    assert {p.status for p in matters.values()} >= {
        PetitionStatus.REGISTERED, PetitionStatus.FORWARDED, PetitionStatus.ACCEPTED, PetitionStatus.DRAFTED,
        PetitionStatus.REPLIED, PetitionStatus.DELIVERED, PetitionStatus.UNDER_REVIEW}
    for user in everyone(district, actors, handler2):
        listed = set(inbox_ids(user))
        visible = set(petitions_visible_to(user=user).values_list("pk", flat=True))
        plain_handler = user.has_role(Role.HANDLER) and not user.has_role(Role.HANDLING_ORG_HEAD)
        for name, petition in matters.items():
            step = step_of_status(petition.status)
            offered = {rule.action for rule in actions_allowed(petition=petition, actor=user)}
            waiting = petition.pk in visible and step is not None and bool(offered & set(step.actions))
            if plain_handler:
                waiting = waiting and petition.assignee_id in (None, user.pk)
                own_draft = petition.status == PetitionStatus.DRAFTED and petition.assignee_id == user.pk
                waiting = waiting or (petition.pk in visible and own_draft)
            assert (petition.pk in listed) == waiting, (user.username, name, sorted(offered))


def test_a_handler_does_not_see_another_handlers_matter_and_the_head_sees_both(client, matters, actors, handler2):
    mine = matters["drafted"]
    theirs = matters["assigned_other"]
    # Nor does the procedure let him act on it for its assignee (workflow.services.held_by_another_handler).
    assert "investigate" not in {rule.action for rule in actions_allowed(petition=theirs, actor=actors.handler)}
    assert theirs.pk not in inbox_ids(actors.handler)
    assert theirs.pk in inbox_ids(handler2) and mine.pk not in inbox_ids(handler2)
    assert {mine.pk, theirs.pk} <= set(inbox_ids(actors.head))
    client.force_login(actors.handler)
    page = client.get(reverse("supervision:inbox")).content.decode()
    assert theirs.number not in page
    unassigned_row = re.search(rf'data-petition="{matters["accepted"].pk}".*?</tr>', page, re.S).group(0)
    assert "未指定" in unassigned_row


def test_the_head_reviews_drafts_and_the_handler_sees_his_own_read_only(client, matters, actors):
    client.force_login(actors.head)
    rows = client.get(reverse("supervision:inbox"), {"step": "review_draft"}).context["rows"]
    assert [(row.petition.pk, row.read_only) for row in rows] == [(matters["drafted"].pk, False)]
    client.force_login(actors.handler)
    rows = client.get(reverse("supervision:inbox"), {"step": "review_draft"}).context["rows"]
    assert [(row.petition.pk, row.read_only) for row in rows] == [(matters["drafted"].pk, True)]


def test_a_returned_draft_is_back_at_handling_with_the_heads_reason(client, matters, actors):
    client.force_login(actors.handler)
    response = client.get(reverse("supervision:inbox"), {"step": "handling"})
    returned = {row.petition.pk: row.returned for row in response.context["rows"]}
    assert returned[matters["returned"].pk].reason == "事实部分请补充欠薪金额和时间"
    assert returned[matters["accepted"].pk] is None
    page = response.content.decode()
    assert "意见书被退回" in page and "事实部分请补充欠薪金额和时间" in page


def test_the_assignee_filter(client, matters, actors, handler2):
    client.force_login(actors.head)
    rows = client.get(reverse("supervision:inbox"), {"assignee": handler2.pk}).context["rows"]
    assert [row.petition.pk for row in rows] == [matters["assigned_other"].pk]
    unassigned = {row.petition.pk for row in client.get(reverse("supervision:inbox"),
                                                        {"assignee": "none"}).context["rows"]}
    assert matters["accepted"].pk in unassigned
    assert not unassigned & {matters["drafted"].pk, matters["assigned_other"].pk, matters["registered"].pk}
    client.force_login(actors.handler)
    rows = client.get(reverse("supervision:inbox"), {"assignee": "me"}).context["rows"]
    assert [row.petition.pk for row in rows] == [matters["drafted"].pk]


def test_an_overdue_matter_comes_first_in_its_handlers_inbox_and_its_offices(matters, actors):
    handler_inbox = inbox_ids(actors.handler)
    assert handler_inbox[0] == matters["forwarded_overdue"].pk
    assert matters["forwarded"].pk in handler_inbox
    assert inbox_ids(actors.head)[0] == matters["forwarded_overdue"].pk
    assert inbox_ids(actors.clerk)[0] == matters["registered_overdue"].pk
    assert inbox_ids(actors.reviewer)[0] == matters["registered_overdue"].pk


def test_the_inbox_page_puts_the_overdue_matter_first_with_its_days_late(client, matters, actors):
    client.force_login(actors.handler)
    response = client.get(reverse("supervision:inbox"))
    rows = response.context["rows"]
    assert rows[0].petition.pk == matters["forwarded_overdue"].pk
    assert rows[0].deadline.remaining_days < 0
    assert "超期" in response.content.decode()


def test_an_accusation_never_appears_in_the_accused_units_inbox(client, matters, district, actors):
    accusation = matters["accusation"]
    # The township sits inside the county the matter went to: by the tree alone it would be on the handling side.
    assert accusation.handling_org_id in district.township_a.ancestor_ids
    for user in (actors.handler, actors.head):
        assert accusation.pk not in inbox_ids(user)
        client.force_login(user)
        assert accusation.number not in client.get(reverse("supervision:inbox")).content.decode()
    assert accusation.pk in inbox_ids(actors.county_head)


def test_the_counts_equal_the_lists_and_the_navigation_shows_the_total(client, matters, actors):
    for user in (actors.clerk, actors.handler, actors.head, actors.county_head):
        client.force_login(user)
        response = client.get(reverse("supervision:inbox"))
        tabs = response.context["tabs"]
        total = len(inbox_ids(user))
        assert tabs[0]["count"] == total == len(response.context["rows"])
        for tab in tabs[1:]:
            listed = client.get(reverse("supervision:inbox"), {"step": tab["key"]}).context["rows"]
            assert len(listed) == tab["count"], (user.username, tab["key"])
        assert sum(tab["count"] for tab in tabs[1:]) == total
        assert re.search(rf"我的待办 \({total}\)", response.content.decode())


def test_the_navigation_counts_the_matters_waiting_only_up_to_its_cap(client, matters, actors, monkeypatch):
    from xinfang.web import navigation

    total = len(inbox_ids(actors.clerk))
    assert total >= 2
    monkeypatch.setattr(navigation, "NAV_INBOX_CAP", total)  # as many waiting as the cap: shown as "cap-1+"
    client.force_login(actors.clerk)
    page = client.get(reverse("supervision:inbox")).content.decode()
    assert f"我的待办 ({total - 1}+)" in page
    monkeypatch.setattr(navigation, "NAV_INBOX_CAP", total + 1)  # fewer than the cap: the exact number
    assert f"我的待办 ({total})" in client.get(reverse("supervision:inbox")).content.decode()


def test_filters_and_sorting(client, matters, district, actors):
    client.force_login(actors.head)
    response = client.get(reverse("supervision:inbox"), {"step": "handling"})
    assert {row.petition.pk for row in response.context["rows"]} == {
        matters["accepted"].pk, matters["returned"].pk, matters["assigned_other"].pk}
    numbers = [row.petition.number for row in
               client.get(reverse("supervision:inbox"), {"sort": "-number"}).context["rows"]]
    assert numbers == sorted(numbers, reverse=True)
    assert client.get(reverse("supervision:inbox"), {"channel": "visit"}).context["rows"] == []


def test_bulk_forward_reports_each_matter_and_leaves_the_refused_one_untouched(client, district, category, actors):
    first, second = register(district, category), register(district, category)
    accusation = register(district, category, petition_type=PetitionType.ACCUSATION,
                          complained_org_id=district.township_a.pk)
    client.force_login(actors.reviewer)
    response = client.post(reverse("supervision:bulk-dispatch"), {
        "action": "forward", "handling_org": district.township_a.pk,
        "petitions": [first.pk, accusation.pk, second.pk]})
    assert response.status_code == 200
    outcomes = {o.petition_id: o for o in response.context["outcomes"]}
    assert [pk for pk, o in outcomes.items() if o.done] == [first.pk, second.pk]
    assert not outcomes[accusation.pk].done
    assert outcomes[accusation.pk].message.startswith("检举控告类事项不得转送、交办给被检举控告的单位")
    assert "成功 2 件，未办理 1 件" in response.content.decode()
    for petition in (first, second):
        petition.refresh_from_db()
        assert (petition.status, petition.handling_org_id) == (PetitionStatus.FORWARDED, district.township_a.pk)
    untouched = Petition.objects.get(pk=accusation.pk)
    assert (untouched.status, untouched.handling_org_id, untouched.version) == (
        PetitionStatus.REGISTERED, None, accusation.version)
    assert not untouched.clocks.filter(kind="acceptance").exists()
    assert not untouched.notices.exists()


def test_bulk_forward_refuses_a_matter_the_user_does_not_dispatch(client, district, category, actors):
    petition = register(district, category)
    client.force_login(actors.handler)
    response = client.post(reverse("supervision:bulk-dispatch"), {
        "action": "forward", "handling_org": district.township_a.pk, "petitions": [petition.pk]})
    assert response.status_code == 400
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.REGISTERED


def test_saved_views_belong_to_their_user(client, matters, district, actors):
    client.force_login(actors.handler)
    client.post(reverse("supervision:saved-view-create"),
                {"name": "待受理-青石镇", "query": f"step=accept&handling_org={district.township_a.pk}&x=1"})
    view = SavedView.objects.get(user=actors.handler)
    assert view.query == f"step=accept&handling_org={district.township_a.pk}"
    assert "待受理-青石镇" in client.get(reverse("supervision:inbox")).content.decode()
    rows = client.get(reverse("supervision:inbox") + "?" + view.query).context["rows"]
    assert {row.petition.pk for row in rows} == {matters["forwarded"].pk, matters["forwarded_overdue"].pk}

    other = user_create(username="qingshi-3", password="pw-123456", org=district.township_a, roles=[Role.HANDLER])
    client.force_login(other)
    assert "待受理-青石镇" not in client.get(reverse("supervision:inbox")).content.decode()
    assert client.post(reverse("supervision:saved-view-delete", args=[view.pk])).status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()

    client.force_login(actors.handler)
    client.post(reverse("supervision:saved-view-delete", args=[view.pk]))
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_bulk_assign_gives_each_matter_to_the_handler_and_reports_a_refusal(client, district, category, actors,
                                                                             handler2):
    first, second = accepted(district, category, actors), accepted(district, category, actors)
    act(second, "recuse", actors.head, recused_user=handler2.pk, recusal_ground="petitioner", reason="亲属")
    second.refresh_from_db()
    client.force_login(actors.head)
    response = client.post(reverse("supervision:bulk-assign"), {"assignee": handler2.pk,
                                                                "petitions": [first.pk, second.pk]})
    assert response.status_code == 200
    outcomes = {o.petition_id: o for o in response.context["outcomes"]}
    assert outcomes[first.pk].done and not outcomes[second.pk].done
    assert "已回避本事项" in outcomes[second.pk].message
    assert "成功 1 件，未办理 1 件" in response.content.decode()
    assert Petition.objects.get(pk=first.pk).assignee_id == handler2.pk
    untouched = Petition.objects.get(pk=second.pk)
    assert (untouched.assignee_id, untouched.version) == (None, second.version)


def test_bulk_assign_refuses_a_person_who_is_not_a_handler(client, district, category, actors):
    petition = accepted(district, category, actors)
    clerk_of_unit = user_create(username="qingshi-clerk", password="pw-123456", org=district.township_a,
                                roles=[Role.INTAKE_CLERK])
    client.force_login(actors.head)
    response = client.post(reverse("supervision:bulk-assign"), {"assignee": clerk_of_unit.pk,
                                                                "petitions": [petition.pk]})
    assert response.status_code == 400
    unchanged = Petition.objects.get(pk=petition.pk)
    assert (unchanged.assignee_id, unchanged.version) == (None, petition.version)
    assert not unchanged.events.filter(kind="assign_handler").exists()
    # Nor may a handler assign (the head's rule), even to a handler.
    client.force_login(actors.handler)
    assert client.post(reverse("supervision:bulk-assign"), {"assignee": actors.handler.pk,
                                                            "petitions": [petition.pk]}).status_code == 400


def overdue_by_clock_state(matters, supervisor):
    """The matters with a running statutory clock past due, by the clock states the case page shows."""
    today = timezone.localdate()
    found = {}
    for petition in petitions_visible_to(user=supervisor).filter(pk__in=[p.pk for p in matters.values()]):
        late = [clock_state(clock=clock, today=today).remaining_days
                for clock in petition.clocks.filter(stopped_on__isnull=True, voided=False)
                if clock_state(clock=clock, today=today).level in (Level.OVERDUE, Level.SERIOUSLY_OVERDUE)]
        if late:
            found[petition.pk] = min(late)
    return found


def test_the_supervisor_step_lists_exactly_the_overdue_matters_most_overdue_first(client, matters, supervisor,
                                                                                   actors):
    expected = overdue_by_clock_state(matters, supervisor)
    assert set(expected) == {matters["registered_overdue"].pk, matters["forwarded_overdue"].pk}
    listed = list(overdue_to_supervise(user=supervisor).values_list("pk", flat=True))
    assert listed == sorted(expected, key=lambda pk: expected[pk])
    assert not overdue_to_supervise(user=actors.reviewer).exists()  # a reviewer is no 督查督办员

    supervision_issue(data=SupervisionInput(kind="phone", petition_id=matters["forwarded_overdue"].pk),
                      actor=supervisor)
    client.force_login(supervisor)
    response = client.get(reverse("supervision:inbox"), {"step": "overdue"})
    [section] = response.context["sections"]
    rows = {row.petition.pk: row for row in section["rows"]}
    assert rows[matters["forwarded_overdue"].pk].supervision is not None
    assert rows[matters["registered_overdue"].pk].supervision is None
    assert rows[matters["forwarded_overdue"].pk].days_late == -expected[matters["forwarded_overdue"].pk]
    page = response.content.decode()
    assert f'/supervision/records/supervision/new/?petition={matters["registered_overdue"].pk}' in page
    assert "超期待督办" in page and f"我的待办 ({len(expected)})" in page


def test_records_addressed_to_the_unit_wait_on_its_head(client, district, category, actors, supervisor):
    petition = accepted(district, category, actors)
    supervision = supervision_issue(data=SupervisionInput(kind="phone", petition_id=petition.pk), actor=supervisor)
    late = supervision_issue(data=SupervisionInput(kind="phone", target_org_id=district.township_a.pk,
                                                   subject="欠薪积案", issued_on=LONG_AGO, due_days=3),
                             actor=supervisor)
    recommendation = recommendation_issue(data=RecommendationInput(
        kind="improve_work", target_org_id=district.township_a.pk, subject="改进受理告知", content="告知不及时"),
        actor=supervisor)
    client.force_login(actors.head)
    response = client.get(reverse("supervision:inbox"))
    sections = {section["step"].key: section for section in response.context["sections"]}
    assert [row.number for row in sections["supervision_reply"]["rows"]] == [late.number, supervision.number]
    assert sections["supervision_reply"]["rows"][0].days_left < 0
    assert [row.number for row in sections["recommendation_reply"]["rows"]] == [recommendation.number]
    tabs = {tab["key"]: tab["count"] for tab in response.context["tabs"]}
    assert (tabs["supervision_reply"], tabs["recommendation_reply"]) == (2, 1)
    assert tabs[""] == inbox_total(user=actors.head) == sum(count for key, count in tabs.items() if key)
    assert reverse("supervision:supervision-detail", args=[late.pk]) in response.content.decode()
    # Not the unit's handler (only the head answers), nor the head of another unit.
    client.force_login(actors.handler)
    assert "supervision_reply" not in {tab["key"] for tab in client.get(reverse("supervision:inbox")).context["tabs"]}
    assert inbox_total(user=actors.other_township_head) == 0


def test_an_instruction_waits_on_the_routed_units_head_until_the_final_response(client, district, category, actors):
    petition = accepted(district, category, actors)
    leader = user_create(username="leader", password="pw-123456", org=district.county, roles=[Role.LEADER],
                         full_name="王区长")
    instruction = instruction_record(data=InstructionInput(petition_id=petition.pk, text="请尽快解决欠薪",
                                                           target_org_id=district.township_a.pk), actor=leader)
    client.force_login(actors.head)
    response = client.get(reverse("supervision:inbox"), {"step": "instruction"})
    [section] = response.context["sections"]
    [row] = section["rows"]
    assert (row.number, row.source) == (instruction.number, "王区长")
    assert row.url == reverse("petition-detail", args=[petition.pk]) + f"#instruction-{instruction.pk}"
    instruction_respond(instruction_id=instruction.pk, text="已督促公司支付", final=True, actor=actors.head)
    assert client.get(reverse("supervision:inbox"), {"step": "instruction"}).context["sections"][0]["rows"] == []


def test_a_rectification_waits_on_the_units_head_until_reported_and_again_when_sent_back(client, district, category,
                                                                                          actors, supervisor):
    petition = accepted(district, category, actors)
    order = rectification_issue(data=RectificationInput(
        kind="order", target_org_id=district.township_a.pk, subject="受理告知不及时", content="逐件整改",
        petition_ids=(petition.pk,), due_days=10), actor=supervisor)
    interview = rectification_issue(data=RectificationInput(
        kind="interview", target_org_id=district.township_a.pk, subject="积案化解不力", content="约谈镇长",
        interviewees="张某（镇长）", held_on=LONG_AGO, issued_on=LONG_AGO, due_days=3), actor=supervisor)
    reported = rectification_issue(data=RectificationInput(
        kind="order", target_org_id=district.township_a.pk, subject="台账不全", content="补齐台账", due_days=5),
        actor=supervisor)
    rectification_report(rectification_id=reported.pk, report="已补齐。", actor=actors.head)
    client.force_login(actors.head)
    response = client.get(reverse("supervision:inbox"), {"step": "rectification_report"})
    [section] = response.context["sections"]
    # the overdue 约谈 first, then the order; the reported one waits on the office (验收), not on the unit
    assert [(row.number, row.kind) for row in section["rows"]] == [(interview.number, "约谈"), (order.number, "限期整改")]
    assert section["rows"][0].days_left < 0 <= section["rows"][1].days_left
    assert section["rows"][0].url == reverse("supervision:rectification-detail", args=[interview.pk])
    tabs = {tab["key"]: tab["count"] for tab in response.context["tabs"]}
    assert tabs["rectification_report"] == 2 and tabs[""] == inbox_total(user=actors.head)
    assert "整改待报告" in response.content.decode()
    # a check not passed sends it back: due again, in the list again
    rectification_check(rectification_id=reported.pk, passed=False, note="仍有缺项", actor=supervisor, due_days=3)
    rows = client.get(reverse("supervision:inbox"), {"step": "rectification_report"}).context["sections"][0]["rows"]
    assert reported.number in [row.number for row in rows] and len(rows) == 3
    # Not the unit's handler (only the head reports), nor the head of another unit.
    client.force_login(actors.handler)
    assert "rectification_report" not in {tab["key"] for tab in client.get(reverse("supervision:inbox")).context["tabs"]}
    assert inbox_total(user=actors.other_township_head) == 0
