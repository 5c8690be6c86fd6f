"""What an export may not reveal: an accusation the exporting user may not see (Art 30 ¶3), and ID or phone
numbers searched for, in the append-only audit log."""

import csv
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import ID_ZHANG, petition_input
from xinfang.audit.models import AuditEvent
from xinfang.exchange.export import petitions_export
from xinfang.exchange.format import HEADERS
from xinfang.matching.services import repeat_link
from xinfang.petitions import crypto
from xinfang.petitions.models import PetitionEvent, PetitionType
from xinfang.petitions.selectors import PetitionFilters
from xinfang.petitions.services import petition_register

pytestmark = pytest.mark.django_db

SECRET = "举报青石镇干部收受开发商好处"


@pytest.fixture
def whistle(district, category):
    """张小三 accuses 青石镇 (registered by the county office), then writes about the same matter as a
    grievance located in 青石镇, which the township sees; a clerk links the grievance as its repeat."""
    accusation, _ = petition_register(data=petition_input(
        locality=district.township_a, category=category, summary=SECRET, petition_type=PetitionType.ACCUSATION,
        complained_org_id=district.township_a.pk), actor=district.clerk)
    grievance, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                     actor=district.clerk)
    repeat_link(actor=district.clerk, petition_id=grievance.pk, first_petition_id=accusation.pk, reason="同一事项")
    grievance.refresh_from_db()
    assert grievance.first_petition_id == accusation.pk
    return accusation, grievance


def petition_lines(path):
    return [record for record in map(json.loads, path.read_text(encoding="utf-8").splitlines())
            if record["type"] == "petition"]


def test_the_accused_township_exports_the_grievance_without_naming_the_accusation(whistle, tmp_path):
    accusation, grievance = whistle
    for fmt in ("jsonl", "csv", "xlsx"):
        path = tmp_path / f"out.{fmt}"
        call_command("export", "--out", str(path), "--user", "qingshi")
        if fmt == "jsonl":
            (record,) = petition_lines(path)
            assert (record["number"], record["repeat_of"]) == (grievance.number, "")
            text = path.read_text(encoding="utf-8")
        elif fmt == "csv":
            text = path.read_text(encoding="utf-8-sig")
            header, row = list(csv.reader(text.splitlines(keepends=True)))
            assert row[HEADERS.index("信访件编号")] == grievance.number
            assert row[HEADERS.index("重复信访关联编号")] == ""
        else:
            rows = list(load_workbook(path, read_only=True)["信访事项"].values)
            assert len(rows) == 2 and rows[1][HEADERS.index("信访件编号")] == grievance.number
            assert rows[1][HEADERS.index("重复信访关联编号")] in (None, "")
            text = json.dumps(rows, ensure_ascii=False, default=str)
        assert accusation.number not in text and SECRET not in text, fmt


def test_the_office_that_sees_both_still_exports_the_link(whistle, tmp_path):
    accusation, grievance = whistle
    path = tmp_path / "out.jsonl"
    call_command("export", "--out", str(path), "--user", "clerk")
    by_number = {record["number"]: record for record in petition_lines(path)}
    assert by_number[grievance.number]["repeat_of"] == accusation.number
    call_command("export", "--out", str(path))  # the command line's administrator: everything
    assert {record["number"]: record for record in petition_lines(path)}[grievance.number]["repeat_of"] == (
        accusation.number)


def test_a_step_naming_the_accusation_is_emptied_too(whistle, district, tmp_path):
    accusation, grievance = whistle
    # A 不再受理 step names the final matter it repeats (refuse_repeat's 已终结事项编号).
    PetitionEvent.objects.create(petition=grievance, kind="refuse_repeat", actor=district.clerk,
                                 actor_org=district.office, occurred_at=grievance.received_at,
                                 data={"acted_on": "2026-03-03", "from": "registered", "to": "not_accepted",
                                       "values": {"same_matter_as": accusation.number}})
    path = tmp_path / "out.jsonl"
    call_command("export", "--out", str(path), "--user", "qingshi")
    (record,) = petition_lines(path)
    assert record["history"][-1]["action"] == "refuse_repeat"
    assert record["history"][-1]["values"]["same_matter_as"] == ""
    assert accusation.number not in path.read_text(encoding="utf-8")
    call_command("export", "--out", str(path), "--user", "clerk")
    step = next(r for r in petition_lines(path) if r["number"] == grievance.number)["history"][-1]
    assert step["values"]["same_matter_as"] == accusation.number


@pytest.mark.parametrize(("text", "secret", "masked"), [
    (ID_ZHANG, ID_ZHANG, "1101**********002X"),
    ("138 1234 5678", "13812345678", "138****5678"),
])
def test_the_audit_log_keeps_a_searched_number_masked_with_its_blind_index(delivered, tmp_path, text, secret,
                                                                            masked):
    with open(tmp_path / "out.jsonl", "wb") as out:
        assert petitions_export(out=out, fmt="jsonl", user=None, filters=PetitionFilters(text=text)) == 1
    event = AuditEvent.objects.get(action="exchange.export")
    assert secret not in json.dumps(event.data) and text not in json.dumps(event.data)
    assert event.data["filter"]["text"] == masked
    assert event.data["filter"]["text_index"] == crypto.blind_index(secret)


def test_numbers_inside_other_search_text_are_masked_in_the_audit_log(delivered, tmp_path):
    with open(tmp_path / "out.jsonl", "wb") as out:
        petitions_export(out=out, fmt="jsonl", user=None, filters=PetitionFilters(text=f"张小三 {ID_ZHANG}"))
    event = AuditEvent.objects.get(action="exchange.export")
    assert ID_ZHANG not in json.dumps(event.data)
    assert event.data["filter"]["text"] == "张小三 1101**********002X"


def test_the_list_page_download_filtered_by_an_id_number_audits_no_id_number(delivered, client):
    client.force_login(delivered.registered_by)
    response = client.get(reverse("petition-export"), {"q": ID_ZHANG})
    assert response.status_code == 200
    b"".join(response.streaming_content)
    event = AuditEvent.objects.get(action="exchange.export", data__channel="web")
    assert ID_ZHANG not in json.dumps(event.data)
    assert event.data["filter"]["text_index"] == crypto.blind_index(ID_ZHANG)


def test_the_import_audit_masks_an_id_number_in_the_file_name(delivered, importer, tmp_path):
    from xinfang.exchange.importer import import_file

    path = tmp_path / f"张小三{ID_ZHANG}.jsonl"
    path.write_text('{"type": "meta"}\n', encoding="utf-8")
    import_file(path=path, actor=importer)
    event = AuditEvent.objects.get(action="exchange.import")
    assert ID_ZHANG not in json.dumps(event.data) and event.data["file"] == "张小三1101**********002X.jsonl"
