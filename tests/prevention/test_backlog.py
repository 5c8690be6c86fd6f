"""积案/包案: the flow 化解中 → 报结 → 核实销号 (or returned), 台账, roles and scope, 反流, 问题清单."""

from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from xinfang.audit.models import AuditEvent
from xinfang.matching.services import repeat_link
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.petitions.services import petition_register
from xinfang.prevention.backlog import BACKLOG_LEDGER, BacklogCase, BacklogEntry, BacklogReflux, ProblemListItem
from xinfang.prevention.history import LedgerVersion
from xinfang.prevention.selectors_backlog import backlog_visible_to, case_petition, problems_visible_to
from xinfang.prevention.services_backlog import (
    CaseInput,
    EntryInput,
    ProblemInput,
    case_create,
    case_report,
    case_update,
    case_verify,
    entry_add,
    problem_create,
    problem_strike_off,
)
from tests.conftest import petition_input


def make_leader(district):
    return user_create(username="bl-leader", password="pw-123456", org=district.county, roles=[Role.LEADER],
                       full_name="王副区长")


@pytest.fixture
def leader(district):
    return make_leader(district)


def case_input(*, org, leader, **overrides) -> CaseInput:
    values = dict(summary="某小区业主反映房产证办理久拖未决", source="assigned", batch="治重化积", batch_number="2026-07",
                  assigned_on=date(2026, 3, 1), responsible_org_id=org.pk, leader_id=leader.pk,
                  due_on=date(2026, 6, 30), task_force="住建局张某、青石镇李某")
    values.update(overrides)
    return CaseInput(**values)


def petition(district, category, when: datetime, **overrides):
    made, _ = petition_register(data=petition_input(locality=district.township_a, category=category,
                                                    received_at=timezone.make_aware(when), **overrides),
                                actor=district.clerk)
    return made


def struck_off(case, people, *, reported=date(2026, 4, 1), on=date(2026, 4, 10)):
    case_report(case_id=case.pk, reported_on=reported, resolution="协调办证，已发放", actor=people.township_a)
    return case_verify(case_id=case.pk, approve=True, struck_off_on=on, actor=people.office_reviewer)


def test_a_case_goes_from_open_to_reported_to_struck_off_with_its_history(district, people, leader):
    case = case_create(data=case_input(org=district.township_a, leader=leader), actor=people.township_a)
    assert (case.number, case.status, case.leader) == ("积案〔2026〕1号", BacklogCase.Status.OPEN, leader)
    entry_add(case_id=case.pk, data=EntryInput(date(2026, 3, 5), "包案领导接访，召开协调会", "王副区长"),
              actor=people.township_a)
    reported = case_report(case_id=case.pk, reported_on=date(2026, 4, 1), resolution="协调办证，已发放",
                           actor=people.township_a)
    assert reported.status == BacklogCase.Status.REPORTED
    # not passed: back to 化解中 with the reason
    returned = case_verify(case_id=case.pk, approve=False, reason="群众仍有异议", actor=people.office_reviewer)
    assert (returned.status, returned.return_reason, returned.reported_on) == (BacklogCase.Status.OPEN,
                                                                              "群众仍有异议", None)
    done = struck_off(case, people, reported=date(2026, 4, 20), on=date(2026, 4, 25))
    assert (done.status, done.struck_off_on, done.verified_by) == (BacklogCase.Status.STRUCK_OFF, date(2026, 4, 25),
                                                                  people.office_reviewer)
    versions = list(LedgerVersion.objects.filter(ledger=BACKLOG_LEDGER, record_id=case.pk).order_by("version")
                    .values_list("action", flat=True))
    assert versions == ["登记", "报结", "核实不通过", "报结", "核实销号"]
    assert BacklogEntry.objects.filter(case=case).count() == 1
    assert AuditEvent.objects.filter(action="prevention.backlog_strike_off").count() == 1
    with pytest.raises(ValidationError, match="不能修改"):
        case_update(case_id=case.pk, data=case_input(org=district.township_a, leader=leader), actor=people.township_a)


