"""The pages (record an incident with a measure, add a measure) and the Excel import (all or nothing) / export."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from xinfang.audit.models import AuditEvent
from xinfang.order.models import OrderIncident, OrderMeasure
from xinfang.order.sheets import incidents_import

pytestmark = pytest.mark.django_db

HEADER = ["发生日期", "发生地点", "行为类型", "行为经过", "属地", "涉及人员", "处置措施", "采取日期", "采取机关", "文书编号"]


def _sheet(tmp_path, *rows):
    workbook = Workbook()
    workbook.active.append(HEADER)
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / "秩序.xlsx"
    workbook.save(path)
    return path


def test_record_an_incident_with_a_measure_on_the_page(client, people, district):
    client.force_login(people.supervisor)
    response = client.post(reverse("order:incident-new"), {
        "occurred_on": "2026-04-01", "place": "区政府大门", "kind": "gathering", "description": "二十余人围堵大门",
        "locality": district.township_a.pk, "person_name": "钱一、孙二", "measure_kind": "criticise",
        "taken_on": "2026-04-01", "organ": district.office.pk, "document_number": ""})
    incident = OrderIncident.objects.get()
    assert response.status_code == 302 and response.url == reverse("order:incident-detail", args=[incident.pk])
    assert incident.persons.count() == 2
    assert OrderMeasure.objects.get().kind == "criticise"
    person = incident.persons.last()
    response = client.post(reverse("order:measure-add", args=[incident.pk]), {
        "person": person.pk, "measure_kind": "admonish", "taken_on": "2026-03-01", "organ_name": "清溪区信访办"})
    assert "措施采取日期不能早于行为发生日期" in response.content.decode()
    assert OrderMeasure.objects.count() == 1


def test_a_bad_sheet_imports_nothing_and_names_each_bad_cell(people, district, tmp_path):
    path = _sheet(tmp_path,
                  ["2026-03-02", "接待大厅", "在信访接待场所滞留滋事、遗弃他人", "滞留", "青石镇", "赵某", "劝阻",
                   "2026-03-02", "清溪区信访办", ""],
                  ["2026-13-01", "", "打人", "经过", "火星镇", "李某", "罚款", "", "", ""])
    report = incidents_import(path=path, actor=people.reviewer)
    assert report.rolled_back and not OrderIncident.objects.exists()
    problems = {(error.row, error.column, error.message) for error in report.errors}
    assert (3, "发生日期", "日期无效：2026-13-01") in problems
    assert (3, "发生地点", "不能为空") in problems
    assert any(row == 3 and column == "行为类型" and "不是有效的行为类型" in message for row, column, message in problems)
    assert any(row == 3 and column == "属地" and "火星镇" in message for row, column, message in problems)
    assert any(row == 3 and column == "处置措施" for row, column, _ in problems)


def test_a_good_sheet_imports_and_exports_back(client, people, district, tmp_path):
    path = _sheet(tmp_path,
                  ["2026-03-02", "接待大厅", "在信访接待场所滞留滋事、遗弃他人", "滞留", "青石镇", "赵某、钱某", "劝阻",
                   "2026-03-02", "清溪区信访办", ""],
                  [date(2026, 5, 1), "县政府", "gathering", "聚集", "白沙镇", "孙某", "治安管理处罚",
                   "2026-05-02", "清溪区公安分局", "清公决字〔2026〕3号"])
    report = incidents_import(path=path, actor=people.reviewer)
    assert not report.errors and report.created == 2
    assert OrderMeasure.objects.get(kind="public_security_penalty").organ == people.police_org
    assert OrderMeasure.objects.get(kind="dissuade").organ == district.office
    client.force_login(people.police)
    response = client.get(reverse("order:incident-export"))
    sheet = load_workbook(__import__("io").BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:7] == ("编号", *HEADER[:6]) and len(rows) == 3
    assert "赵某" not in str(rows) and "清公决字〔2026〕3号" in str(rows)
    assert AuditEvent.objects.filter(action="order.export", actor=people.police).get().data["rows"] == 2


def test_only_the_office_reviewer_imports(client, people, tmp_path):
    client.force_login(people.police)
    response = client.post(reverse("order:incident-import"),
                           {"file": SimpleUploadedFile("a.xlsx", _sheet(tmp_path).read_bytes())})
    assert response.status_code == 403
