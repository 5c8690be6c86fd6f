"""Importing an office's sheet: all or nothing, every bad row named by its row and column in Chinese."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook, load_workbook

from xinfang.audit.models import AuditEvent
from xinfang.prevention.assessments import StabilityAssessment
from xinfang.prevention.disputes import Dispute
from xinfang.prevention.history import LedgerVersion
from xinfang.prevention.sheets_assessments import assessments_import
from xinfang.prevention.sheets_disputes import COLUMNS, disputes_export, disputes_import

pytestmark = pytest.mark.django_db
HEADER = [column.header for column in COLUMNS if not column.export_only]


def good_row(**overrides):
    row = {"发现日期": "2026-03-02", "来源": "网格员上报", "排查活动编号": "", "纠纷领域": "欠薪讨薪/双拖欠",
           "纠纷概况": "某工地拖欠工资", "当事人": "王某等12人；某建筑公司", "涉及人次": 12, "涉及金额（万元）": 36.5,
           "属地": "青石镇桃源村", "风险等级": "高", "责任单位": "青石镇", "责任人": "李镇长", "化解期限": "2026年4月30日",
           "化解措施": "约谈企业", "化解情况": "", "化解日期": "", "化解方式": "", "化解情况说明": "", "未化解原因": "",
           "关联信访件编号": ""}
    row.update(overrides)
    return row


def sheet(tmp_path, rows, name="台账.xlsx"):
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.append(HEADER)
    for row in rows:
        worksheet.append([row.get(header, "") for header in HEADER])
    path = tmp_path / name
    workbook.save(path)
    return path


def test_a_sheet_with_three_bad_rows_imports_nothing_and_names_each_row_and_column(tmp_path, district, people):
    rows = [good_row(), good_row(**{"涉及人次": 0}), good_row(),
            good_row(**{"属地": "白沙镇某村", "涉及金额（万元）": "12.345"}), good_row(**{"化解情况": "已化解"}),
            good_row(**{"发现日期": "2026年3月"})]
    report = disputes_import(path=sheet(tmp_path, rows), actor=people.office_reviewer)
    assert report.rolled_back is True
    assert [str(error) for error in report.errors] == [
        "第3行 涉及人次：应不小于1",
        "第5行 涉及金额（万元）：最多两位小数（万元）",
        "第5行 属地：没有名为“白沙镇某村”的机构，或不在本单位范围内",
        "第6行 化解日期：已化解的，请填写化解日期",
        "第6行 化解方式：已化解的，请选择化解方式",
        "第7行 发现日期：日期格式应为2026-03-02或2026年3月2日：2026年3月",
    ]
    assert (report.created, report.failed) == (0, 4)
    assert not Dispute.objects.exists()
    assert not LedgerVersion.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="prevention.").exists()


def test_a_good_sheet_imports_with_its_verified_settlements_and_exports_back(tmp_path, district, people):
    rows = [good_row(), good_row(**{"属地": "白沙镇", "责任单位": "白沙镇", "涉及金额（万元）": "0.1", "风险等级": "低",
                                   "化解情况": "已化解", "化解日期": date(2026, 3, 20), "化解方式": "调解"})]
    report = disputes_import(path=sheet(tmp_path, rows), actor=people.office_reviewer)
    assert (report.rolled_back, report.created, report.errors) == (False, 2, [])
    first, second = Dispute.objects.order_by("pk")
    assert (first.amount, first.locality, first.status) == (Decimal("36.50"), district.village_a1, "open")
    assert (second.amount, second.status, second.verified_by) == (Decimal("0.10"), "settled", people.office_reviewer)
    assert AuditEvent.objects.filter(action="prevention.disputes_import").count() == 1
    out = tmp_path / "export.xlsx"
    with open(out, "wb") as stream:
        assert disputes_export(queryset=Dispute.objects.order_by("pk"), out=stream, petitions_of=lambda d: []) == 2
    exported = list(load_workbook(out).active.values)
    assert exported[0][:3] == ("编号", "发现日期", "来源")
    assert exported[2][exported[0].index("涉及金额（万元）")] == 0.1 and exported[2][-1] == "已化解"


def test_only_the_offices_reviewer_imports(tmp_path, district, people):
    with pytest.raises(PermissionDenied):
        disputes_import(path=sheet(tmp_path, [good_row()]), actor=people.township_a)
    assert not Dispute.objects.exists()


def test_an_assessment_sheet_imports_its_filing_and_review(tmp_path, district, people):
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.append(["评估事项", "评估类别", "决策机关", "评估主体", "评估日期", "风险等级", "评估结论", "报备日期",
                      "备案审查结果", "审查日期", "审查意见"])
    worksheet.append(["城南旧城改造", "工程项目类", "清溪区人民政府", "维稳中心", "2026-03-01", "中", "准予实施",
                      "2026-03-10", "退回补充", "2026-03-12", "缺少群众意见调查"])
    worksheet.append(["学区调整", "政策类", "清溪区人民政府", "教育局", "2026-03-01", "中", "准予实施", "", "", "", ""])
    path = tmp_path / "评估.xlsx"
    workbook.save(path)
    report = assessments_import(path=path, actor=people.office_reviewer)
    assert [str(error) for error in report.errors] == [
        "第3行 评估类别：没有“政策类”这一已启用的评估类别"]
    assert not StabilityAssessment.objects.exists()
    worksheet.delete_rows(3)
    workbook.save(path)
    report = assessments_import(path=path, actor=people.office_reviewer)
    assert report.created == 1
    assessment = StabilityAssessment.objects.get()
    assert (assessment.filing, assessment.review_reason) == ("returned", "缺少群众意见调查")