def test_roles_record_verify_and_read(district, people, leader):
    data = case_input(org=district.township_a, leader=leader)
    for reader in (people.village_leader, leader):
        with pytest.raises(PermissionDenied, match="领导干部、统计员只能查看"):
            case_create(data=data, actor=reader)
    statistician = user_create(username="bl-stat", password="pw-123456", org=district.office,
                               roles=[Role.STATISTICIAN])
    with pytest.raises(PermissionDenied):
        case_create(data=data, actor=statistician)
    case = case_create(data=data, actor=people.office_clerk)
    case_report(case_id=case.pk, reported_on=date(2026, 4, 1), resolution="已化解", actor=people.township_a)
    for not_reviewer in (people.office_clerk, people.township_a, leader):
        with pytest.raises(PermissionDenied, match="信访部门的审核员"):
            case_verify(case_id=case.pk, approve=True, actor=not_reviewer)
    assert BacklogCase.objects.get(pk=case.pk).status == BacklogCase.Status.REPORTED
    # scope: 白沙镇 sees nothing of 青石镇's, the leader in charge sees his 包案, the statistician reads
    assert list(backlog_visible_to(user=people.township_b)) == []
    with pytest.raises(PermissionDenied):
        case_report(case_id=case.pk, reported_on=date(2026, 4, 1), resolution="x", actor=people.township_b)
    assert list(backlog_visible_to(user=leader)) == [case]
    assert list(backlog_visible_to(user=statistician)) == [case]
    # 白沙镇 cannot put a case on 青石镇
    with pytest.raises(ValidationError) as error:
        case_create(data=data, actor=people.township_b)
    assert error.value.message_dict["responsible_org"] == ["青石镇不在本单位范围内"]


def test_bad_input_is_refused_in_chinese_and_nothing_is_recorded(district, people, leader):
    with pytest.raises(ValidationError) as error:
        case_create(data=case_input(org=district.township_a, leader=people.township_a, batch="", summary=" ",
                                    due_on=date(2026, 2, 1)), actor=people.office_clerk)
    assert error.value.message_dict == {
        "summary": ["请填写积案名称"], "batch": ["上级交办的，请填写交办批次（如“治重化积”）"],
        "leader": ["包案领导应为领导干部"], "due_on": ["化解期限不能早于交办（列入）日期"]}
    assert not BacklogCase.objects.exists()


def test_a_case_from_a_petition_links_only_a_visible_one(district, people, leader, category):
    accusation = petition(district, category, datetime(2026, 2, 1, 9), petition_type="accusation",
                          complained_org_id=district.township_a.pk)
    with pytest.raises(ValidationError, match="无权查看"):
        case_create(data=case_input(org=district.township_a, leader=leader, petition_id=accusation.pk),
                    actor=people.township_a)
    case = case_create(data=case_input(org=district.township_a, leader=leader, petition_id=accusation.pk),
                       actor=people.office_clerk)
    assert case_petition(case=case, user=people.office_clerk) == accusation
    assert case_petition(case=case, user=people.township_a) is None


def test_a_retold_petition_after_strike_off_is_a_reflux_once(district, people, leader, category):
    first = petition(district, category, datetime(2026, 2, 1, 9))
    other = petition(district, category, datetime(2026, 2, 2, 9), summary="另一事项")
    case = case_create(data=case_input(org=district.township_a, leader=leader, petition_id=first.pk),
                       actor=people.office_clerk)
    other_case = case_create(data=case_input(org=district.township_a, leader=leader, petition_id=other.pk),
                             actor=people.office_clerk)
    before = petition(district, category, datetime(2026, 3, 20, 9))  # retold before 销号
    struck_off(case, people, on=date(2026, 4, 10))
    struck_off(other_case, people, on=date(2026, 4, 10))
    repeat_link(actor=district.clerk, petition_id=before.pk, first_petition_id=first.pk, reason="同一事项")
    assert not BacklogReflux.objects.exists()
    after = petition(district, category, datetime(2026, 5, 6, 9))
    repeat_link(actor=district.clerk, petition_id=after.pk, first_petition_id=first.pk, reason="同一事项")
    assert list(BacklogReflux.objects.values_list("case_id", "petition_id")) == [(case.pk, after.pk)]
    # linked again (unlinked and relinked): still once
    from xinfang.prevention.services_backlog import reflux_detect

    reflux_detect(petition=after, matter_root_id=first.pk)
    assert BacklogReflux.objects.count() == 1


def test_a_problem_is_listed_struck_off_by_the_reviewer(district, people):
    item = problem_create(data=ProblemInput("某村征地补偿款分配纠纷", "李镇长", district.township_a.pk,
                                            date(2026, 3, 1), date(2026, 5, 31)), actor=people.township_a)
    assert item.status == ProblemListItem.Status.OPEN
    with pytest.raises(PermissionDenied):
        problem_strike_off(item_id=item.pk, struck_off_on=date(2026, 5, 1), note="已兑付", actor=people.township_a)
    with pytest.raises(ValidationError) as error:
        problem_strike_off(item_id=item.pk, struck_off_on=date(2026, 2, 1), note="", actor=people.office_reviewer)
    assert error.value.message_dict == {"struck_off_on": ["销号日期应在列入日期与今天之间"]}
    done = problem_strike_off(item_id=item.pk, struck_off_on=date(2026, 5, 1), note="已兑付",
                              actor=people.office_reviewer)
    assert (done.status, done.struck_off_on) == (ProblemListItem.Status.STRUCK_OFF, date(2026, 5, 1))
    assert list(problems_visible_to(user=people.township_b)) == []
