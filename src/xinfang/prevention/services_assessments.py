"""Writes of the 社会稳定风险评估 ledger and the register of 重大决策事项: one transaction each, audited, versioned.

An assessment is recorded by the deciding organ's staff (or the office), filed (报备) with the petition office,
and reviewed by the office's reviewer: 备案通过, or 退回补充 with the reason — after which it is changed and
filed again. A decision registered as needing an assessment and without one is a gap (应评未评).
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from xinfang.audit.services import audit_record
from xinfang.orgs.models import Org, User
from xinfang.prevention.assessments import MajorDecision, StabilityAssessment
from xinfang.prevention.disputes import RiskLevel
from xinfang.prevention.history import LedgerVersion
from xinfang.prevention.lists import AssessmentKind
from xinfang.prevention.permissions import in_scope, require_office_reviewer, require_recorder
from xinfang.prevention.services_common import check_version, next_number, snapshot, version_append

DECISION_FIELDS = ("number", "title", "kind", "deciding_org", "decided_on", "requires_assessment",
                   "exemption_reason", "note")
ASSESSMENT_FIELDS = ("number", "title", "kind", "decision", "deciding_org", "assessing_body", "assessed_on",
                     "risk_level", "conclusion", "summary", "filing", "filed_on", "reviewed_on", "reviewed_by",
                     "review_reason")
Filing = StabilityAssessment.Filing


def _today() -> date:
    return timezone.localdate()




def _kind(kind_id: int, errors: dict) -> AssessmentKind | None:
    kind = AssessmentKind.objects.filter(pk=kind_id, is_active=True).first()
    if kind is None:
        errors["kind"] = "请选择类别"
    return kind


def _deciding_org(org_id: int, actor: User, errors: dict) -> Org | None:
    org = Org.objects.filter(pk=org_id, is_active=True).first()
    if org is None or not in_scope(actor, org.pk):
        errors["deciding_org"] = "决策机关不存在或不在本单位范围内"
    return org


# --- 重大决策事项 ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionInput:
    title: str
    kind_id: int
    deciding_org_id: int
    decided_on: date
    requires_assessment: bool = True
    exemption_reason: str = ""
    note: str = ""


def _decision_clean(data: DecisionInput, actor: User) -> dict:
    errors: dict[str, str] = {}
    values = {"kind": _kind(data.kind_id, errors), "deciding_org": _deciding_org(data.deciding_org_id, actor, errors)}
    if not data.title.strip():
        errors["title"] = "请填写决策事项"
    if not data.requires_assessment and not data.exemption_reason.strip():
        errors["exemption_reason"] = "不需要评估的，请说明理由"
    if errors:
        raise ValidationError(errors)
    return values


def _apply_decision(decision: MajorDecision, data: DecisionInput, values: dict) -> None:
    decision.title, decision.kind, decision.deciding_org = data.title.strip(), values["kind"], values["deciding_org"]
    decision.decided_on, decision.requires_assessment = data.decided_on, data.requires_assessment
    decision.exemption_reason = "" if data.requires_assessment else data.exemption_reason.strip()
    decision.note = data.note.strip()


@transaction.atomic
def decision_create(*, data: DecisionInput, actor: User) -> MajorDecision:
    """Register a 重大决策事项 (a missing assessment then shows as 应评未评)."""
    require_recorder(actor, action="登记重大决策事项")
    values = _decision_clean(data, actor)
    decision = MajorDecision(number=next_number(series="decision", mark="决策", year=data.decided_on.year),
                             recorded_by=actor)
    _apply_decision(decision, data, values)
    decision.full_clean()
    decision.save()
    version_append(ledger=LedgerVersion.Ledger.DECISION, record=decision, actor=actor, action="登记",
                   data=snapshot(decision, fields=DECISION_FIELDS))
    audit_record(actor=actor, action="prevention.decision_create", target=decision,
                 data={"number": decision.number, "requires_assessment": decision.requires_assessment})
    return decision


@transaction.atomic
def decision_update(*, decision_id: int, data: DecisionInput, actor: User,
                    expected_version: int | None = None) -> MajorDecision:
    require_recorder(actor, action="修改重大决策事项")
    from xinfang.prevention.selectors import decisions_visible_to

    decision = decisions_visible_to(user=actor).select_for_update().filter(pk=decision_id).first()
    if decision is None:
        raise PermissionDenied("重大决策事项不存在或不在本单位范围内")
    check_version(decision, expected_version)
    before = snapshot(decision, fields=DECISION_FIELDS)
    values = _decision_clean(data, actor)
    _apply_decision(decision, data, values)
    decision.version += 1
    decision.full_clean()
    decision.save()
    version = version_append(ledger=LedgerVersion.Ledger.DECISION, record=decision, actor=actor, action="修改",
                             data=snapshot(decision, fields=DECISION_FIELDS), before=before)
    audit_record(actor=actor, action="prevention.decision_update", target=decision,
                 data={"number": decision.number, "version": decision.version, "changed": list(version.changes)})
    return decision


# --- 社会稳定风险评估 -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentInput:
    title: str
    kind_id: int
    deciding_org_id: int
    assessing_body: str
    assessed_on: date
    risk_level: str
    conclusion: str
    summary: str = ""
    decision_id: int | None = None


def _assessment_clean(data: AssessmentInput, actor: User) -> dict:
    errors: dict[str, str] = {}
    values = {"kind": _kind(data.kind_id, errors), "deciding_org": _deciding_org(data.deciding_org_id, actor, errors),
              "decision": None}
    if not data.title.strip():
        errors["title"] = "请填写评估事项"
    if not data.assessing_body.strip():
        errors["assessing_body"] = "请填写评估主体"
    if data.assessed_on > _today():
        errors["assessed_on"] = "评估日期不能晚于今天"
    if data.risk_level not in RiskLevel.values:
        errors["risk_level"] = "请选择风险等级（高、中、低）"
    if data.conclusion not in StabilityAssessment.Conclusion.values:
        errors["conclusion"] = "请选择评估结论（准予实施、暂缓实施、不予实施）"
    if data.decision_id:
        from xinfang.prevention.selectors import decisions_visible_to

        values["decision"] = decisions_visible_to(user=actor).filter(pk=data.decision_id).first()
        if values["decision"] is None:
            errors["decision"] = "重大决策事项不存在或不在本单位范围内"
    if errors:
        raise ValidationError(errors)
    return values


def _apply_assessment(assessment: StabilityAssessment, data: AssessmentInput, values: dict) -> None:
    assessment.title, assessment.kind, assessment.decision = data.title.strip(), values["kind"], values["decision"]
    assessment.deciding_org, assessment.assessing_body = values["deciding_org"], data.assessing_body.strip()
    assessment.assessed_on, assessment.risk_level = data.assessed_on, data.risk_level
    assessment.conclusion, assessment.summary = data.conclusion, data.summary.strip()


def _assessment_audit(assessment: StabilityAssessment, **extra) -> dict:
    return {"number": assessment.number, "version": assessment.version, "conclusion": assessment.conclusion,
            "filing": assessment.filing, **extra}


@transaction.atomic
def assessment_create(*, data: AssessmentInput, actor: User) -> StabilityAssessment:
    """Record a 社会稳定风险评估 (not yet filed)."""
    require_recorder(actor, action="登记社会稳定风险评估")
    values = _assessment_clean(data, actor)
    assessment = StabilityAssessment(
        number=next_number(series="assessment", mark="稳评", year=data.assessed_on.year), recorded_by=actor,
        recording_org=actor.org or values["deciding_org"])
    _apply_assessment(assessment, data, values)
    assessment.full_clean()
    assessment.save()
    version_append(ledger=LedgerVersion.Ledger.ASSESSMENT, record=assessment, actor=actor, action="登记",
                   data=snapshot(assessment, fields=ASSESSMENT_FIELDS))
    audit_record(actor=actor, action="prevention.assessment_create", target=assessment,
                 data=_assessment_audit(assessment))
    return assessment


def _locked(*, assessment_id: int, actor: User) -> StabilityAssessment:
    from xinfang.prevention.selectors import assessments_visible_to

    assessment = assessments_visible_to(user=actor).select_for_update().filter(pk=assessment_id).first()
    if assessment is None:
        raise PermissionDenied("社会稳定风险评估不存在或不在本单位范围内")
    return assessment


def _save(assessment: StabilityAssessment, *, actor: User, action: str, before: dict, audit: str,
          note: str = "") -> StabilityAssessment:
    assessment.version += 1
    assessment.full_clean()
    assessment.save()
    version = version_append(ledger=LedgerVersion.Ledger.ASSESSMENT, record=assessment, actor=actor, action=action,
                             data=snapshot(assessment, fields=ASSESSMENT_FIELDS), before=before, note=note)
    audit_record(actor=actor, action=f"prevention.{audit}", target=assessment,
                 data=_assessment_audit(assessment, changed=list(version.changes), note=note))
    return assessment


@transaction.atomic
def assessment_update(*, assessment_id: int, data: AssessmentInput, actor: User,
                      expected_version: int | None = None) -> StabilityAssessment:
    """Change an assessment; not while its 备案 is being reviewed, nor once passed."""
    require_recorder(actor, action="修改社会稳定风险评估")
    assessment = _locked(assessment_id=assessment_id, actor=actor)
    check_version(assessment, expected_version)
    if assessment.filing in (Filing.RECEIVED, Filing.PASSED):
        raise ValidationError(f"{assessment.number}{assessment.get_filing_display()}，不能修改")
    before = snapshot(assessment, fields=ASSESSMENT_FIELDS)
    _apply_assessment(assessment, data, _assessment_clean(data, actor))
    return _save(assessment, actor=actor, action="修改", before=before, audit="assessment_update")


@transaction.atomic
def assessment_file(*, assessment_id: int, actor: User, filed_on: date | None = None) -> StabilityAssessment:
    """报备: the assessment is filed with the petition office (again, after 退回补充)."""
    require_recorder(actor, action="报备社会稳定风险评估")
    assessment = _locked(assessment_id=assessment_id, actor=actor)
    if assessment.filing not in (Filing.NOT_FILED, Filing.RETURNED):
        raise ValidationError(f"{assessment.number}{assessment.get_filing_display()}，不能再报备")
    filed_on = filed_on or _today()
    if filed_on < assessment.assessed_on or filed_on > _today():
        raise ValidationError({"filed_on": "报备日期应在评估日期与今天之间"})
    before = snapshot(assessment, fields=ASSESSMENT_FIELDS)
    assessment.filing, assessment.filed_on = Filing.RECEIVED, filed_on
    assessment.reviewed_on, assessment.reviewed_by, assessment.review_reason = None, None, ""
    return _save(assessment, actor=actor, action="报备", before=before, audit="assessment_file")


@transaction.atomic
def assessment_review(*, assessment_id: int, passed: bool, actor: User, reason: str = "",
                      reviewed_on: date | None = None) -> StabilityAssessment:
    """The office's reviewer: 备案通过, or 退回补充 with the reason."""
    require_office_reviewer(actor, action="审查备案")
    assessment = _locked(assessment_id=assessment_id, actor=actor)
    if assessment.filing != Filing.RECEIVED:
        raise ValidationError(f"{assessment.number}{assessment.get_filing_display()}，没有待审查的备案")
    if not passed and not reason.strip():
        raise ValidationError({"reason": "退回补充的，请填写理由"})
    reviewed_on = reviewed_on or _today()
    if reviewed_on < assessment.filed_on:
        raise ValidationError({"reviewed_on": "审查日期不能早于报备日期"})
    before = snapshot(assessment, fields=ASSESSMENT_FIELDS)
    assessment.filing = Filing.PASSED if passed else Filing.RETURNED
    assessment.reviewed_on, assessment.reviewed_by, assessment.review_reason = reviewed_on, actor, reason.strip()
    return _save(assessment, actor=actor, action="备案通过" if passed else "退回补充", before=before,
                 audit="assessment_review", note=reason.strip())
