"""接访安排 in Excel (import all or nothing, 第N行 列 原因, the office's 审核员; export by any reader, imports back)
and the reception import naming its 接访安排编号."""

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook, load_workbook

from tests.receptions.conftest import schedule_input
from xinfang.audit.models import AuditEvent
from xinfang.prevention.history import LedgerVersion
from xinfang.receptions import services
from xinfang.receptions.models import Reception, ReceptionSchedule
from xinfang.receptions.selectors import published_schedules
from xinfang.receptions.sheets import COLUMNS, SCHEDULE_COLUMNS, receptions_import, schedules_import

pytestmark = pytest.mark.django_db


def sheet(tmp_path, columns, rows, name="台账.xlsx"):
    workbook = Workbook()
    headers = [column.header for column in columns if not column.export_only]
    workbook.active.append(headers)
    for row in rows:
        workbook.active.append([row.get(header, "") for header in headers])
    path = tmp_path / name
    workbook.save(path)
    return path


def schedule_row(**overrides):
    row = {"接访日期": "2026-12-20", "时段": "上午", "接访领导": "赵立新", "接访方式": "领导接访日",
           "接访地点": "区信访接待中心", "接访主题": "欠薪讨薪", "是否公布": "是"}
    row.update(overrides)
    return row


def test_a_schedule_sheet_with_a_bad_row_imports_nothing(people, tmp_path):
    path = sheet(tmp_path, SCHEDULE_COLUMNS, [
        schedule_row(),
        schedule_row(时段="晚上", 接访领导="钱某某", 是否公布="也许"),
        schedule_row(接访方式="座谈", 接访地点="", 接访日期="2026年2月30日"),
    ])
    report = schedules_import(path=path, actor=people.office_reviewer)
    assert report.rolled_back and report.created == 0
    assert {(error.row, error.column, error.message) for error in report.errors} == {
        (3, "时段", "“晚上”不是有效的时段（可填：上午、下午、全天）"),
        (3, "接访领导", "没有名为“钱某某”的领导干部，或不在本单位范围内"),
        (3, "是否公布", "应填“是”或“否”：也许"),
        (4, "接访方式", "“座谈”不是有效的接访方式（可填：领导接访日、约访、下访）"),
        (4, "接访地点", "不能为空"),
        (4, "接访日期", "日期无效：2026年2月30日"),
    }
    assert not ReceptionSchedule.objects.exists()
    assert not LedgerVersion.objects.filter(ledger=services.SCHEDULE_LEDGER).exists()
    assert not AuditEvent.objects.filter(action="prevention.reception_schedules_import").exists()


def test_a_good_schedule_sheet_goes_through_the_services(people, tmp_path):
    path = sheet(tmp_path, SCHEDULE_COLUMNS, [
        schedule_row(),
        schedule_row(接访日期="2026/12/22", 时段="", 接访领导="r-qingshi-leader", 接访方式="下访",
                     接访地点="青石镇便民服务中心", 接访主题="", 是否公布=""),
    ])
    report = schedules_import(path=path, actor=people.office_reviewer)
    assert (report.rolled_back, report.created) == (False, 2)
    county = ReceptionSchedule.objects.get(leader=people.county_leader)
    township = ReceptionSchedule.objects.get(leader=people.township_leader)
    assert (county.scheduled_on, county.slot, county.kind, county.published, county.status) == (
        date(2026, 12, 20), "morning", "day", True, "planned")
    assert (township.slot, township.kind, township.published, township.org) == (
        "all_day", "visit_down", False, people.township_leader.org)
    assert [item.leader_name for item in published_schedules(today=date(2026, 12, 1))] == ["赵立新"]
    assert list(LedgerVersion.objects.filter(ledger=services.SCHEDULE_LEDGER, record_id=county.pk)
                .order_by("version").values_list("action", flat=True)) == ["安排", "公布"]
    assert AuditEvent.objects.filter(action="receptions.schedule_publish").count() == 1
    assert AuditEvent.objects.filter(action="prevention.reception_schedules_import").count() == 1


