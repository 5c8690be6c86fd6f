"""Publicity pages and Excel: record with materials, refusals shown in Chinese, roles, import all-or-nothing."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.publicity.models import PublicityActivity
from xinfang.publicity.selectors import stock_of
from xinfang.publicity.sheets import COLUMNS, activities_import
from tests.publicity.conftest import LEAFLET, REGULATION, form_named, kind_named

pytestmark = pytest.mark.django_db


def post_activity(client, district, **extra):
    data = {"held_on": "2026-03-02", "form": form_named("宣讲").pk, "topic": "《信访工作条例》", "place": "文化广场",
            "organiser": district.township_a.pk, "person_times": "120",
            f"material_{kind_named(REGULATION).pk}": "200", **extra}
    return client.post(reverse("publicity:activity-new"), data)


def test_record_activity_and_see_it(client, district, stocked):
    client.force_login(district.township_a_user)
    response = post_activity(client, district)
    activity = PublicityActivity.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("publicity:activity-detail",
                                                                          args=[activity.pk])
    page = client.get(response["Location"]).content.decode()
    assert "《信访工作条例》单行本" in page and "200册" in page and "首次登记" in page
    assert "200" in client.get(reverse("publicity:activities")).content.decode()
    assert stock_of(kind_named(REGULATION).pk) == 300
    figures = client.get(reverse("stats:ledger-figures", args=["publicity"])).content.decode()
    assert "发放资料份数" in figures


def test_short_stock_shown_and_nothing_saved(client, district, stocked):
    client.force_login(district.township_a_user)
    response = post_activity(client, district, **{f"material_{kind_named(REGULATION).pk}": "900"})
    assert response.status_code == 200
    assert "库存500册，不足发放900册" in response.content.decode()
    assert PublicityActivity.objects.count() == 0


def test_leader_reads_but_cannot_record(client, district, stocked):
    leader = user_create(username="pub-leader2", password="pw-123456", org=district.township_a, roles=[Role.LEADER])
    client.force_login(leader)
    assert client.get(reverse("publicity:activities")).status_code == 200
    assert post_activity(client, district).status_code == 403
    assert client.post(reverse("publicity:stock"), {}).status_code == 403
    assert PublicityActivity.objects.count() == 0


def _sheet(tmp_path, rows):
    workbook = Workbook()
    sheet = workbook.active
    headers = [column.header for column in COLUMNS if not column.export_only]
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(header, "") for header in headers])
    path = tmp_path / "普法.xlsx"
    workbook.save(path)
    return path


def _row(**overrides):
    row = {"日期": "2026-03-02", "宣传形式": "宣讲", "主题": "《信访工作条例》", "地点": "广场", "组织单位": "青石镇",
           "覆盖人次": 100, "发放资料": f"{REGULATION}：100、{LEAFLET}：20"}
    row.update(overrides)
    return row


@pytest.fixture
def office_reviewer(district):
    return user_create(username="pub-reviewer", password="pw-123456", org=district.office, roles=[Role.REVIEWER])


def test_import_all_or_nothing_with_chinese_errors(tmp_path, district, stocked, office_reviewer):
    path = _sheet(tmp_path, [_row(), _row(宣传形式="跳舞", 覆盖人次="多"), _row(发放资料=f"{REGULATION}：1000")])
    report = activities_import(path=path, actor=office_reviewer)
    assert report.rolled_back and report.created == 0
    errors = {(error.row, error.column): error.message for error in report.errors}
    assert errors[(3, "宣传形式")] == "没有“跳舞”这一已启用的宣传形式"
    assert errors[(3, "覆盖人次")] == "应为整数：多"
    assert "不足发放1000册" in errors[(4, "发放资料")]
    assert PublicityActivity.objects.count() == 0 and stock_of(kind_named(REGULATION).pk) == 500
    report = activities_import(path=_sheet(tmp_path, [_row(), _row(日期="2026年4月1日", 组织单位="白沙镇")]),
                               actor=office_reviewer)
    assert report.created == 2 and not report.errors
    assert stock_of(kind_named(REGULATION).pk) == 300 and stock_of(kind_named(LEAFLET).pk) == 260
    assert set(PublicityActivity.objects.values_list("held_on", flat=True)) == {date(2026, 3, 2), date(2026, 4, 1)}


def test_export_imports_back(client, district, stocked, office_reviewer):
    client.force_login(district.township_a_user)
    post_activity(client, district)
    response = client.get(reverse("publicity:activity-export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0] == tuple(column.header for column in COLUMNS)
    assert (rows[1][2], rows[1][5], rows[1][7], rows[1][8]) == ("宣讲", "青石镇", 120, f"{REGULATION}：200")


def test_training_and_exam_pages(client, district):
    client.force_login(district.clerk)
    response = client.post(reverse("publicity:exam-new"), {
        "held_on": "2026-05-01", "title": "学法考试", "organiser": district.office.pk, "invited": "10",
        "participants": "8", "passes": "9"})
    assert response.status_code == 200 and "通过人数不能多于参考人数" in response.content.decode()
    response = client.post(reverse("publicity:exam-new"), {
        "held_on": "2026-05-01", "title": "学法考试", "organiser": district.office.pk, "invited": "10",
        "participants": "8", "passes": "6"})
    exam_url = response["Location"]
    response = client.post(exam_url + "edit/", {
        "version": "1", "held_on": "2026-05-01", "title": "全区学法考试", "organiser": district.office.pk,
        "invited": "10", "participants": "9", "passes": "6"})
    page = client.get(exam_url).content.decode()
    assert "全区学法考试" in page and "参考人数：8 → 9" in page and "第2版" in page
    response = client.post(reverse("publicity:training-new"), {
        "held_on": "2026-04-01", "topic": "条例解读", "trainer": "张老师", "organiser": district.office.pk,
        "attendees": "30", "hours": "2.5"})
    assert response.status_code == 302
    assert "条例解读" in client.get(reverse("publicity:trainings")).content.decode()
