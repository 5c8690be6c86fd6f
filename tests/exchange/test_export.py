"""Export: every format carries the registration, the petitioners (masked by default) and the whole history."""

import csv
import json
from datetime import datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.conftest import ID_ZHANG, petition_input
from xinfang.audit.models import AuditEvent
from xinfang.exchange.export import export_queryset, petition_records
from xinfang.exchange.format import HEADERS
from xinfang.petitions.models import Channel
from xinfang.petitions.selectors import PetitionFilters
from xinfang.petitions.services import petition_register

pytestmark = pytest.mark.django_db




def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_jsonl_carries_every_step_in_order_with_its_outcome(delivered, district, tmp_path):
    out = tmp_path / "out.jsonl"
    call_command("export", "--format", "jsonl", "--out", str(out))
    lines = read_jsonl(out)
    assert lines[0]["type"] == "meta"
    (record,) = [line for line in lines if line["type"] == "petition"]
    assert (record["external_id"], record["source_system"]) == (delivered.number, "xinfang")
    assert [step["action"] for step in record["history"]] == ["forward", "accept", "reply", "deliver", "evaluate"]
    assert [step["acted_on"] for step in record["history"]] == [
        "2026-03-03", "2026-03-05", "2026-04-20", "2026-04-22", "2026-04-25"]
    assert record["history"][0]["values"]["handling_org"] == "500199101"
    assert record["history"][2]["values"]["outcome"] == "partly_supported"
    assert record["outcome"] == "partly_supported"
    assert record["received_at"].endswith("+08:00")
    assert record["category"] == "0301" and record["locality"] == "500199101"
    assert record["evaluations"][0]["rating"] == "mostly_satisfied"
    assert [notice["kind"] for notice in record["notices"]] == ["forwarding", "acceptance", "decision"]
    assert record["petitioners"][0]["name"] == "张*三"
    event = AuditEvent.objects.get(action="exchange.export")
    assert event.data["count"] == 1 and event.data["format"] == "jsonl"


def test_full_jsonl_leads_with_the_org_tree_and_code_lists(delivered, tmp_path):
    out = tmp_path / "full.jsonl"
    call_command("export", "--out", str(out), "--full")
    types = [line["type"] for line in read_jsonl(out)]
    assert types[0] == "meta" and types[-1] == "petition"
    assert {"org", "category", "hot_topic"} <= set(types)
    assert types.index("petition") > max(i for i, kind in enumerate(types) if kind != "petition")
    orgs = [line for line in read_jsonl(out) if line["type"] == "org"]
    assert {"code": "500199/清溪区信访办", "parent": "500199"}.items() <= next(
        org for org in orgs if org["name"] == "清溪区信访办").items()


def test_csv_opens_with_chinese_headers_and_masked_names(delivered, tmp_path):
    out = tmp_path / "out.csv"
    call_command("export", "--format", "csv", "--out", str(out))
    raw = out.read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(keepends=True)))
    assert tuple(rows[0]) == HEADERS
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["信访人姓名"] == "张*三"
    assert ID_ZHANG not in raw.decode("utf-8-sig")
    assert (row["转送日期"], row["责任单位"], row["受理日期"], row["答复日期"]) == (
        "2026-03-03", "500199101", "2026-03-05", "2026-04-20")
    assert (row["处理结果"], row["送达日期"], row["评价结果"]) == ("部分支持", "2026-04-22", "基本满意")
    assert [step["action"] for step in json.loads(row["历史(JSON)"])][-1] == "evaluate"


