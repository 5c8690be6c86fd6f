"""Arts 24, 25, 28 and 29 as rules: several organs, urgent matters reported up, recusal, suggestions."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.conftest import act, petition_input
from xinfang.orgs.models import Org, Role
from xinfang.orgs.services import org_create, user_create
from xinfang.petitions.models import Petition, PetitionEvent, PetitionStatus, PetitionType, Urgency
from xinfang.petitions.services import petition_register
from xinfang.web.action_forms import action_form_class
from xinfang.workflow.exceptions import RuleViolation
from xinfang.workflow.models import Clock, JointAcceptance, Notice, Recusal
from xinfang.workflow.rules import RULES_BY_ACTION
from xinfang.workflow.services import actions_allowed, petition_correct

pytestmark = pytest.mark.django_db


def register(district, category, **overrides) -> Petition:
    petition, _ = petition_register(data=petition_input(locality=district.township_a, category=category, **overrides),
                                    actor=district.clerk)
    return petition


def offered(petition, user) -> set[str]:
    petition.refresh_from_db()
    return {rule.action for rule in actions_allowed(petition=petition, actor=user)}


# --- Art 24: a matter involving several organs -------------------------------------------------------------


def test_the_common_superior_designates_the_accepting_organ_and_only_that_organ_accepts(registered, district, actors):
    act(registered, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    # The township and the county's labour bureau both claim it is the other's: the county government decides.
    petition = act(registered, "designate_acceptor", actors.county_head, on=date(2026, 3, 6),
                   accepting_org=district.department.pk, involved_org=district.department.pk,
                   acceptance_basis="superior", reason="欠薪属劳动保障监察职责")
    assert (petition.status, petition.handling_org) == (PetitionStatus.FORWARDED, district.department)
    record = JointAcceptance.objects.get(petition=petition)
    assert set(record.involved_orgs.all()) == {district.township_a, district.department}
    assert (record.accepting_org, record.decided_by, record.basis) == (district.department, district.county,
                                                                       "superior")
    # The acceptance notice is due from the day the designated organ received it, on its own clock.
    clock = Clock.objects.get(petition=petition, kind=Clock.Kind.ACCEPTANCE, stopped_on__isnull=True)
    assert (clock.org, clock.started_on) == (district.department, date(2026, 3, 6))
    assert Notice.objects.filter(petition=petition, kind=Notice.Kind.FORWARDING).count() == 2
    # The township, still involved (the matter is located there), may no longer accept it.
    assert "accept" not in offered(petition, actors.head)
    with pytest.raises(PermissionDenied):
        act(petition, "accept", actors.head, on=date(2026, 3, 9))
    assert act(petition, "accept", district.department_user, on=date(2026, 3, 9)).status == PetitionStatus.ACCEPTED


def test_only_the_common_superior_decides_a_dispute_and_only_the_office_records_an_agreement(registered, district,
                                                                                           actors):
    act(registered, "forward", actors.reviewer, handling_org=district.township_a.pk)
    values = dict(accepting_org=district.department.pk, involved_org=district.department.pk)
    with pytest.raises(RuleViolation, match="共同的上一级机关"):  # the township is one of the organs involved
        act(registered, "designate_acceptor", actors.head, acceptance_basis="superior", **values)
    with pytest.raises(RuleViolation, match="信访部门审核员"):
        act(registered, "designate_acceptor", actors.county_head, acceptance_basis="negotiated", **values)
    with pytest.raises(RuleViolation, match="所涉及的机关之一"):
        act(registered, "designate_acceptor", actors.reviewer, acceptance_basis="negotiated",
            accepting_org=district.township_b.pk, involved_org=district.department.pk)
    assert not JointAcceptance.objects.exists()
    petition = act(registered, "designate_acceptor", actors.reviewer, acceptance_basis="negotiated", **values)
    assert petition.handling_org == district.department


def test_correcting_a_designation_voids_it_and_gives_the_matter_back(registered, district, actors):
    act(registered, "designate_acceptor", actors.reviewer, accepting_org=district.township_a.pk,
        involved_org=district.department.pk, acceptance_basis="joint_meeting")
    petition = petition_correct(petition_id=registered.pk, actor=actors.reviewer, reason="联席会议尚未协调")
    assert (petition.status, petition.handling_org) == (PetitionStatus.REGISTERED, None)
    assert JointAcceptance.objects.get(petition=petition).voided


# --- Art 25: major, urgent matters reported up ------------------------------------------------------------


def test_an_urgent_matter_is_reported_to_the_government_or_petition_office_above(district, category, actors):
    petition = register(district, category, urgency=Urgency.URGENT)
    act(petition, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    assert "report_urgent" in offered(petition, actors.handler)
    act(petition, "report_urgent", actors.handler, on=date(2026, 3, 4), report_to_org=district.county.pk,
        urgent_report="涉及农民工三十余人，有聚集苗头")
    event = PetitionEvent.objects.get(petition=petition, kind="report_urgent")
    assert event.data["values"]["report_to_org"] == {"id": district.county.pk, "name": district.county.name}
    assert event.data["article"] == "《信访工作条例》第二十五条" and event.data["acted_on"] == "2026-03-04"
    with pytest.raises(RuleViolation, match="不是本机关的上级"):  # sideways, not up
        act(petition, "report_urgent", actors.handler, report_to_org=district.township_b.pk, urgent_report="续报")
    # The county's petition office reports to the petition office one level up.
    city_office = org_create(name="滨江市信访办", kind=Org.Kind.PETITION_OFFICE, level=Org.Level.CITY, parent=actors.city)
    act(petition, "report_urgent", actors.reviewer, report_to_org=city_office.pk, urgent_report="报上一级信访部门")
    assert PetitionEvent.objects.filter(petition=petition, kind="report_urgent").count() == 2


def test_a_matter_of_normal_urgency_is_not_reported_as_urgent(registered, district, actors):
    with pytest.raises(RuleViolation, match="重大、紧急") as error:
        act(registered, "report_urgent", actors.reviewer, report_to_org=district.county.pk, urgent_report="报告")
    assert "第二十五条" in str(error.value)
    assert not PetitionEvent.objects.filter(petition=registered, kind="report_urgent").exists()
    # and it is not offered on such a matter at all
    assert "report_urgent" not in offered(registered, actors.reviewer)


# --- Art 28: recusal ------------------------------------------------------------------------------------


def test_a_handler_who_declares_an_interest_may_no_longer_act_on_the_matter(registered, district, actors):
    act(registered, "forward", actors.reviewer, handling_org=district.township_a.pk)
    assert "recuse" in offered(registered, actors.handler)
    act(registered, "recuse", actors.handler, recused_user=actors.handler.pk, recusal_ground="petitioner",
        reason="信访人系本人亲属")
    recusal = Recusal.objects.get(petition=registered)
    assert (recusal.user, recusal.self_declared, recusal.ground) == (actors.handler, True, "petitioner")
    assert offered(registered, actors.handler) == set()
    with pytest.raises(PermissionDenied, match="第二十八条"):
        act(registered, "accept", actors.handler)
    registered.refresh_from_db()
    assert registered.status == PetitionStatus.FORWARDED
    assert act(registered, "accept", actors.head).status == PetitionStatus.ACCEPTED  # the organ still acts


def test_the_head_recuses_a_colleague_and_a_correction_lifts_it(registered, district, actors):
    act(registered, "forward", actors.reviewer, handling_org=district.township_a.pk)
    colleague = user_create(username="qingshi-2", password="pw-123456", org=district.township_a, roles=[Role.HANDLER])
    with pytest.raises(RuleViolation, match="本机关负责人"):  # a handler cannot recuse a colleague
        act(registered, "recuse", actors.handler, recused_user=colleague.pk, recusal_ground="matter", reason="利害")
    with pytest.raises(RuleViolation, match="不是本机关的工作人员"):
        act(registered, "recuse", actors.head, recused_user=district.township_b_user.pk, recusal_ground="matter",
            reason="利害")
    act(registered, "recuse", actors.head, recused_user=actors.handler.pk, recusal_ground="matter",
        reason="其承包的工程即本事项所涉工地")
    with pytest.raises(RuleViolation, match="已回避"):
        act(registered, "recuse", actors.head, recused_user=actors.handler.pk, recusal_ground="matter", reason="再次")
    petition_correct(petition_id=registered.pk, actor=actors.head, reason="误选回避人员")
    assert Recusal.objects.get(petition=registered).voided
    assert act(registered, "accept", actors.handler).status == PetitionStatus.ACCEPTED


# --- Art 29: suggestions --------------------------------------------------------------------------------


def test_a_suggestion_is_assessed_adopted_and_rewarded_once(district, category, actors):
    petition = register(district, category, petition_type=PetitionType.SUGGESTION, summary="建议增设夜间公交线路")
    act(petition, "forward", actors.reviewer, handling_org=district.township_a.pk)
    act(petition, "accept", actors.handler)
    assert "assess_suggestion" in offered(petition, actors.handler)
    act(petition, "assess_suggestion", actors.handler, assessment="客流调查表明夜间需求稳定，方案可行")
    act(petition, "reply", actors.head, outcome="adopted", facts="建议科学合理", decision="予以采纳，增设夜班线路",
        legal_basis="《信访工作条例》第二十九条")
    act(petition, "reward_suggestion", actors.head, contribution="improving_work", reward="颁发荣誉证书")
    event = PetitionEvent.objects.get(petition=petition, kind="reward_suggestion")
    assert event.data["values"] == {"contribution": "improving_work", "reward": "颁发荣誉证书"}
    assert event.data["article"] == "《信访工作条例》第二十九条第二款"
    with pytest.raises(RuleViolation, match="已给予奖励"):
        act(petition, "reward_suggestion", actors.head, contribution="development", reward="再奖")


def test_a_suggestion_not_adopted_is_not_rewarded_and_a_grievance_is_not_assessed_as_one(district, category, actors,
                                                                                        registered):
    petition = register(district, category, petition_type=PetitionType.SUGGESTION)
    act(petition, "forward", actors.reviewer, handling_org=district.township_a.pk)
    act(petition, "accept", actors.handler)
    act(petition, "reply", actors.head, outcome="not_adopted", facts="经论证", decision="暂不采纳", legal_basis="有关规定")
    with pytest.raises(RuleViolation, match="被采纳或部分采纳"):
        act(petition, "reward_suggestion", actors.head, contribution="development", reward="奖励")
    act(registered, "forward", actors.reviewer, handling_org=district.township_a.pk)
    act(registered, "accept", actors.handler)
    with pytest.raises(RuleViolation, match="只适用于建议意见类") as error:
        act(registered, "assess_suggestion", actors.handler, assessment="论证")
    assert "第二十九条" in str(error.value)


# --- The case page offers them, with forms built from the fields table ------------------------------------


def test_the_case_page_builds_a_form_for_each_new_rule(registered, district, actors):
    act(registered, "forward", actors.reviewer, handling_org=district.township_a.pk)
    registered.refresh_from_db()
    recuse = action_form_class(rule=RULES_BY_ACTION["recuse"], petition=registered, user=actors.head)()
    assert {actors.handler, actors.head} <= set(recuse.fields["recused_user"].queryset)
    assert district.township_b_user not in set(recuse.fields["recused_user"].queryset)
    report = action_form_class(rule=RULES_BY_ACTION["report_urgent"], petition=registered, user=actors.handler)()
    assert set(report.fields["report_to_org"].queryset) == {district.county, district.office, actors.city}
    for action in ("designate_acceptor", "assess_suggestion", "reward_suggestion"):
        form = action_form_class(rule=RULES_BY_ACTION[action], petition=registered, user=actors.head)()
        assert set(RULES_BY_ACTION[action].fields) <= set(form.fields)


def test_a_recusal_through_the_case_page(client, registered, district, actors):
    act(registered, "forward", actors.reviewer, handling_org=district.township_a.pk)
    registered.refresh_from_db()
    client.force_login(actors.head)
    page = client.get(f"/petitions/{registered.pk}/").content.decode()
    assert f"/petitions/{registered.pk}/actions/recuse/" in page
    assert "回避人员" in client.get(f"/petitions/{registered.pk}/actions/recuse/").content.decode()
    response = client.post(f"/petitions/{registered.pk}/actions/recuse/",
                           {"recused_user": actors.handler.pk, "recusal_ground": "matter", "reason": "利害关系",
                            "expected_version": registered.version})
    assert response.status_code == 204
    assert Recusal.objects.get(petition=registered).declared_by == actors.head


# --- Art 37: social assistance and judicial relief ---------------------------------------------------------


def test_relief_is_recorded_beside_the_procedure_art_37(registered, district, actors):
    act(registered, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    with pytest.raises(RuleViolation, match="只能在"):  # not before the handling organ has the matter
        act(registered, "refer_relief", actors.handler, relief_kind="social", relief_details="告知低保申请渠道")
    act(registered, "accept", actors.handler, on=date(2026, 3, 5))
    assert "refer_relief" in offered(registered, actors.handler)
    petition = act(registered, "refer_relief", actors.handler, relief_kind="social",
                   relief_details="家庭困难，已告知并协助向镇民政办申请临时救助")
    # then: recorded, the procedure unchanged, and it is no step a later action must follow
    assert petition.status == PetitionStatus.ACCEPTED
    event = PetitionEvent.objects.get(petition=registered, kind="refer_relief")
    assert event.data["values"]["relief_kind"] == "social" and "第三十七条" in event.data["article"]
    act(registered, "reply", actors.head, on=date(2026, 4, 1), outcome="supported", facts="属实",
        decision="予以支持", legal_basis="有关规定")
    with pytest.raises(ValidationError, match="救助方式"):
        act(registered, "refer_relief", actors.handler, relief_kind="unknown", relief_details="x")
