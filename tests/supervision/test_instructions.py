"""领导批示 (issue 13): a leader instructs on a matter, the routed unit's head reports, the leader closes;
who may act; Art 30; due dates on the calendar; overdue; notifications; the case page and the list.

`supervisor` (the office's 督查督办员) comes from tests/supervision/conftest.py.
"""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.conftest import act, petition_input
from xinfang.audit.models import AuditEvent
from xinfang.notifications.models import Notification
from xinfang.notifications.services import notifications_deliver
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.petitions.models import PetitionType
from xinfang.petitions.services import petition_register
from xinfang.supervision.instructions import Instruction, InstructionResponse
from xinfang.supervision.records import RecordSequence
from xinfang.supervision.selectors_instructions import (
    instruction_counts,
    instruction_target_choices,
    instructions_pending_for,
    instructions_visible_to,
)
from xinfang.supervision.services_instructions import (
    InstructionError,
    InstructionInput,
    instruction_close,
    instruction_record,
    instruction_respond,
)
from xinfang.supervision.services_records import SupervisionError


@pytest.fixture
def leader(district):
    return user_create(username="leader", password="pw-123456", org=district.county, roles=[Role.LEADER],
                       full_name="王副区长")


@pytest.fixture
def forwarded(district, category, actors):
    """A matter registered by the office and forwarded to 青石镇 (its 责任单位)."""
    petition, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                    actor=district.clerk)
    return act(petition, "forward", actors.reviewer, handling_org=district.township_a.pk)


def _record(petition, leader, **values):
    return instruction_record(data=InstructionInput(petition_id=petition.pk, text="请青石镇依法督促企业支付欠薪，"
                                                    "妥善化解。", **values), actor=leader)


