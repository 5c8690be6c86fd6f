"""Trainings and law exams in Excel: import all or nothing with every bad cell named in Chinese, export that
imports back, who may import (the office's 审核员) and export (any reader), audit and history of imported rows."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from xinfang.audit.models import AuditEvent
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.prevention.history import LedgerVersion
from xinfang.publicity.models import HISTORY_EXAM, HISTORY_TRAINING, LawExam, TrainingSession
from xinfang.publicity.sheets import EXAM_COLUMNS, TRAINING_COLUMNS, exams_import, trainings_import

pytestmark = pytest.mark.django_db


def _sheet(tmp_path, columns, rows, name="台账.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    headers = [column.header for column in columns if not column.export_only]
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(header, "") for header in headers])
    path = tmp_path / name
    workbook.save(path)
    return path


def _training(**overrides):
    row = {"日期": "2026-04-01", "培训主题": "《信访工作条例》解读", "授课人": "张老师", "组织单位": "青石镇",
           "参训人数": 30, "学时": 2.5, "参训人员": "qingshi"}
    row.update(overrides)
    return row


def _exam(**overrides):
    row = {"日期": "2026年5月1日", "考试名称": "学法考试", "组织单位": "青石镇", "应考人数": 10, "参考人数": 8,
           "通过人数": 6}
    row.update(overrides)
    return row


@pytest.fixture
def office_reviewer(district):
    return user_create(username="pub-sheet-reviewer", password="pw-123456", org=district.office,
                       roles=[Role.REVIEWER], full_name="审核员甲")


def test_trainings_import_all_or_nothing_with_chinese_errors(tmp_path, district, office_reviewer):
    path = _sheet(tmp_path, TRAINING_COLUMNS, [
        _training(),
        _training(日期="2026-13-01", 学时="两小时", 参训人员="nobody"),
        _training(参训人数=1, 参训人员="qingshi、baisha"),  # two named, one counted: refused by the service
        _training(授课人="", 学时=0),
    ])
    report = trainings_import(path=path, actor=office_reviewer)
    assert report.rolled_back and report.created == 0
    errors = {(error.row, error.column): error.message for error in report.errors}
    assert errors == {
        (3, "日期"): "日期无效：2026-13-01",
        (3, "学时"): "应为数字（如2或2.5）：两小时",
        (3, "参训人员"): "没有“nobody”这一用户，或不在本单位范围内",
        (4, "参训人员"): "列出的参训人员多于参训人数",
        (5, "授课人"): "不能为空",
        (5, "学时"): "应大于0、不超过100，最多一位小数：0",
    }
    assert TrainingSession.objects.count() == 0
    assert not LedgerVersion.objects.filter(ledger=HISTORY_TRAINING).exists()
    assert not AuditEvent.objects.filter(action="prevention.publicity_trainings_import").exists()

    report = trainings_import(path=_sheet(tmp_path, TRAINING_COLUMNS, [
        _training(), _training(日期="2026/4/8", 组织单位="白沙镇", 学时=3, 参训人员="")]), actor=office_reviewer)
    assert report.created == 2 and not report.errors
    first = TrainingSession.objects.get(held_on=date(2026, 4, 1))
    assert (first.organiser, first.hours, first.attendees) == (district.township_a, Decimal("2.5"), 30)
    assert list(first.attendee_users.all()) == [district.township_a_user]
    assert TrainingSession.objects.get(held_on=date(2026, 4, 8)).organiser == district.township_b
    assert LedgerVersion.objects.filter(ledger=HISTORY_TRAINING).count() == 2
    assert AuditEvent.objects.filter(action="publicity.training_create").count() == 2
    assert AuditEvent.objects.filter(action="prevention.publicity_trainings_import").count() == 1


def test_exams_import_all_or_nothing_with_chinese_errors(tmp_path, district, office_reviewer):
    path = _sheet(tmp_path, EXAM_COLUMNS, [
        _exam(), _exam(参考人数=8, 通过人数=9), _exam(应考人数=0, 组织单位="火星镇"), _exam(考试名称="")])
    report = exams_import(path=path, actor=office_reviewer)
    assert report.rolled_back and report.created == 0
    errors = {(error.row, error.column): error.message for error in report.errors}
    assert errors == {
        (3, "通过人数"): "通过人数不能多于参考人数",
        (4, "应考人数"): "应不小于1",
        (4, "组织单位"): "没有名为“火星镇”的机构，或不在本单位范围内",
        (5, "考试名称"): "不能为空",
    }
    assert LawExam.objects.count() == 0
    report = exams_import(path=_sheet(tmp_path, EXAM_COLUMNS, [_exam()]), actor=office_reviewer)
    assert report.created == 1
    exam = LawExam.objects.get()
    assert (exam.held_on, exam.invited, exam.participants, exam.passes) == (date(2026, 5, 1), 10, 8, 6)
    assert LedgerVersion.objects.filter(ledger=HISTORY_EXAM, record_id=exam.pk).count() == 1


def test_only_the_office_reviewer_imports(tmp_path, client, district, office_reviewer):
    path = _sheet(tmp_path, EXAM_COLUMNS, [_exam()])
    for user in (district.township_a_user, district.clerk):
        with pytest.raises(PermissionDenied):
            exams_import(path=path, actor=user)
        client.force_login(user)
        for name in ("publicity:training-import", "publicity:exam-import"):
            assert client.get(reverse(name)).status_code == 403
        assert client.post(reverse("publicity:exam-import"), {
            "file": SimpleUploadedFile("考试.xlsx", path.read_bytes())}).status_code == 403
    assert LawExam.objects.count() == 0
    client.force_login(office_reviewer)
    assert "导入" in client.get(reverse("publicity:exams")).content.decode()
    assert "docs/PUBLICITY.md“Excel（培训、考试）”" in client.get(reverse("publicity:exam-import")).content.decode()
    response = client.post(reverse("publicity:exam-import"), {
        "file": SimpleUploadedFile("考试.xlsx", _sheet(tmp_path, EXAM_COLUMNS, [_exam(通过人数=9)], "错.xlsx").read_bytes())})
    page = response.content.decode()
    assert response.status_code == 200 and "全部未导入" in page and "第2行" in page and "通过人数不能多于参考人数" in page
    response = client.post(reverse("publicity:exam-import"), {
        "file": SimpleUploadedFile("考试.xlsx", path.read_bytes())})
    assert "已导入 1 行" in response.content.decode() and LawExam.objects.count() == 1


def test_exports_import_back(tmp_path, client, district, office_reviewer):
    trainings_import(path=_sheet(tmp_path, TRAINING_COLUMNS, [_training(参训人员="qingshi、审核员甲")]),
                     actor=office_reviewer)
    exams_import(path=_sheet(tmp_path, EXAM_COLUMNS, [_exam()]), actor=office_reviewer)
    leader = user_create(username="pub-sheet-leader", password="pw-123456", org=district.township_a,
                         roles=[Role.LEADER])
    client.force_login(leader)  # reads, so exports (the 青石镇 rows it sees); audited
    for name, columns, expected in (
            ("publicity:training-export", TRAINING_COLUMNS,
             ("2026-04-01", "《信访工作条例》解读", "张老师", "青石镇", 30, 2.5, "审核员甲（pub-sheet-reviewer）、qingshi")),
            ("publicity:exam-export", EXAM_COLUMNS, ("2026-05-01", "学法考试", "青石镇", 10, 8, 6))):
        response = client.get(reverse(name))
        assert response.status_code == 200
        rows = list(load_workbook(io.BytesIO(response.content)).active.values)
        assert rows[0] == tuple(column.header for column in columns)
        assert len(rows) == 2
        got = tuple(value.date().isoformat() if hasattr(value, "date") else value for value in rows[1][1:])
        assert got == expected, name
    assert AuditEvent.objects.filter(action="prevention.publicity_training_export").count() == 1
    assert AuditEvent.objects.filter(action="prevention.publicity_exam_export").count() == 1

    # The export, its 编号 column dropped, imports back as the same records.
    response = client.get(reverse("publicity:training-export"))
    workbook = load_workbook(io.BytesIO(response.content))
    workbook.active.delete_cols(1)
    path = tmp_path / "导出.xlsx"
    workbook.save(path)
    assert trainings_import(path=path, actor=office_reviewer).created == 1
    first, second = TrainingSession.objects.order_by("id")
    assert (second.topic, second.hours, second.attendees, set(second.attendee_users.all())) == (
        first.topic, first.hours, first.attendees, set(first.attendee_users.all()))


def test_an_export_needs_an_org(client, district):
    nobody = user_create(username="pub-no-org", password="pw-123456", org=None, roles=[])
    client.force_login(nobody)
    assert client.get(reverse("publicity:training-export")).status_code == 403
    assert client.get(reverse("publicity:exam-export")).status_code == 403