def test_only_the_office_reviewer_imports_schedules(client, people, tmp_path):
    path = sheet(tmp_path, SCHEDULE_COLUMNS, [schedule_row()])
    for user in (people.township_a, people.office_clerk, people.county_leader, people.statistician):
        with pytest.raises(PermissionDenied):
            schedules_import(path=path, actor=user)
        client.force_login(user)
        assert client.get("/receptions/schedules/import/").status_code == 403
        with path.open("rb") as upload:
            assert client.post("/receptions/schedules/import/", {"file": upload}).status_code == 403
    assert not ReceptionSchedule.objects.exists()
    client.force_login(people.office_reviewer)
    page = client.get("/receptions/schedules/").content.decode()
    assert "/receptions/schedules/import/" in page
    with path.open("rb") as upload:
        response = client.post("/receptions/schedules/import/", {"file": upload})
    assert "已导入 1 行" in response.content.decode() and ReceptionSchedule.objects.count() == 1


def test_the_schedule_export_imports_back(client, people, tmp_path):
    schedule = services.schedule_create(data=schedule_input(leader=people.county_leader, topics="征地拆迁"),
                                        actor=people.office_clerk)
    services.schedule_publish(schedule_id=schedule.pk, publish=True, actor=people.office_clerk)
    client.force_login(people.statistician)  # reads, so exports; audited
    response = client.get("/receptions/schedules/export.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0] == tuple(column.header for column in SCHEDULE_COLUMNS)
    assert rows[1][0] == schedule.number and rows[1][1].date() == date(2026, 3, 10)
    assert rows[1][2:] == ("上午", "赵立新", "领导接访日", "区信访接待中心", "征地拆迁", "是", "清溪区人民政府", "已安排")
    assert AuditEvent.objects.filter(action="receptions.schedule_export", actor=people.statistician).count() == 1
    path = tmp_path / "导出.xlsx"
    path.write_bytes(response.content)
    assert schedules_import(path=path, actor=people.office_reviewer).created == 1
    copy = ReceptionSchedule.objects.exclude(pk=schedule.pk).get()
    assert (copy.scheduled_on, copy.slot, copy.leader, copy.kind, copy.place, copy.topics, copy.published) == (
        schedule.scheduled_on, schedule.slot, schedule.leader, schedule.kind, schedule.place, schedule.topics, True)


def reception_row(**overrides):
    row = {"接访日期": "2026-03-10", "接访领导": "赵立新", "接访方式": "领导接访日", "接访地点": "区信访接待中心",
           "批次": 3, "人次": 7}
    row.update(overrides)
    return row


def test_the_reception_import_may_name_its_schedule(people, tmp_path):
    schedule = services.schedule_create(data=schedule_input(leader=people.county_leader), actor=people.office_clerk)
    township = services.schedule_create(data=schedule_input(leader=people.township_leader),
                                        actor=people.office_clerk)
    report = receptions_import(path=sheet(tmp_path, COLUMNS, [
        reception_row(接访安排编号="接访安排〔2026〕99号"),
        reception_row(接访安排编号=township.number),  # 钱镇长's schedule, 赵立新 named
    ]), actor=people.office_reviewer)
    assert report.rolled_back and not Reception.objects.exists()
    assert {(error.row, error.column, error.message) for error in report.errors} == {
        (2, "接访安排编号", "没有“接访安排〔2026〕99号”这一接访安排，或不在本单位范围内"),
        (3, "接访领导", f"接访安排{township.number}的接访领导是钱镇长"),
    }
    report = receptions_import(path=sheet(tmp_path, COLUMNS, [reception_row(接访安排编号=schedule.number)]),
                               actor=people.office_reviewer)
    assert report.created == 1
    reception = Reception.objects.get()
    schedule.refresh_from_db()
    assert reception.schedule == schedule and schedule.status == "held"
    # A schedule already held takes no second reception.
    report = receptions_import(path=sheet(tmp_path, COLUMNS, [reception_row(接访安排编号=schedule.number)]),
                               actor=people.office_reviewer)
    assert [(error.row, error.column, error.message) for error in report.errors] == [
        (2, "接访安排编号", f"{schedule.number}已接访，不能再登记接访")]
    assert Reception.objects.count() == 1