def test_leader_instructs_head_reports_progress_then_final_and_leader_closes(district, actors, leader, forwarded):
    # given a matter forwarded to 青石镇
    # when the leader instructs without naming a unit or a period
    instruction = _record(forwarded, leader, priority=Instruction.Priority.URGENT)
    # then it goes to the matter's 责任单位, numbered in the leader's organ, due by the policy's period
    year = instruction.issued_on.year
    assert instruction.target_org == district.township_a and instruction.org == district.county
    assert instruction.number == f"{district.county.display_prefix}批〔{year}〕1号"
    assert instruction.due_basis == "5个工作日" and instruction.due_on > instruction.issued_on
    assert list(instructions_pending_for(user=actors.head)) == [instruction]
    assert list(instructions_pending_for(user=actors.handler)) == [instruction]  # the unit's staff see it too

    instruction_respond(instruction_id=instruction.pk, text="已约谈企业负责人，制定分期支付方案。", final=False,
                        actor=actors.head)
    instruction.refresh_from_db()
    assert instruction.status == Instruction.Status.OPEN
    with pytest.raises(InstructionError, match="尚未报送最终落实情况"):
        instruction_close(instruction_id=instruction.pk, actor=leader)

    instruction_respond(instruction_id=instruction.pk, text="欠薪已全部支付，信访人表示满意。", final=True,
                        actor=actors.head)
    instruction.refresh_from_db()
    assert instruction.status == Instruction.Status.ANSWERED and instruction.answered_on == date.today()
    assert not instructions_pending_for(user=actors.head).exists()
    with pytest.raises(InstructionError, match="不能再反馈"):  # the final response is the last
        instruction_respond(instruction_id=instruction.pk, text="补充", final=False, actor=actors.head)

    instruction_close(instruction_id=instruction.pk, actor=leader, note="同意办结")
    instruction.refresh_from_db()
    assert instruction.status == Instruction.Status.CLOSED and instruction.closed_by == leader
    assert list(instruction.responses.values_list("kind", flat=True)) == ["progress", "final"]
    actions = list(AuditEvent.objects.filter(target_type="supervision.instruction", target_id=str(instruction.pk))
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["instruction.record", "instruction.respond", "instruction.respond", "instruction.close"]
    # a second instruction of the organ that year takes the next number
    assert _record(forwarded, leader).number.endswith(f"〔{year}〕2号")


def test_only_the_routed_units_head_reports_and_only_leaders_instruct(district, actors, leader, supervisor,
                                                                     forwarded, client):
    instruction = _record(forwarded, leader)
    with pytest.raises(PermissionDenied):  # the unit's handler is not its head
        instruction_respond(instruction_id=instruction.pk, text="已办", final=True, actor=actors.handler)
    with pytest.raises(PermissionDenied):  # another township does not even see the matter
        instruction_respond(instruction_id=instruction.pk, text="已办", final=True,
                            actor=actors.other_township_head)
    with pytest.raises(PermissionDenied):  # the head does not close
        instruction_close(instruction_id=instruction.pk, actor=actors.head)
    for not_a_leader in (supervisor, actors.head, district.clerk):
        with pytest.raises(PermissionDenied):
            _record(forwarded, not_a_leader)
    assert not InstructionResponse.objects.exists()
    assert Instruction.objects.count() == 1

    client.force_login(actors.other_township_head)
    assert client.post(reverse("supervision:instruction-respond", args=[instruction.pk]),
                       {f"resp{instruction.pk}-text": "x", f"resp{instruction.pk}-final": "on"}).status_code == 404
    client.force_login(actors.handler)
    assert client.post(reverse("supervision:instruction-respond", args=[instruction.pk]),
                       {f"resp{instruction.pk}-text": "x", f"resp{instruction.pk}-final": "on"}).status_code == 403
    client.force_login(supervisor)
    assert client.get(reverse("supervision:instruction-new") + f"?petition={forwarded.pk}").status_code == 403
    assert not InstructionResponse.objects.exists()


def test_accusation_never_routed_to_nor_seen_by_the_accused_unit(district, category, actors, leader, client):
    accusation, _ = petition_register(data=petition_input(
        locality=district.township_a, category=category, petition_type=PetitionType.ACCUSATION,
        complained_org_id=district.township_a.pk, summary="反映青石镇干部违规发放补贴"), actor=district.clerk)
    before = (AuditEvent.objects.count(), Notification.objects.count())
    for accused in (district.township_a, district.village_a1):
        with pytest.raises(SupervisionError, match="第三十条"):  # the records' check (InstructionError's base)
            _record(accusation, leader, target_org_id=accused.pk)
    assert not Instruction.objects.exists() and not RecordSequence.objects.exists()
    assert (AuditEvent.objects.count(), Notification.objects.count()) == before
    assert district.township_a not in instruction_target_choices(user=leader, petition=accusation)

    # routed elsewhere (the office that registered it) it is recorded, and still invisible to the accused unit
    instruction = _record(accusation, leader, target_org_id=district.office.pk)
    for accused_staff in (actors.head, actors.handler):
        assert not instructions_visible_to(user=accused_staff).exists()
        assert not instructions_pending_for(user=accused_staff).exists()
        assert not Notification.objects.filter(recipient=accused_staff).exists()
    client.force_login(actors.head)
    assert instruction.number not in client.get(reverse("supervision:instructions")).content.decode()
    assert client.post(reverse("supervision:instruction-respond", args=[instruction.pk]),
                       {f"resp{instruction.pk}-text": "x"}).status_code == 404


def test_due_date_counts_working_days_across_national_day(district, leader, forwarded, settings, tmp_path):
    # 2026: 10-01..10-07 National Day, 10-10 (Saturday) a make-up working day.
    sept_30 = date(2026, 9, 30)
    assert _record(forwarded, leader, issued_on=sept_30).due_on == date(2026, 10, 13)  # 8, 9, 10, 12, 13
    assert _record(forwarded, leader, issued_on=sept_30, due_days=3).due_on == date(2026, 10, 10)
    fixed = _record(forwarded, leader, issued_on=sept_30, due_on=date(2026, 10, 20))
    assert (fixed.due_on, fixed.due_basis) == (date(2026, 10, 20), "指定日期")
    with pytest.raises(SupervisionError, match="不能早于"):
        _record(forwarded, leader, issued_on=sept_30, due_on=date(2026, 9, 29))

    # a county's own period (XINFANG_POLICY_FILE): 10 calendar days end on 10-10, a working day
    policy = tmp_path / "policy.toml"
    policy.write_text('[supervision.response]\ninstruction = { length = 10, unit = "calendar_days" }\n',
                      encoding="utf-8")
    settings.XINFANG_POLICY_FILE = str(policy)
    local = _record(forwarded, leader, issued_on=sept_30)
    assert (local.due_on, local.due_basis) == (date(2026, 10, 10), "10日")


def test_overdue_until_the_final_response(district, actors, leader, supervisor, forwarded, client):
    month_ago = date.today() - timedelta(days=30)
    late = _record(forwarded, leader, issued_on=month_ago, due_on=month_ago + timedelta(days=7))
    fresh = _record(forwarded, leader, due_days=10)
    today = date.today()
    assert late.is_overdue(today) and not fresh.is_overdue(today)
    assert instruction_counts(user=supervisor) == {"total": 2, "open": 1, "overdue": 1, "answered": 0,
                                                   "closed": 0, "answered_late": 0}
    assert list(instructions_pending_for(user=actors.head)) == [late, fresh]  # due order

    client.force_login(supervisor)
    page = client.get(reverse("supervision:instructions") + "?state=overdue").content.decode()
    assert late.number in page and fresh.number not in page and "超期未反馈" in page

    # a progress report does not end it; the final response does, and is marked late
    instruction_respond(instruction_id=late.pk, text="正在协调", final=False, actor=actors.head)
    assert instruction_counts(user=supervisor)["overdue"] == 1
    instruction_respond(instruction_id=late.pk, text="已落实", final=True, actor=actors.head)
    late.refresh_from_db()
    assert not late.is_overdue(today) and late.answered_late()
    assert instruction_counts(user=supervisor) == {"total": 2, "open": 1, "overdue": 0, "answered": 1,
                                                   "closed": 0, "answered_late": 1}


def test_notifications_once_per_recipient(district, category, actors, leader, supervisor, forwarded, mailoutbox):
    second_head = user_create(username="qingshi-head2", password="pw-123456", org=district.township_a,
                              roles=[Role.HANDLING_ORG_HEAD])
    second_head.email = "head2@qingshi.example"
    second_head.save(update_fields=["email"])
    instruction = _record(forwarded, leader)
    told = list(Notification.objects.filter(petition=forwarded).values_list("recipient__username", flat=True))
    # the routed unit's heads and the registering office's supervisor; not its handler, nor other units
    assert sorted(told) == sorted([actors.head.username, second_head.username, supervisor.username])
    assert all(n.title.startswith("【领导批示】") for n in Notification.objects.all())
    # e-mail goes out with the worker's delivery, to those with an address, once
    notifications_deliver()
    notifications_deliver()
    assert [message.to for message in mailoutbox] == [["head2@qingshi.example"]]
    assert forwarded.number in mailoutbox[0].subject

    instruction_respond(instruction_id=instruction.pk, text="已落实", final=True, actor=actors.head)
    answered = Notification.objects.filter(title__startswith="【批示反馈】")
    assert sorted(answered.values_list("recipient__username", flat=True)) == [supervisor.username, leader.username]
    instruction_close(instruction_id=instruction.pk, actor=supervisor)  # the office's supervisor may close too
    instruction.refresh_from_db()
    assert instruction.status == Instruction.Status.CLOSED and instruction.closed_by == supervisor

    # one person holding both roles at the office an unforwarded matter is routed to: told once
    both = user_create(username="office-head", password="pw-123456", org=district.office,
                       roles=[Role.HANDLING_ORG_HEAD, Role.SUPERVISOR])
    registered, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                      actor=district.clerk)
    routed = _record(registered, leader)
    assert routed.target_org == district.office
    assert Notification.objects.filter(petition=registered, recipient=both).count() == 1
    assert Notification.objects.filter(petition=registered).count() == 2  # both, and the supervisor


