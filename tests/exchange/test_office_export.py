"""The office export (导出Excel（办公）): readable names, key dates as date cells, the deadline state, masked
personal data and withheld references exactly as the exchange export, formula-safe, audited; the exchange
format stays on the list page for import."""

import json
import zipfile
from datetime import date, datetime
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.conftest import ID_ZHANG, act
from tests.exchange.test_export_secrecy import whistle  # noqa: F401 (fixture)
from xinfang.audit.models import AuditEvent
from xinfang.exchange.export import export_queryset, petition_records, petitions_export
from xinfang.exchange.format import HEADERS as EXCHANGE_HEADERS
from xinfang.exchange.office import DATE_FORMAT, HEADERS
from xinfang.orgs.models import User
from xinfang.petitions import crypto
from xinfang.petitions.selectors import PetitionFilters
from xinfang.workflow.clocks import OPTIONAL_WINDOWS, clock_state
from xinfang.workflow.models import Clock

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(client, tmp_path, query: dict | str):
    url = reverse("petition-export") + ("?" + query if isinstance(query, str) else "")
    response = client.get(url, query if isinstance(query, dict) else None)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    path = tmp_path / "download.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    return path, response


def office_rows(path) -> list[dict]:
    sheet = load_workbook(path)["信访事项"]  # not read-only: number formats and cell types are visible
    header = [cell.value for cell in sheet[1]]
    assert header == list(HEADERS)
    return [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]


def test_the_list_page_offers_the_office_export_and_the_exchange_format(delivered, client):
    client.force_login(delivered.registered_by)
    page = client.get(reverse("petition-list")).content.decode()
    assert "导出Excel（办公）" in page and "导出交换格式（可导入）" in page
    assert f'href="{reverse("petition-export")}?layout=office"' in page
    assert f'href="{reverse("petition-export")}"' in page


def test_the_office_export_names_everything_in_chinese_with_dates_as_date_cells(delivered, district, category,
                                                                                 client, tmp_path):
    client.force_login(delivered.registered_by)
    path, response = download(client, tmp_path, {"layout": "office", "channel": "letter"})
    assert "信访事项（办公）-" in unquote(response["Content-Disposition"])
    (row,) = office_rows(path)
    values = {header: cell.value for header, cell in row.items()}
    assert values["信访件编号"] == delivered.number
    assert (values["信访形式"], values["信访类型"], values["问题分类"]) == ("来信", "申诉求决类", str(category))
    assert (values["登记机构"], values["问题属地"], values["责任单位"]) == (
        delivered.registering_org.name, "青石镇", "青石镇")
    assert values["被反映单位"] in (None, "")
    assert (values["状态"], values["处理结果"], values["评价结果"]) == ("已送达", "部分支持", "基本满意")
    assert (values["信访人"], values["人次"], values["集体访"]) == ("张*三", 1, "否")
    # Masked exactly as the exchange export masks them.
    (record,) = petition_records(queryset=export_queryset(user=None, filters=PetitionFilters()))
    assert values["证件号码"] == record["petitioners"][0]["id_number"] and ID_ZHANG not in values["证件号码"]
    assert values["联系电话"] == record["petitioners"][0]["phone"]
    dates = {"收到日期": date(2026, 3, 2), "转送/交办日期": date(2026, 3, 3), "受理日期": date(2026, 3, 5),
             "答复日期": date(2026, 4, 20), "评价日期": date(2026, 4, 25)}
    for header, day in dates.items():
        assert row[header].value == datetime.combine(day, datetime.min.time()), header
        assert row[header].number_format == DATE_FORMAT == 'yyyy"年"m"月"d"日"', header
    assert values["办结日期"] is None  # delivered, not yet closed
    # The handling period ended with the reply, in time.
    handling = delivered.clocks.get(kind=Clock.Kind.HANDLING)
    assert (values["当前期限"], values["期限状态"]) == ("办理期限", "按期")
    assert row["期限截止日"].value.date() == handling.statutory_due
    event = AuditEvent.objects.get(action="exchange.export")
    assert (event.data["format"], event.data["channel"], event.data["unmasked"]) == ("office", "web", False)


