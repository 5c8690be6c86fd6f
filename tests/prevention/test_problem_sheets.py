"""The 群众信访问题清单 Excel: all rows or none, every bad cell as “第N行 列名：原因”; the office's reviewer only;
the export writes the import's columns (so it imports back) and only what the reader sees."""

from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook, load_workbook

from xinfang.audit.models import AuditEvent
from xinfang.prevention.backlog import ProblemListItem
from xinfang.prevention.history import LedgerVersion
from xinfang.prevention.sheets_problems import COLUMNS, problems_import

pytestmark = pytest.mark.django_db
HEADER = [column.header for column in COLUMNS if not column.export_only]


def sheet(tmp_path, rows, header=HEADER):
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append([row.get(name, "") for name in header])
    path = tmp_path / "问题清单.xlsx"
    workbook.save(path)
    return path


def good_row(**overrides):
    row = {"问题": "城南安置房漏水", "责任人": "王主任", "责任单位": "青石镇", "列入日期": "2026-03-01",
           "限时销号日期": "2026年6月30日"}
    row.update(overrides)
    return row


def test_a_sheet_with_bad_rows_imports_nothing_and_names_each_row_and_column(tmp_path, district, people):
    rows = [good_row(), good_row(**{"责任单位": "白沙镇某村", "列入日期": "三月"}),
            good_row(**{"限时销号日期": "2026-02-01"}), good_row(**{"销号日期": "2026-04-01"}), good_row(**{"问题": ""})]
    report = problems_import(path=sheet(tmp_path, rows), actor=people.office_reviewer)
    assert report.rolled_back is True
    assert [str(error) for error in report.errors] == [
        "第3行 责任单位：没有名为“白沙镇某村”的机构，或不在本单位范围内",
        "第3行 列入日期：日期格式应为2026-03-02或2026年3月2日：三月",
        "第4行 限时销号日期：限时销号日期不能早于列入日期",
        "第5行 化解情况：填写了销号日期的，请填写化解情况",
        "第6行 问题：不能为空",
    ]
    assert report.created == 0
    assert not ProblemListItem.objects.exists()
    assert not LedgerVersion.objects.filter(ledger="problem").exists()
    assert not AuditEvent.objects.filter(action__startswith="prevention.").exists()


def test_a_missing_required_column_is_refused_before_any_row(tmp_path, district, people):
    from xinfang.exchange.importer import ImportFileError

    with pytest.raises(ImportFileError, match="缺少必需的列：限时销号日期"):
        problems_import(path=sheet(tmp_path, [good_row()], header=HEADER[:4]), actor=people.office_reviewer)


def test_a_good_sheet_imports_its_struck_off_rows_as_the_reviewers_and_is_audited(tmp_path, district, people):
    rows = [good_row(), good_row(**{"问题": "路灯不亮", "责任单位": "白沙镇", "销号日期": "2026-04-10",
                                    "化解情况": "已更换路灯"})]
    report = problems_import(path=sheet(tmp_path, rows), actor=people.office_reviewer)
    assert (report.rolled_back, report.created, report.errors) == (False, 2, [])
    first, second = ProblemListItem.objects.order_by("pk")
    assert (first.status, first.responsible_org, str(first.due_on)) == ("open", district.township_a, "2026-06-30")
    assert (second.status, str(second.struck_off_on), second.note) == ("struck_off", "2026-04-10", "已更换路灯")
    assert LedgerVersion.objects.filter(ledger="problem", record_id=second.pk).count() == 2  # 登记, 销号
    assert AuditEvent.objects.filter(action="prevention.problems_import").count() == 1


def test_only_the_offices_reviewer_imports(tmp_path, client, district, people):
    for user in (people.office_clerk, people.township_a):
        with pytest.raises(PermissionDenied):
            problems_import(path=sheet(tmp_path, [good_row()]), actor=user)
    client.force_login(people.township_a)
    assert client.get("/prevention/problems/import/").status_code == 403
    assert "导入Excel台账" not in client.get("/prevention/problems/").content.decode()
    assert not ProblemListItem.objects.exists()


def test_the_import_page_and_the_export_round_trip(tmp_path, client, district, people):
    client.force_login(people.office_reviewer)
    assert "导入Excel台账" in client.get("/prevention/problems/").content.decode()
    rows = [good_row(), good_row(**{"问题": "白沙镇集市占道", "责任单位": "白沙镇"})]
    with sheet(tmp_path, rows).open("rb") as upload:
        page = client.post("/prevention/problems/import/", {"file": upload}).content.decode()
    assert ProblemListItem.objects.count() == 2, page
    # 青石镇 exports only its own, in the import's columns plus 编号 and 状态
    client.force_login(people.township_a)
    response = client.get("/prevention/problems/export.xlsx")
    exported = list(load_workbook(BytesIO(response.content)).active.values)
    assert exported[0] == tuple(column.header for column in COLUMNS)
    assert [row[1] for row in exported[1:]] == ["城南安置房漏水"]
    assert exported[1][-1] == "化解中"
    assert AuditEvent.objects.filter(action="prevention.problem_export").count() == 1
    # the export imports back as new records
    path = tmp_path / "back.xlsx"
    path.write_bytes(response.content)
    assert problems_import(path=path, actor=people.office_reviewer).created == 1
