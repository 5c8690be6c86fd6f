"""Work inside the handling unit: the head assigns a 承办人, the handler logs the investigation and drafts the
处理意见书, the head signs it or returns it (rules assign_handler, investigate, draft_reply, approve_reply,
return_draft)."""

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import act, petition_input
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.petitions.models import Petition, PetitionStatus as S, PetitionType
from xinfang.petitions.services import petition_register
from xinfang.workflow.exceptions import ActionNotPermitted, RuleViolation
from xinfang.workflow.models import Notice
from xinfang.workflow.services import actions_allowed, petition_act, petition_correct

pytestmark = pytest.mark.django_db

DRAFT = {"outcome": "supported", "facts": "经查，公司拖欠工资三个月属实", "decision": "责成公司十日内支付",
         "legal_basis": "《保障农民工工资支付条例》第十一条"}


@pytest.fixture
def accepted(registered, actors):
    act(registered, "forward", actors.reviewer, handling_org=registered.locality_id)
    return act(registered, "accept", actors.head)


@pytest.fixture
def second_handler(district):
    return user_create(username="qingshi-2", password="pw-123456", org=district.township_a, roles=[Role.HANDLER],
                       full_name="承办人乙")


def _allowed(petition, user) -> set[str]:
    return {rule.action for rule in actions_allowed(petition=Petition.objects.get(pk=petition.pk), actor=user)}


def test_the_head_assigns_and_reassigns_and_a_correction_restores_the_first(accepted, actors, second_handler):
    assert "assign_handler" in _allowed(accepted, actors.head)
    assert "assign_handler" not in _allowed(accepted, actors.handler)  # the head decides, not the handler
    petition = act(accepted, "assign_handler", actors.head, assignee=actors.handler.pk)
    assert petition.assignee == actors.handler
    petition = act(petition, "assign_handler", actors.head, assignee=second_handler.pk, reason="原承办人出差")
    assert petition.assignee == second_handler
    petition_correct(petition_id=petition.pk, actor=actors.head, reason="改派有误")
    assert Petition.objects.get(pk=petition.pk).assignee == actors.handler
    assert [e.kind for e in petition.events.order_by("id")][-3:] == ["assign_handler", "assign_handler", "correct"]


def test_only_a_handler_of_the_unit_who_may_act_can_be_assigned(accepted, district, actors):
    cases = {
        district.township_b_user.pk: "不是责任单位的工作人员",  # another township
        actors.head.pk: "没有承办人角色",
    }
    for person, message in cases.items():
        with pytest.raises(RuleViolation, match=message):
            act(accepted, "assign_handler", actors.head, assignee=person)
    act(accepted, "recuse", actors.head, recused_user=actors.handler.pk, recusal_ground="matter", reason="亲属")
    with pytest.raises(RuleViolation, match="已回避本事项"):
        act(accepted, "assign_handler", actors.head, assignee=actors.handler.pk)
    assert Petition.objects.get(pk=accepted.pk).assignee is None


def test_an_accusation_is_never_assigned_to_a_person_who_may_not_see_it(district, category, actors):
    # The accusation is about the township's village; a handler of that village may not see it (Art 30).
    village_handler = user_create(username="taoyuan", password="pw-123456", org=district.village_a1,
                                  roles=[Role.HANDLER])
    petition, _ = petition_register(data=petition_input(
        locality=district.township_a, category=category, petition_type=PetitionType.ACCUSATION,
        complained_org_id=district.village_a1.pk), actor=district.clerk)
    act(petition, "forward", actors.reviewer, handling_org=district.township_a.pk)
    with pytest.raises(RuleViolation, match="第三十条"):
        act(petition, "assign_handler", actors.head, assignee=village_handler.pk)


