"""社会稳定风险评估 and the register of 重大决策事项 it is measured against ("应评尽评").

A major decision that needs an assessment and has none is a gap (应评未评). An assessment is filed (备案) with
the petition office, whose reviewer passes it or returns it for more material (退回补充, with the reason).
"""

from django.conf import settings
from django.db import models

from xinfang.orgs.models import Org
from xinfang.prevention.history import LedgerRecord
from xinfang.prevention.disputes import RiskLevel
from xinfang.prevention.lists import AssessmentKind


class MajorDecision(LedgerRecord):
    """A 重大决策事项 (project, policy, reform) registered so that a missing assessment shows."""

    title = models.CharField("决策事项", max_length=200)
    kind = models.ForeignKey(AssessmentKind, verbose_name="类别", on_delete=models.PROTECT, related_name="+")
    deciding_org = models.ForeignKey(Org, verbose_name="决策机关", on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField("决策（拟决策）日期")
    requires_assessment = models.BooleanField("应当评估", default=True)
    exemption_reason = models.CharField("无需评估的理由", max_length=300, blank=True)
    note = models.TextField("备注", blank=True)

    class Meta:
        verbose_name = "重大决策事项"
        verbose_name_plural = "重大决策事项"
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(requires_assessment=True) | ~models.Q(exemption_reason=""),
                                   name="prevention_decision_exemption_reason"),
        ]


class StabilityAssessment(LedgerRecord):
    """One 社会稳定风险评估 of a decision, project or policy, and its 备案 with the petition office."""

    class Conclusion(models.TextChoices):
        APPROVE = "approve", "准予实施"
        DEFER = "defer", "暂缓实施"
        REJECT = "reject", "不予实施"

    class Filing(models.TextChoices):
        NOT_FILED = "not_filed", "未报备"
        RECEIVED = "received", "已报备待审查"
        PASSED = "passed", "备案通过"
        RETURNED = "returned", "退回补充"

    title = models.CharField("评估事项", max_length=200)
    kind = models.ForeignKey(AssessmentKind, verbose_name="评估类别", on_delete=models.PROTECT, related_name="+")
    decision = models.ForeignKey(MajorDecision, verbose_name="重大决策事项", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="assessments")
    deciding_org = models.ForeignKey(Org, verbose_name="决策机关", on_delete=models.PROTECT, related_name="+")
    assessing_body = models.CharField("评估主体", max_length=100)
    assessed_on = models.DateField("评估日期")
    risk_level = models.CharField("风险等级", max_length=10, choices=RiskLevel.choices)
    conclusion = models.CharField("评估结论", max_length=10, choices=Conclusion.choices)
    summary = models.TextField("主要风险及防范化解措施", blank=True)
    filing = models.CharField("备案状态", max_length=10, choices=Filing.choices, default=Filing.NOT_FILED)
    filed_on = models.DateField("报备日期", null=True, blank=True)
    reviewed_on = models.DateField("审查日期", null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审查人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    review_reason = models.TextField("审查意见", blank=True)
    recording_org = models.ForeignKey(Org, verbose_name="登记单位", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "社会稳定风险评估"
        verbose_name_plural = "社会稳定风险评估"
        ordering = ["-assessed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(filing="not_filed") | models.Q(filed_on__isnull=False),
                                   name="prevention_assessment_filed_on"),
            models.CheckConstraint(condition=~models.Q(filing="returned") | ~models.Q(review_reason=""),
                                   name="prevention_assessment_return_reason"),
        ]
