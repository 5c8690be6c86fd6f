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
from xinfang.supervision.inbox import inbox_order, inbox_queryset, step_of_status
from xinfang.supervision.models import SavedView
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


@pytest.fixture
def matters(district, category, actors):
    """One matter at each step, plus an overdue one at the office and one overdue at the township."""
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
    for petition in m.values():
        petition.refresh_from_db()
    return m


def everyone(district, actors):
    return [actors.clerk, actors.reviewer, actors.handler, actors.head, actors.county_head, actors.city_head,
            actors.other_township_head, district.department_user]


def test_every_listed_matter_offers_the_user_an_action_of_its_step_and_vice_versa(matters, district, actors):
    assert {p.status for p in matters.values()} >= {
        PetitionStatus.REGISTERED, PetitionStatus.FORWARDED, PetitionStatus.ACCEPTED, PetitionStatus.REPLIED,
        PetitionStatus.DELIVERED, PetitionStatus.UNDER_REVIEW}
    for user in everyone(district, actors):
        listed = set(inbox_ids(user))
        visible = set(petitions_visible_to(user=user).values_list("pk", flat=True))
        for name, petition in matters.items():
            step = step_of_status(petition.status)
            offered = {rule.action for rule in actions_allowed(petition=petition, actor=user)}
            waiting = petition.pk in visible and step is not None and bool(offered & set(step.actions))
            assert (petition.pk in listed) == waiting, (user.username, name, sorted(offered))


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


def test_filters_and_sorting(client, matters, district, actors):
    client.force_login(actors.head)
    response = client.get(reverse("supervision:inbox"), {"step": "handling"})
    assert [row.petition.pk for row in response.context["rows"]] == [matters["accepted"].pk]
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

    other = user_create(username="qingshi-2", password="pw-123456", org=district.township_a, roles=[Role.HANDLER])
    client.force_login(other)
    assert "待受理-青石镇" not in client.get(reverse("supervision:inbox")).content.decode()
    assert client.post(reverse("supervision:saved-view-delete", args=[view.pk])).status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()

    client.force_login(actors.handler)
    client.post(reverse("supervision:saved-view-delete", args=[view.pk]))
    assert not SavedView.objects.filter(pk=view.pk).exists()