def test_the_draft_is_signed_by_the_head_in_the_units_name_with_the_handlers_text(accepted, actors):
    act(accepted, "investigate", actors.handler, investigation_method="site_visit",
        investigation_note="3月10日到工地核实工资表")
    assert accepted.events.get(kind="investigate").note == "实地调查：3月10日到工地核实工资表"  # the history line
    assert "draft_reply" in _allowed(accepted, actors.handler)
    assert "draft_reply" not in _allowed(accepted, actors.head)  # a head signs himself: 出具信访处理意见书
    petition = act(accepted, "draft_reply", actors.handler, **DRAFT)
    assert petition.status == S.DRAFTED
    assert not Notice.objects.filter(petition=petition, kind=Notice.Kind.DECISION).exists()
    assert _allowed(petition, actors.handler) >= {"investigate"}
    assert "approve_reply" not in _allowed(petition, actors.handler)
    with pytest.raises(ActionNotPermitted):
        act(petition, "approve_reply", actors.handler)
    petition = act(petition, "approve_reply", actors.head)
    notice = Notice.objects.get(petition=petition, kind=Notice.Kind.DECISION)
    assert petition.status == S.REPLIED and petition.outcome == "supported"
    assert notice.issuing_org == petition.handling_org and notice.issued_by == actors.head
    assert notice.content["facts"] == DRAFT["facts"] and notice.content["legal_basis"] == DRAFT["legal_basis"]
    assert not petition.clocks.filter(kind="handling", stopped_on__isnull=True).exists()


def test_the_head_may_amend_the_draft_and_the_amendment_is_checked(accepted, actors):
    petition = act(accepted, "draft_reply", actors.handler, **DRAFT)
    with pytest.raises(RuleViolation, match="处理意见应为"):  # 属实 is an accusation's conclusion, not a grievance's
        act(petition, "approve_reply", actors.head, outcome="substantiated")
    assert Petition.objects.get(pk=petition.pk).status == S.DRAFTED
    petition = act(petition, "approve_reply", actors.head, outcome="partly_supported", decision="部分支持：责成支付两个月工资")
    notice = Notice.objects.get(petition=petition, kind=Notice.Kind.DECISION)
    assert petition.outcome == "partly_supported"
    assert notice.content["decision"] == "部分支持：责成支付两个月工资" and notice.content["facts"] == DRAFT["facts"]


def test_a_returned_draft_goes_back_to_the_handler_and_the_next_draft_is_the_one_signed(accepted, actors):
    petition = act(accepted, "draft_reply", actors.handler, **DRAFT)
    with pytest.raises(ValidationError, match="请填写理由"):
        act(petition, "return_draft", actors.head)
    petition = act(petition, "return_draft", actors.head, reason="请补充核实经过")
    assert petition.status == S.ACCEPTED
    assert petition.events.filter(kind="return_draft").get().note == "请补充核实经过"
    petition = act(petition, "draft_reply", actors.handler, **{**DRAFT, "facts": "补充：已调取考勤记录"})
    petition = act(petition, "approve_reply", actors.head)
    assert Notice.objects.get(petition=petition, kind=Notice.Kind.DECISION).content["facts"] == "补充：已调取考勤记录"


def test_a_corrected_draft_is_not_signed(accepted, actors):
    petition = act(accepted, "draft_reply", actors.handler, **DRAFT)
    petition_correct(petition_id=petition.pk, actor=actors.head, reason="草稿录错了案件")
    petition = Petition.objects.get(pk=petition.pk)
    assert petition.status == S.ACCEPTED
    with pytest.raises(RuleViolation, match="只能在"):
        petition_act(petition_id=petition.pk, action="approve_reply", actor=actors.head)


def test_once_assigned_only_the_assignee_and_the_head_act_for_the_unit(accepted, actors, second_handler):
    petition = act(accepted, "assign_handler", actors.head, assignee=actors.handler.pk)
    assert {"investigate", "draft_reply"} <= _allowed(petition, actors.handler)
    assert not {"investigate", "draft_reply", "deliver"} & _allowed(petition, second_handler)
    assert "recuse" in _allowed(petition, second_handler)  # his own interest he may still declare (Art 28)
    with pytest.raises(ActionNotPermitted, match="本事项的承办人是"):
        act(petition, "draft_reply", second_handler, **DRAFT)
    assert Petition.objects.get(pk=petition.pk).status == S.ACCEPTED
    act(petition, "investigate", actors.head, investigation_method="phone", investigation_note="电话询问公司")