def test_a_running_deadline_shows_its_due_date_and_whether_it_is_overdue(registered, actors, client, tmp_path):
    act(registered, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=registered.locality_id)
    client.force_login(registered.registered_by)
    path, _ = download(client, tmp_path, {"layout": "office"})
    (row,) = office_rows(path)
    clock = registered.clocks.filter(stopped_on__isnull=True, voided=False).exclude(
        kind__in=OPTIONAL_WINDOWS).order_by("statutory_due").first()
    assert row["当前期限"].value == clock.get_kind_display()
    assert row["期限截止日"].value.date() == clock.statutory_due
    assert row["期限状态"].value == clock_state(clock=clock, today=timezone.localdate()).level_label
    assert row["期限状态"].value in ("正常", "临期", "超期", "严重超期")


def test_the_office_export_keeps_the_lists_id_number_search_out_of_the_url_and_the_audit(delivered, client,
                                                                                          tmp_path):
    client.force_login(delivered.registered_by)
    url = client.post(reverse("petition-list"), {"q": ID_ZHANG})["Location"]
    key = parse_qs(urlsplit(url).query)["s"][0]
    page = client.get(url).content.decode()
    assert f"?layout=office&amp;s={key}" in page  # the office button carries the key, not the number
    path, _ = download(client, tmp_path, f"layout=office&s={key}")
    assert [row["信访件编号"].value for row in office_rows(path)] == [delivered.number]
    event = AuditEvent.objects.get(action="exchange.export", data__format="office")
    assert ID_ZHANG not in json.dumps(event.data)
    assert event.data["filter"]["text_index"] == crypto.blind_index(ID_ZHANG)


def test_the_accused_township_gets_no_reference_to_the_accusation(whistle, district, tmp_path):  # noqa: F811
    accusation, grievance = whistle
    path = tmp_path / "office.xlsx"
    with open(path, "wb") as out:
        petitions_export(out=out, fmt="office", user=User.objects.get(username="qingshi"),
                         filters=PetitionFilters())
    rows = office_rows(path)
    assert [row["信访件编号"].value for row in rows] == [grievance.number]
    assert rows[0]["初件编号"].value in (None, "")
    with zipfile.ZipFile(path) as archive:
        assert all(accusation.number not in archive.read(name).decode() for name in archive.namelist())


def test_the_office_that_sees_both_gets_the_reference(whistle, district, tmp_path):  # noqa: F811
    accusation, grievance = whistle
    path = tmp_path / "office.xlsx"
    with open(path, "wb") as out:
        petitions_export(out=out, fmt="office", user=district.clerk, filters=PetitionFilters())
    by_number = {row["信访件编号"].value: row for row in office_rows(path)}
    assert by_number[grievance.number]["初件编号"].value == accusation.number


def test_formula_like_text_is_a_string_cell_in_the_office_export(delivered, tmp_path):
    delivered.summary = '=HYPERLINK("http://evil.example/","点此查看")'
    delivered.save()
    path = tmp_path / "office.xlsx"
    with open(path, "wb") as out:
        petitions_export(out=out, fmt="office", user=None)
    with zipfile.ZipFile(path) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    (row,) = office_rows(path)
    assert (row["概况"].value, row["概况"].data_type, row["概况"].quotePrefix) == (delivered.summary, "s", True)


def test_the_exchange_button_still_downloads_the_importable_format(delivered, client, tmp_path):
    client.force_login(delivered.registered_by)
    path, _ = download(client, tmp_path, {"channel": "letter"})
    workbook = load_workbook(path, read_only=True)
    assert list(next(workbook["信访事项"].values)) == list(EXCHANGE_HEADERS)
    assert "代码表" in workbook.sheetnames


def test_the_command_line_writes_the_office_export_too(delivered, tmp_path):
    path = tmp_path / "office.xlsx"
    call_command("export", "--out", str(path), "--format", "office")
    (row,) = office_rows(path)
    assert (row["信访件编号"].value, row["信访形式"].value, row["信访人"].value) == (delivered.number, "来信", "张*三")
    assert AuditEvent.objects.get(action="exchange.export").data["format"] == "office"