def test_unmask_needs_a_reason_and_is_audited(delivered, tmp_path):
    out = tmp_path / "full.jsonl"
    with pytest.raises(CommandError, match="事由"):
        call_command("export", "--out", str(out), "--unmask")
    assert not AuditEvent.objects.filter(action__startswith="exchange.").exists()
    call_command("export", "--out", str(out), "--unmask", "--reason", "移交上级信访部门")
    (record,) = [line for line in read_jsonl(out) if line["type"] == "petition"]
    assert record["petitioners"][0]["id_number"] == ID_ZHANG
    assert record["petitioners"][0]["name"] == "张小三"
    event = AuditEvent.objects.get(action="exchange.export_unmasked")
    assert event.data["count"] == 1 and event.data["reason"] == "移交上级信访部门"


def test_xlsx_has_the_code_sheet_with_every_channel(delivered, tmp_path):
    out = tmp_path / "out.xlsx"
    call_command("export", "--out", str(out))
    workbook = load_workbook(out, read_only=True)
    assert workbook.sheetnames == ["信访事项", "代码表"]
    rows = list(workbook["信访事项"].values)
    assert rows[0] == HEADERS and len(rows) == 2
    codes = list(workbook["代码表"].values)
    channels = {(row[1], row[2]) for row in codes if row[0] == "信访形式"}
    assert channels == {(value, str(label)) for value, label in Channel.choices}
    assert ("机构", "500199101", "青石镇") in codes


def test_a_township_user_exports_only_its_own_petitions(delivered, district, category, tmp_path):
    other, _ = petition_register(data=petition_input(locality=district.township_b, category=category),
                                 actor=district.clerk)
    out = tmp_path / "scoped.jsonl"
    call_command("export", "--out", str(out), "--user", "qingshi")
    numbers = [line["number"] for line in read_jsonl(out) if line["type"] == "petition"]
    assert numbers == [delivered.number]
    assert AuditEvent.objects.get(action="exchange.export").actor.username == "qingshi"
    call_command("export", "--out", str(out), "--org", "500199102")
    assert [line["number"] for line in read_jsonl(out) if line["type"] == "petition"] == [other.number]


def test_the_template_has_the_headers_and_a_marked_example_row(db, tmp_path):
    out = tmp_path / "template.xlsx"
    call_command("export", "--template", str(out))
    workbook = load_workbook(out, read_only=True)
    rows = list(workbook["信访事项"].values)
    assert rows[0] == HEADERS and len(rows) == 2
    example = dict(zip(rows[0], rows[1], strict=True))
    assert example["来源系统"].startswith("示例") and example["外部编号"] == "示例-0001"
    assert "代码表" in workbook.sheetnames


def test_a_batch_export_makes_a_bounded_number_of_queries(
    delivered, district, category, django_assert_max_num_queries
):
    start = timezone.make_aware(datetime(2026, 1, 5, 9, 0))
    for index in range(299):
        petition_register(
            data=petition_input(locality=district.township_a, category=category,
                                received_at=start + timedelta(minutes=index)),
            actor=district.clerk)
    queryset = export_queryset(user=None, filters=PetitionFilters())
    with django_assert_max_num_queries(12):
        records = list(petition_records(queryset=queryset, batch_size=1000))
    assert len(records) == 300
    assert len({record["number"] for record in petition_records(queryset=queryset, batch_size=70)}) == 300
    assert sum(len(record["history"]) for record in records) == 5


def test_the_list_page_button_downloads_the_filtered_list(delivered, client, tmp_path):
    client.force_login(delivered.registered_by)
    page = client.get(reverse("petition-list"))
    assert reverse("petition-export").encode() in page.content
    response = client.get(reverse("petition-export"), {"channel": "visit"})
    assert response.status_code == 200
    path = tmp_path / "download.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    assert len(list(load_workbook(path, read_only=True)["信访事项"].values)) == 1  # no visits: header only
    response = client.get(reverse("petition-export"), {"channel": "letter"})
    path.write_bytes(b"".join(response.streaming_content))
    rows = list(load_workbook(path, read_only=True)["信访事项"].values)
    assert rows[1][HEADERS.index("信访人姓名")] == "张*三"
    assert AuditEvent.objects.filter(action="exchange.export", data__channel="web").count() == 2
