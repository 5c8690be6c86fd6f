"""The 社会稳定风险评估 sheet: its columns (docs/PREVENTION.md, 导入格式), rows → services, the export rows."""

from pathlib import Path
from typing import Any, BinaryIO

from django.db.models import QuerySet

from xinfang.exchange.importer import ImportReport
from xinfang.orgs.models import User
from xinfang.prevention import services_assessments as services
from xinfang.prevention.assessments import StabilityAssessment
from xinfang.prevention.disputes import RiskLevel
from xinfang.prevention.lists import AssessmentKind
from xinfang.prevention.selectors import decisions_visible_to
from xinfang.prevention.sheets import (
    OrgNames,
    RowReader,
    SheetColumn,
    parse_choice,
    parse_date,
    required_text,
    sheet_import,
    sheet_write,
)

C = SheetColumn
REVIEW_RESULTS = (("passed", "备案通过"), ("returned", "退回补充"))
COLUMNS = (
    C("编号", "number", export_only=True),
    C("评估事项", "title", required=True),
    C("评估类别", "kind", required=True),
    C("重大决策事项编号", "decision"),
    C("决策机关", "deciding_org", required=True),
    C("评估主体", "assessing_body", required=True),
    C("评估日期", "assessed_on", required=True),
    C("风险等级", "risk_level", required=True),
    C("评估结论", "conclusion", required=True),
    C("主要风险及防范化解措施", "summary"),
    C("报备日期", "filed_on"),
    C("备案审查结果", "review"),
    C("审查日期", "reviewed_on"),
    C("审查意见", "reason"),
    C("备案状态", "filing", export_only=True),
)
HEADERS = {column.key: column.header for column in COLUMNS}


class _Rows:
    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.orgs = OrgNames(actor)
        self.kinds = {kind.name: kind for kind in AssessmentKind.objects.filter(is_active=True)}
        self.decisions = dict(decisions_visible_to(user=actor).values_list("number", "pk"))

    def write(self, cells: dict[str, Any], number: int) -> StabilityAssessment:
        row = RowReader(cells, HEADERS)
        kind = row.lookup("kind", self.kinds, what="已启用的评估类别", required=True)
        decision_id = row.lookup("decision", self.decisions, what="重大决策事项编号", scoped=True)
        title = row.take(required_text, "title", max_length=200)
        deciding_org = row.take(self.orgs.get, "deciding_org")
        body = row.take(required_text, "assessing_body", max_length=100)
        assessed_on = row.take(parse_date, "assessed_on", needed=True)
        risk_level = row.take(parse_choice, "risk_level", RiskLevel.choices)
        conclusion = row.take(parse_choice, "conclusion", StabilityAssessment.Conclusion.choices)
        filed_on = row.take(parse_date, "filed_on")
        review = row.take(parse_choice, "review", REVIEW_RESULTS, required=False)
        reviewed_on = row.take(parse_date, "reviewed_on")
        if review and filed_on is None:
            row.fail("filed_on", "有备案审查结果的，请填写报备日期")
        row.check()
        assessment = services.assessment_create(actor=self.actor, data=services.AssessmentInput(
            title=title, kind_id=kind.pk, deciding_org_id=deciding_org.pk, assessing_body=body,
            assessed_on=assessed_on, risk_level=risk_level, conclusion=conclusion, summary=row.text("summary"),
            decision_id=decision_id))
        if filed_on is not None:
            assessment = services.assessment_file(assessment_id=assessment.pk, actor=self.actor, filed_on=filed_on)
        if review:
            assessment = services.assessment_review(
                assessment_id=assessment.pk, passed=review == "passed", actor=self.actor, reason=row.text("reason"),
                reviewed_on=reviewed_on)
        return assessment


def assessments_import(*, path: Path, actor: User) -> ImportReport:
    headers = {**HEADERS, **{column.header: column.header for column in COLUMNS}}
    return sheet_import(path=path, columns=COLUMNS, actor=actor, mode="assessments", write_row=_Rows(actor).write,
                        headers=headers)


def assessments_export(*, queryset: QuerySet[StabilityAssessment], out: BinaryIO) -> int:
    def rows():
        for item in queryset.select_related("kind", "deciding_org", "decision").iterator(chunk_size=500):
            review = item.get_filing_display() if item.filing in ("passed", "returned") else ""
            yield [item.number, item.title, item.kind.name, item.decision.number if item.decision_id else "",
                   item.deciding_org.name, item.assessing_body, item.assessed_on, item.get_risk_level_display(),
                   item.get_conclusion_display(), item.summary, item.filed_on, review, item.reviewed_on,
                   item.review_reason, item.get_filing_display()]

    return sheet_write(out=out, title="社会稳定风险评估台账", columns=COLUMNS, rows=rows())
