"""补录 (issue 12 item 3): an action dated before the day it is entered is recorded as such, within limits."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.conftest import act
from xinfang.exchange.export import petition_records
from xinfang.petitions.models import Petition
from xinfang.workflow.exceptions import RuleViolation
from xinfang.workflow.models import Clock, LateEntry
from xinfang.workflow.services import petition_act, petition_correct

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def days_ago(days: int):
    return today() - timedelta(days=days)


def forward(petition, actor, on, **extra):
    return petition_act(petition_id=petition.pk, action="forward", actor=actor, acted_on=on,
                        values={"handling_org": extra.pop("org"), **extra})


def test_an_action_dated_yesterday_is_a_late_entry_with_both_dates(registered, district, actors):
    forward(registered, actors.reviewer, days_ago(1), org=district.township_a.pk)
    entry = LateEntry.objects.get(petition=registered)
    assert (entry.action, entry.org, entry.entered_by) == ("forward", district.office, actors.reviewer)
    assert (entry.acted_on, entry.recorded_on, entry.beyond_window, entry.approved_by) == (
        days_ago(1), today(), False, None)
    event = entry.event
    assert event.data["late_entry"] is True
    assert (event.data["acted_on"], event.data["recorded_on"]) == (days_ago(1).isoformat(), today().isoformat())
    # The legal date is the one deadlines and statistics use.
    assert Clock.objects.get(petition=registered, kind=Clock.Kind.ACCEPTANCE).started_on == days_ago(1)


def test_an_action_of_today_is_no_late_entry(registered, district, actors):
    forward(registered, actors.reviewer, None, org=district.township_a.pk)
    assert not LateEntry.objects.exists()
    assert "late_entry" not in registered.events.get(kind="forward").data


def test_beyond_the_window_only_a_reviewer_with_a_reason_may_enter_it(registered, district, actors):
    act(registered, "forward", actors.reviewer, on=days_ago(30), handling_org=district.township_a.pk)
    # The township's handler is no 审核员: he cannot enter an acceptance of 20 days ago by himself.
    with pytest.raises(ValidationError) as refused:
        petition_act(petition_id=registered.pk, action="accept", actor=actors.handler, acted_on=days_ago(20))
    assert "超过3个工作日" in str(refused.value.message_dict["acted_on"]) and "审核员" in str(refused.value)
    assert Petition.objects.get(pk=registered.pk).status == "forwarded"
    # A reviewer may (the forward is redone as a late entry), with a reason.
    petition_correct(petition_id=registered.pk, actor=actors.reviewer, reason="重新转送")
    with pytest.raises(ValidationError) as no_reason:
        forward(registered, actors.reviewer, days_ago(20), org=district.township_a.pk)
    assert "补录理由" in str(no_reason.value.message_dict["backdate_reason"])
    forward(registered, actors.reviewer, days_ago(20), org=district.township_a.pk,
            backdate_reason="纸质转送单当日已寄出，系统录入遗漏")
    entry = LateEntry.objects.get(petition=registered)
    assert entry.beyond_window and entry.approved_by == actors.reviewer
    assert entry.reason == "纸质转送单当日已寄出，系统录入遗漏"
    # The reason is no value of the rule: it is not in the forwarding notice's values.
    assert "backdate_reason" not in entry.event.data["values"]


def test_an_action_is_never_dated_before_the_previous_step(registered, district, actors):
    act(registered, "forward", actors.reviewer, on=days_ago(2), handling_org=district.township_a.pk)
    with pytest.raises(ValidationError) as refused:
        petition_act(petition_id=registered.pk, action="accept", actor=actors.handler, acted_on=days_ago(3))
    assert "不能早于上一步“转送”的办理日期" in str(refused.value.message_dict["acted_on"])
    petition_act(petition_id=registered.pk, action="accept", actor=actors.handler, acted_on=days_ago(2))


def test_the_window_is_local_policy(registered, district, actors, settings, tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text("[late_entry]\nwindow_working_days = 0\n", encoding="utf-8")
    settings.XINFANG_POLICY_FILE = str(policy)
    with pytest.raises(ValidationError, match="超过0个工作日"):
        petition_act(petition_id=registered.pk, action="forward", actor=actors.clerk, acted_on=days_ago(1),
                     values={"handling_org": district.township_a.pk})


def test_a_corrected_late_entry_is_voided(registered, district, actors):
    forward(registered, actors.reviewer, days_ago(1), org=district.township_a.pk)
    petition_correct(petition_id=registered.pk, actor=actors.reviewer, reason="单位选错")
    assert LateEntry.objects.get(petition=registered).voided


def test_the_case_page_enters_a_late_entry_and_shows_both_dates(client, registered, district, actors):
    client.force_login(actors.reviewer)
    form = client.get(f"/petitions/{registered.pk}/actions/forward/").content.decode()
    assert "补录理由" in form and "3个工作日" in form
    response = client.post(f"/petitions/{registered.pk}/actions/forward/", {
        "handling_org": district.township_a.pk, "expected_version": registered.version,
        "acted_on": days_ago(1).isoformat(), "backdate_reason": "当日系统故障"})
    assert response.status_code == 204
    timeline = client.get(f"/petitions/{registered.pk}/").content.decode().split('class="timeline"')[1]
    assert "补录" in timeline and "当日系统故障" in timeline
    assert f"办理日期 <strong>{days_ago(1):%Y年%-m月%-d日}</strong>，录入日期 {today():%Y年%-m月%-d日}" in timeline


def test_the_case_page_refuses_a_handler_backdating_beyond_the_window(client, registered, district, actors):
    act(registered, "forward", actors.reviewer, on=days_ago(30), handling_org=district.township_a.pk)
    client.force_login(actors.handler)
    response = client.post(f"/petitions/{registered.pk}/actions/accept/", {
        "expected_version": Petition.objects.get(pk=registered.pk).version, "acted_on": days_ago(20).isoformat()})
    assert response.status_code == 200 and "须经信访部门审核员批准" in response.content.decode()
    assert Petition.objects.get(pk=registered.pk).status == "forwarded" and not LateEntry.objects.exists()


def test_the_export_writes_the_entry_date_of_every_step(registered, district, actors):
    forward(registered, actors.reviewer, days_ago(1), org=district.township_a.pk)
    [record] = list(petition_records(queryset=Petition.objects.filter(pk=registered.pk)))
    [step] = [step for step in record["history"] if step["action"] == "forward"]
    assert (step["acted_on"], step["recorded_on"], step["late_entry"]) == (
        days_ago(1).isoformat(), today().isoformat(), True)


def approve(petition, actors, action, day, reason="受理告知书已按时送达，系统漏录"):
    return petition_act(petition_id=petition.pk, action="approve_late_entry", actor=actors.reviewer,
                        values={"late_action": action, "backdate_to": day.isoformat(), "reason": reason})


def test_a_reviewers_approval_lets_the_unit_enter_that_action_on_that_day_once(registered, district, actors):
    act(registered, "forward", actors.reviewer, on=days_ago(30), handling_org=district.township_a.pk)
    # Approved for another day or another action: still refused.
    approve(registered, actors, "accept", days_ago(21))
    approve(registered, actors, "object", days_ago(20))
    with pytest.raises(ValidationError, match="批准补录"):
        petition_act(petition_id=registered.pk, action="accept", actor=actors.handler, acted_on=days_ago(20))
    approval = approve(registered, actors, "accept", days_ago(20)).events.get(
        kind="approve_late_entry", data__values__backdate_to=days_ago(20).isoformat(),
        data__values__late_action="accept")
    # The approval is no step of the procedure: the acceptance may be dated before it (not before the forward).
    petition_act(petition_id=registered.pk, action="accept", actor=actors.handler, acted_on=days_ago(20))
    entry = LateEntry.objects.get(petition=registered)
    assert (entry.beyond_window, entry.approved_by, entry.approval, entry.org) == (
        True, actors.reviewer, approval, district.township_a)
    assert entry.reason == "受理告知书已按时送达，系统漏录"
    # Used once: after a correction the same entry needs a new approval.
    petition_correct(petition_id=registered.pk, actor=actors.reviewer, reason="日期有误")
    with pytest.raises(ValidationError, match="批准补录"):
        petition_act(petition_id=registered.pk, action="accept", actor=actors.handler, acted_on=days_ago(20))


def test_an_approval_names_an_earlier_day_and_a_real_action(registered, actors):
    with pytest.raises(RuleViolation, match="应早于批准之日"):
        approve(registered, actors, "accept", today())
    with pytest.raises(ValidationError, match="应为一项办理操作"):
        approve(registered, actors, "approve_late_entry", days_ago(5))
    # Only a 信访部门审核员 approves.
    with pytest.raises(PermissionDenied):
        petition_act(petition_id=registered.pk, action="approve_late_entry", actor=actors.head,
                     values={"late_action": "accept", "backdate_to": days_ago(5).isoformat(), "reason": "r"})
