"""Every rule of the table from every state: applied where the table allows it, refused everywhere else."""

import pytest

from tests.conftest import petition_input
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.petitions.models import Petition, PetitionStatus as S
from xinfang.petitions.services import petition_register
from xinfang.workflow.exceptions import RuleViolation
from xinfang.workflow.rules import RULES
from xinfang.workflow.services import petition_act

pytestmark = pytest.mark.django_db

# How to bring a fresh petition into each state.
PATHS = {
    S.REGISTERED: [],
    S.FORWARDED: ["forward"],
    S.ASSIGNED: ["assign"],
    S.OBJECTED: ["forward", "object"],
    S.ACCEPTED: ["forward", "accept"],
    S.IN_HEARING: ["forward", "accept", "hearing_start"],
    S.DRAFTED: ["forward", "accept", "draft_reply"],
    S.REJECTED: ["reject"],
    S.REDIRECTED: ["redirect"],
    S.REPLIED: ["forward", "accept", "reply"],
    S.DELIVERED: ["forward", "accept", "reply", "deliver"],
    S.CLOSED: ["forward", "accept", "reply", "deliver", "close"],
    S.UNDER_REVIEW: ["forward", "accept", "reply", "deliver", "request_review"],
    S.REVIEWED: ["forward", "accept", "reply", "deliver", "request_review", "decide_review"],
    S.UNDER_RE_REVIEW: ["forward", "accept", "reply", "deliver", "request_review", "decide_review",
                        "request_re_review"],
    S.FINAL: ["forward", "accept", "reply", "deliver", "request_review", "decide_review", "request_re_review",
              "decide_re_review"],
}
# Rules whose extra preconditions a fresh path does not meet; each has its own test in test_procedure.py.
NEEDS_MORE_THAN_A_STATE = {
    "finalize": "the review window must have passed",
    "report_back": "only for assigned matters (needs the report-back clock)",
    "re_review_hearing_end": "a re-review hearing must have started",
    "report_urgent": "only for an urgent matter (test_arts_24_25_28_29.py)",
    "assess_suggestion": "only for a suggestion (test_arts_24_25_28_29.py)",
    "reward_suggestion": "only for an adopted suggestion (test_arts_24_25_28_29.py)",
    # This matrix's official sits in the county office, inside the county government whose 复查 decision the
    # re-review is about: that organ says nothing on the request (test_review_organs.py).
    "refuse_re_review": "an organ outside the 复查机关 (test_review_organs.py)",
}


REPLY = {"outcome": "supported", "facts": "查明属实", "decision": "予以支持", "legal_basis": "有关规定"}


def values_for(action, district, actors, final_number):
    return {
        "forward": {"handling_org": district.township_a.pk},
        "assign": {"handling_org": district.township_a.pk, "report_days": 30},
        "reject": {"rejection_reason": "not_a_petition"},
        "redirect": {"legal_pathway": "arbitration"},
        "refuse_repeat": {"same_matter_as": final_number},
        "object": {"reason": "不属本单位职权"},
        "objection_refuse": {"reason": "属于属地职责"},
        "extend": {"days": 10, "reason": "情况复杂"},
        "mediate": {"agreement": "双方同意分期支付"},
        "reply": REPLY,
        "draft_reply": REPLY,
        "return_draft": {"reason": "事实部分需补充"},
        "assign_handler": {"assignee": actors.handler.pk},
        "investigate": {"investigation_method": "site_visit", "investigation_note": "到现场核实"},
        "deliver": {"delivery_method": "in_person"},
        "report_back": {"report": "已办结"},
        "evaluate": {"rating": "satisfied", "rated_by": "petitioner"},
        "request_review": {"reviewing_org": district.county.pk},
        "decide_review": {"review_outcome": "uphold", "reasons": "事实清楚"},
        "request_re_review": {"reviewing_org": actors.city.pk},
        "decide_re_review": {"review_outcome": "uphold", "reasons": "维持"},
        # The official is at the petition office, which is never a reviewing organ.
        "refuse_review": {"review_refusal_reason": "wrong_organ"},
        "refuse_re_review": {"review_refusal_reason": "wrong_organ"},
        "designate_acceptor": {"accepting_org": district.township_a.pk, "involved_org": district.department.pk,
                               "acceptance_basis": "negotiated"},
        "recuse": {"recused_user": actors.handler.pk, "recusal_ground": "matter", "reason": "利害关系"},
        "refer_relief": {"relief_kind": "social", "relief_details": "告知社会救助申请渠道"},
        "approve_late_entry": {"late_action": "accept", "backdate_to": "2026-03-03", "reason": "纸质受理告知书已送达"},
    }.get(action, {})


@pytest.fixture
def official(district, actors):
    # An administrator of the office: roles and sides are not what this matrix is about.
    return user_create(username="matrix-admin", password="pw-123456", org=district.office,
                       roles=[Role.ADMINISTRATOR], is_superuser=True)


def petition_in(state, *, district, category, actors, official, final_number) -> Petition:
    petition, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                    actor=district.clerk)
    for action in PATHS[state]:
        petition = petition_act(petition_id=petition.pk, action=action, actor=official,
                                values=values_for(action, district, actors, final_number))
    assert petition.status == state
    return petition


@pytest.mark.parametrize("state", list(PATHS))
def test_each_rule_applies_from_its_states_and_is_refused_from_the_others(state, district, category, actors,
                                                                           official):
    final = petition_in(S.FINAL, district=district, category=category, actors=actors, official=official,
                        final_number="")
    for rule in RULES:
        petition = petition_in(state, district=district, category=category, actors=actors, official=official,
                               final_number=final.number)
        values = values_for(rule.action, district, actors, final.number)
        if state not in rule.sources:
            with pytest.raises(RuleViolation, match="只能在"):
                petition_act(petition_id=petition.pk, action=rule.action, actor=official, values=values)
            assert Petition.objects.get(pk=petition.pk).status == state
        elif rule.action not in NEEDS_MORE_THAN_A_STATE:
            after = petition_act(petition_id=petition.pk, action=rule.action, actor=official, values=values)
            expected = rule.target or {"objection_refuse": S.FORWARDED,
                                       "designate_acceptor": S.FORWARDED if state == S.REGISTERED else state,
                                       }.get(rule.action, state)
            assert after.status == expected, rule.action