def test_case_page_panel_and_forms(district, actors, leader, forwarded, client):
    detail = reverse("petition-detail", args=[forwarded.pk])
    client.force_login(leader)
    page = client.get(detail).content.decode()
    assert 'id="instructions"' in page and 'id="instruction-form"' in page and "暂无领导批示" in page
    response = client.post(reverse("supervision:instruction-new"), {
        "petition": forwarded.pk, "instr-text": "请尽快核实处理", "instr-target_org": district.township_a.pk,
        "instr-priority": "normal", "instr-due_days": "3"})
    instruction = Instruction.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{detail}#instruction-{instruction.pk}"
    assert instruction.due_basis == "3个工作日"
    # a refused form comes back with the reason and the text typed
    response = client.post(reverse("supervision:instruction-new"), {
        "petition": forwarded.pk, "instr-text": "第二条批示", "instr-target_org": district.township_a.pk,
        "instr-issued_on": "2026-01-01"})
    assert response.status_code == 200 and "不能早于信访事项的收到日期" in response.content.decode()
    assert "第二条批示" in response.content.decode() and Instruction.objects.count() == 1

    client.force_login(actors.handler)
    page = client.get(detail).content.decode()
    assert "请尽快核实处理" in page and "data-instruction-respond" not in page and 'id="instruction-form"' not in page
    client.force_login(actors.head)
    page = client.get(detail).content.decode()
    assert "data-instruction-respond" in page and 'id="instruction-form"' not in page
    refused = client.post(reverse("supervision:instruction-respond", args=[instruction.pk]), {
        f"resp{instruction.pk}-text": "已核实", f"resp{instruction.pk}-responded_on": "2026-01-01"})
    assert refused.status_code == 200 and "反馈日期不能早于批示日期" in refused.content.decode()
    assert not instruction.responses.exists()
    client.post(reverse("supervision:instruction-respond", args=[instruction.pk]),
                {f"resp{instruction.pk}-text": "已核实并处理完毕", f"resp{instruction.pk}-final": "on"})
    instruction.refresh_from_db()
    assert instruction.status == Instruction.Status.ANSWERED

    client.force_login(leader)
    page = client.get(detail).content.decode()
    assert "data-instruction-close" in page and "已核实并处理完毕" in page
    client.post(reverse("supervision:instruction-close", args=[instruction.pk]), {f"close{instruction.pk}-note": ""})
    instruction.refresh_from_db()
    assert instruction.status == Instruction.Status.CLOSED
    listing = client.get(reverse("supervision:instructions") + f"?state=closed&leader={leader.pk}").content.decode()
    assert instruction.number in listing
    assert reverse("supervision:instructions") in client.get(reverse("supervision:index")).content.decode()


def test_superuser_outside_every_org_instructs_in_the_governments_name(district, category, django_user_model):
    admin = django_user_model.objects.create_superuser(username="root", password="pw-123456")
    registered, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                      actor=district.clerk)
    instruction = instruction_record(data=InstructionInput(petition_id=registered.pk, text="请信访办研究提出办理意见"),
                                     actor=admin)
    # not yet forwarded: the registering office carries it out; the county numbers it
    assert (instruction.target_org, instruction.org) == (district.office, district.county)
