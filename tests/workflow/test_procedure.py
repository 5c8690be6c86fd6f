"""The procedure end to end: every rule from its allowed states, refused from the others, with clocks."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.conftest import act, petition_input
from xinfang.audit.services import audit_verify
from xinfang.petitions.models import Petition, PetitionStatus, PetitionType
from xinfang.petitions.services import petition_register
from xinfang.workflow.exceptions import RuleViolation, StaleVersion
from xinfang.workflow.models import Clock, Evaluation, Notice
from xinfang.workflow.rules import RULES
from xinfang.workflow.services import actions_allowed, petition_act

pytestmark = pytest.mark.django_db

RECEIVED = date(2026, 3, 2)  # petition_input's received date


def running(petition, kind):
    return Clock.objects.get(petition=petition, kind=kind, stopped_on__isnull=True)


def test_registration_starts_the_offices_fifteen_day_clock(registered):
    clock = running(registered, Clock.Kind.DISPOSITION)
    assert (clock.started_on, clock.statutory_due) == (RECEIVED, date(2026, 3, 17))
    assert clock.target_due == date(2026, 3, 3)  # local target: 1 working day
    assert "15 日" in clock.explanation


def test_a_grievance_goes_from_registration_to_final(registered, district, actors):
    # forward (Art 22) → accept (Art 23) → reply (Art 32) → deliver → evaluate → close → review → re-review
    act(registered, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    assert running(registered, Clock.Kind.ACCEPTANCE).statutory_due == date(2026, 3, 18)
    assert running(registered, Clock.Kind.OBJECTION).statutory_due == date(2026, 3, 10)  # 5 working days
    act(registered, "accept", actors.handler, on=date(2026, 3, 5))
    assert running(registered, Clock.Kind.HANDLING).statutory_due == date(2026, 5, 6)  # 60 days: 05-04 is a holiday
    act(registered, "reply", actors.head, on=date(2026, 4, 20), outcome="partly_supported",
        facts="经查，拖欠工资属实。", decision="责令公司30日内支付。", legal_basis="《保障农民工工资支付条例》")
    act(registered, "deliver", actors.handler, on=date(2026, 4, 22), delivery_method="in_person")
    act(registered, "evaluate", actors.clerk, on=date(2026, 4, 25), rating="mostly_satisfied", rated_by="petitioner")
    act(registered, "close", actors.head, on=date(2026, 4, 25))
    act(registered, "request_review", actors.county_head, on=date(2026, 5, 20), reviewing_org=district.county.pk)
    act(registered, "decide_review", actors.county_head, on=date(2026, 6, 10), review_outcome="uphold",
        reasons="原处理意见事实清楚。")
    act(registered, "request_re_review", actors.city_head, on=date(2026, 6, 20), reviewing_org=actors.city.pk)
    petition = act(registered, "decide_re_review", actors.city_head, on=date(2026, 7, 1), review_outcome="uphold",
                   reasons="维持复查意见。")
    assert petition.status == PetitionStatus.FINAL
    assert petition.outcome == "partly_supported"
    assert list(Notice.objects.filter(petition=petition).values_list("kind", flat=True)) == [
        "forwarding", "acceptance", "decision", "review", "re_review"]
    assert Evaluation.objects.get(petition=petition).rating == "mostly_satisfied"
    assert not Clock.objects.filter(petition=petition, stopped_on__isnull=True).exists()
    assert all(clock.met for clock in Clock.objects.filter(petition=petition))
    assert audit_verify()[1] is None


def test_every_rule_is_refused_from_a_state_it_does_not_list(registered, actors):
    # given a registered petition, every rule not allowed from "registered" is refused, naming its article
    for rule in RULES:
        if PetitionStatus.REGISTERED in rule.sources:
            continue
        with pytest.raises(RuleViolation) as error:
            act(registered, rule.action, actors.reviewer)
        assert rule.article in str(error.value)
    registered.refresh_from_db()
    assert (registered.status, registered.version) == (PetitionStatus.REGISTERED, 1)


def test_only_the_handling_org_may_accept(registered, district, actors):
    act(registered, "forward", actors.reviewer, handling_org=district.township_a.pk)
    with pytest.raises(Petition.DoesNotExist):  # another township does not even see it
        act(registered, "accept", actors.other_township_head)
    with pytest.raises(PermissionDenied):  # the county sees it, but is not the handling org
        act(registered, "accept", actors.county_head)
    registered.refresh_from_db()
    assert [rule.action for rule in actions_allowed(petition=registered, actor=actors.handler)] == [
        "reject", "redirect", "object", "accept", "recuse"]  # report_urgent: urgent matters only


def test_an_accusation_is_never_forwarded_to_the_accused_unit(district, category, actors):
    accusation, _ = petition_register(
        data=petition_input(locality=district.township_a, category=category, petition_type=PetitionType.ACCUSATION,
                            complained_org_id=district.township_a.pk), actor=district.clerk)
    with pytest.raises(RuleViolation, match="被检举控告的单位"):
        act(accusation, "forward", actors.reviewer, handling_org=district.village_a1.pk)


def test_a_litigation_related_matter_goes_to_a_political_legal_organ(district, category, actors):
    matter, _ = petition_register(
        data=petition_input(locality=district.township_a, category=category, litigation_related=True),
        actor=district.clerk)
    with pytest.raises(RuleViolation, match="政法机关"):
        act(matter, "forward", actors.reviewer, handling_org=district.township_a.pk)
    with pytest.raises(RuleViolation, match="政法机关"):
        act(matter, "redirect", actors.reviewer, legal_pathway="litigation")
    from xinfang.orgs.models import Org
    from xinfang.orgs.services import org_create

    court = org_create(name="清溪区人民法院", kind=Org.Kind.POLITICAL_LEGAL, level=Org.Level.COUNTY,
                       parent=district.county)
    matter = act(matter, "redirect", actors.reviewer, legal_pathway="litigation", pathway_org=court.pk)
    assert (matter.status, matter.legal_pathway) == (PetitionStatus.REDIRECTED, "litigation")


def test_an_objection_within_five_working_days_returns_the_matter_and_later_is_refused(registered, district, actors):
    act(registered, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    with pytest.raises(RuleViolation, match="5个工作日"):
        act(registered, "object", actors.head, on=date(2026, 3, 11), reason="不属本镇职权")
    act(registered, "object", actors.head, on=date(2026, 3, 10), reason="不属本镇职权")
    petition = act(registered, "objection_agree", actors.reviewer, on=date(2026, 3, 11))
    assert (petition.status, petition.handling_org) == (PetitionStatus.REGISTERED, None)
    assert running(petition, Clock.Kind.DISPOSITION).started_on == date(2026, 3, 11)


def test_a_refused_objection_restores_the_assignment(registered, district, actors):
    act(registered, "assign", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk,
        report_days=30)
    assert running(registered, Clock.Kind.REPORT_BACK).statutory_due == date(2026, 4, 2)
    act(registered, "object", actors.head, on=date(2026, 3, 4), reason="不属本镇职权")
    petition = act(registered, "objection_refuse", actors.reviewer, on=date(2026, 3, 5), reason="属于属地职责")
    assert petition.status == PetitionStatus.ASSIGNED


def test_extension_hearing_and_their_limits_move_the_handling_deadline(registered, district, actors):
    act(registered, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    act(registered, "accept", actors.handler, on=date(2026, 3, 5))
    assert running(registered, Clock.Kind.HANDLING).statutory_due == date(2026, 5, 6)  # 05-04 rolled past May Day
    # a hearing from 03-20 to 03-30 pauses the clock for 10 days
    act(registered, "hearing_start", actors.head, on=date(2026, 3, 20))
    act(registered, "hearing_end", actors.head, on=date(2026, 3, 30))
    paused = running(registered, Clock.Kind.HANDLING)
    assert paused.statutory_due == date(2026, 5, 14)  # 60 + 10 days from 03-05
    assert "暂停 10 日" in paused.explanation
    # an extension beyond 30 days is refused; 20 + 10 is the most
    with pytest.raises(RuleViolation, match="不得超过30日"):
        act(registered, "extend", actors.head, days=31, reason="情况复杂")
    act(registered, "extend", actors.head, on=date(2026, 4, 1), days=20, reason="情况复杂")
    with pytest.raises(RuleViolation, match="已延长20日"):
        act(registered, "extend", actors.head, days=11, reason="仍需调查")
    extended = running(registered, Clock.Kind.HANDLING)
    assert extended.extended_days == 20 and extended.statutory_due > paused.statutory_due
    assert Notice.objects.filter(petition=registered, kind=Notice.Kind.EXTENSION).count() == 1


def test_a_reply_must_fit_the_petition_type_and_carry_a_decision_letter(registered, district, actors):
    act(registered, "forward", actors.reviewer, handling_org=district.township_a.pk)
    act(registered, "accept", actors.handler)
    with pytest.raises(RuleViolation, match="支持、部分支持、解释说明、不予支持"):
        act(registered, "reply", actors.head, outcome="adopted", facts="f", decision="d", legal_basis="b")
    with pytest.raises(ValidationError) as error:
        act(registered, "reply", actors.head, outcome="supported")
    assert set(error.value.message_dict) == {"facts", "decision", "legal_basis"}
    assert Petition.objects.get(pk=registered.pk).status == PetitionStatus.ACCEPTED


def test_a_review_requested_one_day_late_is_refused(registered, district, actors):
    act(registered, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    act(registered, "accept", actors.handler, on=date(2026, 3, 5))
    act(registered, "reply", actors.head, on=date(2026, 4, 1), outcome="not_supported", facts="f", decision="d",
        legal_basis="b")
    act(registered, "deliver", actors.handler, on=date(2026, 4, 3), delivery_method="post")
    window = running(registered, Clock.Kind.REVIEW_WINDOW)
    assert window.statutory_due == date(2026, 5, 6)  # 30 days end 05-03 in the May Day holiday
    with pytest.raises(RuleViolation, match="已超过申请期限"):
        act(registered, "request_review", actors.county_head, on=date(2026, 5, 7), reviewing_org=district.county.pk)
    with pytest.raises(RuleViolation, match="上一级机关"):
        act(registered, "request_review", actors.county_head, on=date(2026, 5, 6),
            reviewing_org=district.township_b.pk)
    petition = act(registered, "finalize", actors.reviewer, on=date(2026, 5, 7))
    assert petition.status == PetitionStatus.FINAL


def test_a_final_matter_raised_again_is_refused_with_a_notice(registered, district, category, actors):
    act(registered, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    with pytest.raises(RuleViolation, match="尚未终结"):
        again, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                     actor=district.clerk)
        act(again, "refuse_repeat", actors.reviewer, same_matter_as=registered.number)
    Petition.objects.filter(pk=registered.pk).update(status=PetitionStatus.FINAL)
    again, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                 actor=district.clerk)
    refused = act(again, "refuse_repeat", actors.reviewer, same_matter_as=registered.number.lower())
    assert refused.status == PetitionStatus.REJECTED
    assert Notice.objects.get(petition=refused).kind == Notice.Kind.NO_LONGER_ACCEPTED


def test_a_matter_is_final_when_its_first_petition_is_though_the_named_repeat_is_not(
    registered, district, category, actors
):
    repeat, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                  actor=district.clerk)
    Petition.objects.filter(pk=repeat.pk).update(first_petition=registered)
    third, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                 actor=district.clerk)
    with pytest.raises(RuleViolation, match="所属事项尚未终结"):
        act(third, "refuse_repeat", actors.reviewer, same_matter_as=repeat.number)
    Petition.objects.filter(pk=registered.pk).update(status=PetitionStatus.FINAL)
    refused = act(third, "refuse_repeat", actors.reviewer, same_matter_as=repeat.number)
    assert refused.status == PetitionStatus.REJECTED


def test_two_officials_acting_at_once_one_is_told_the_case_changed(registered, district, actors):
    seen = registered.version
    petition_act(petition_id=registered.pk, action="forward", actor=actors.reviewer,
                 values={"handling_org": district.township_a.pk}, expected_version=seen)
    with pytest.raises(StaleVersion):
        petition_act(petition_id=registered.pk, action="reject", actor=actors.clerk,
                     values={"rejection_reason": "not_a_petition"}, expected_version=seen)
    assert Petition.objects.get(pk=registered.pk).status == PetitionStatus.FORWARDED


def test_an_action_dated_in_the_future_is_refused(registered, district, actors):
    with pytest.raises(ValidationError):
        act(registered, "forward", actors.reviewer, on=timezone.localdate() + timedelta(days=1),
            handling_org=district.township_a.pk)


def test_a_re_review_hearing_is_not_counted_in_the_re_review_period(registered, district, actors):
    act(registered, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    act(registered, "accept", actors.handler, on=date(2026, 3, 5))
    act(registered, "reply", actors.head, on=date(2026, 4, 1), outcome="not_supported", facts="f", decision="d",
        legal_basis="b")
    act(registered, "deliver", actors.handler, on=date(2026, 4, 3), delivery_method="post")
    act(registered, "request_review", actors.county_head, on=date(2026, 4, 10), reviewing_org=district.county.pk)
    act(registered, "decide_review", actors.county_head, on=date(2026, 4, 30), review_outcome="uphold", reasons="r")
    act(registered, "request_re_review", actors.city_head, on=date(2026, 5, 11), reviewing_org=actors.city.pk)
    assert running(registered, Clock.Kind.RE_REVIEW_DECISION).statutory_due == date(2026, 6, 10)
    with pytest.raises(RuleViolation, match="尚未开始"):
        act(registered, "re_review_hearing_end", actors.city_head, on=date(2026, 5, 12))
    act(registered, "re_review_hearing_start", actors.city_head, on=date(2026, 5, 20))
    act(registered, "re_review_hearing_end", actors.city_head, on=date(2026, 5, 27))
    assert running(registered, Clock.Kind.RE_REVIEW_DECISION).statutory_due == date(2026, 6, 17)  # + 7 days
