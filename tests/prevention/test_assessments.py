"""The assessment ledger's rules: who files and who reviews 备案, a returned one is changed and filed again, the
应评尽评 gap closes when the decision is assessed; campaigns keep their history too."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from xinfang.prevention.history import LedgerVersion
from xinfang.prevention.lists import AssessmentKind, CampaignKind
from xinfang.prevention.selectors import assessments_visible_to, decisions_visible_to, decisions_with_gaps
from xinfang.prevention.services_assessments import (
    AssessmentInput,
    DecisionInput,
    assessment_create,
    assessment_file,
    assessment_review,
    assessment_update,
    decision_create,
)
from xinfang.prevention.services_disputes import CampaignInput, campaign_create, campaign_update

pytestmark = pytest.mark.django_db


def _input(district, **overrides):
    values = dict(title="青石镇集镇改造", kind_id=AssessmentKind.objects.get(name="工程项目类").pk,
                  deciding_org_id=district.township_a.pk, assessing_body="青石镇综治中心", assessed_on=date(2026, 3, 1),
                  risk_level="medium", conclusion="approve")
    values.update(overrides)
    return AssessmentInput(**values)


def test_filing_is_reviewed_by_the_office_and_a_return_needs_a_reason(district, people):
    assessment = assessment_create(data=_input(district), actor=people.township_a)
    assert list(assessments_visible_to(user=people.township_b)) == []
    assessment_file(assessment_id=assessment.pk, actor=people.township_a, filed_on=date(2026, 3, 5))
    with pytest.raises(ValidationError, match="不能修改"):
        assessment_update(assessment_id=assessment.pk, data=_input(district), actor=people.township_a)
    with pytest.raises(PermissionDenied, match="信访部门的审核员"):
        assessment_review(assessment_id=assessment.pk, passed=True, actor=people.township_a)
    with pytest.raises(ValidationError) as error:
        assessment_review(assessment_id=assessment.pk, passed=False, actor=people.office_reviewer)
    assert error.value.message_dict == {"reason": ["退回补充的，请填写理由"]}
    assessment_review(assessment_id=assessment.pk, passed=False, reason="缺少风险点排查", actor=people.office_reviewer,
                      reviewed_on=date(2026, 3, 8))
    assessment_update(assessment_id=assessment.pk, actor=people.township_a,
                      data=_input(district, summary="补充：拆迁户意见调查"))
    assessment_file(assessment_id=assessment.pk, actor=people.township_a, filed_on=date(2026, 3, 10))
    passed = assessment_review(assessment_id=assessment.pk, passed=True, actor=people.office_reviewer,
                               reviewed_on=date(2026, 3, 12))
    assert (passed.filing, passed.review_reason, passed.version) == ("passed", "", 6)
    actions = list(LedgerVersion.objects.filter(ledger="assessment", record_id=assessment.pk)
                   .order_by("version").values_list("action", flat=True))
    assert actions == ["登记", "报备", "退回补充", "修改", "报备", "备案通过"]


def test_a_decision_needing_an_assessment_is_a_gap_until_assessed(district, people):
    kind = AssessmentKind.objects.get(name="政策制定类")
    decision = decision_create(data=DecisionInput(title="调整征地补偿标准", kind_id=kind.pk,
                                                  deciding_org_id=district.county.pk, decided_on=date(2026, 5, 1)),
                               actor=people.office_clerk)
    with pytest.raises(ValidationError) as error:
        decision_create(data=DecisionInput(title="更换路灯", kind_id=kind.pk, deciding_org_id=district.county.pk,
                                           decided_on=date(2026, 5, 1), requires_assessment=False),
                        actor=people.office_clerk)
    assert error.value.message_dict == {"exemption_reason": ["不需要评估的，请说明理由"]}
    assert list(decisions_with_gaps(decisions_visible_to(user=people.office_clerk))) == [decision]
    assessment_create(data=_input(district, deciding_org_id=district.county.pk, decision_id=decision.pk),
                      actor=people.office_clerk)
    assert list(decisions_with_gaps(decisions_visible_to(user=people.office_clerk))) == []
    with pytest.raises(PermissionDenied):  # leaders read only
        decision_create(data=DecisionInput(title="x", kind_id=kind.pk, deciding_org_id=district.township_a.pk,
                                           decided_on=date(2026, 5, 1)), actor=people.village_leader)


def test_a_campaign_edit_keeps_the_old_covered_orgs_in_its_history(district, people):
    kind = CampaignKind.objects.get(name="专项排查")
    data = dict(title="欠薪专项排查", kind_id=kind.pk, organiser_id=district.township_a.pk,
                started_on=date(2026, 1, 10))
    campaign = campaign_create(data=CampaignInput(**data, org_ids=(district.village_a1.pk,)), actor=people.township_a)
    with pytest.raises(ValidationError) as error:
        campaign_update(campaign_id=campaign.pk, actor=people.township_a, data=CampaignInput(
            **data, org_ids=(district.township_b.pk,)))
    assert error.value.message_dict == {"orgs": ["不在本单位范围内：白沙镇"]}
    campaign_update(campaign_id=campaign.pk, actor=people.township_a, expected_version=1,
                    data=CampaignInput(**{**data, "ended_on": date(2026, 2, 1)}, org_ids=()))
    latest = LedgerVersion.objects.filter(ledger="campaign", record_id=campaign.pk).latest("version")
    assert latest.changes == {"结束日期": ["", "2026-02-01"], "覆盖单位": ["青石镇桃源村", ""]}
