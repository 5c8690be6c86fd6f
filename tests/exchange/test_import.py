"""Import: export → import round-trips through the live rules; bad rows are reported by row and column."""

import copy
import io
import json
import random

import pytest
from django.core.management import CommandError, call_command

from xinfang.audit.models import AuditEvent
from xinfang.exchange.export import export_queryset, petition_records, write_csv, write_xlsx
from xinfang.exchange.importer import IMPORTED_EVENT, ImportFileError, count_rows, import_file, import_records
from xinfang.exchange.models import ImportedRecord
from xinfang.orgs.models import Org
from xinfang.petitions.models import Category, HotTopic, Petition
from xinfang.petitions.selectors import PetitionFilters

pytestmark = pytest.mark.django_db


def exported(*, unmask: bool = True, source: str = "old-system") -> dict:
    """The one exported record, under another source system so it imports as a new petition here."""
    (record,) = petition_records(queryset=export_queryset(user=None, filters=PetitionFilters()), unmask=unmask)
    return {**record, "source_system": source}


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), encoding="utf-8")
    return path


def shape(petition: Petition) -> dict:
    return {
        "status": petition.status, "outcome": petition.outcome, "handling_org": petition.handling_org_id,
        "events": [event.kind for event in petition.events.exclude(kind=IMPORTED_EVENT).order_by("id")],
        "clocks": sorted((clock.kind, clock.statutory_due, clock.stopped_on) for clock in petition.clocks.all()),
        "notices": sorted(notice.kind for notice in petition.notices.all()),
        "evaluations": [(e.rating, e.rated_by, e.rated_on) for e in petition.evaluations.all()],
    }


def test_round_trip_gives_the_same_case_events_clocks_and_notices(delivered, importer, tmp_path):
    record = exported()
    report = import_file(path=write_jsonl(tmp_path / "in.jsonl", [record]), actor=importer)
    assert (report.created, report.skipped, report.errors) == (1, 0, [])
    imported = ImportedRecord.objects.get(source_system="old-system", external_id=delivered.number).petition
    assert imported.pk != delivered.pk
    assert shape(imported) == shape(delivered)
    # Registered for the record's 登记机构; its number is taken here, so the import numbers it anew.
    assert imported.registering_org == delivered.registering_org and imported.number != delivered.number
    note = imported.events.get(kind=IMPORTED_EVENT)
    assert (note.actor, note.actor_org, note.data["number_in_file"]) == (importer, delivered.registering_org,
                                                                          delivered.number)
    assert AuditEvent.objects.get(action="exchange.import_petition").target_id == str(imported.pk)
    assert AuditEvent.objects.get(action="exchange.import").data["created"] == 1

    again = import_file(path=tmp_path / "in.jsonl", actor=importer)
    assert (again.created, again.skipped, again.errors) == (0, 1, [])
    assert Petition.objects.count() == 2


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_csv_and_xlsx_round_trip_through_the_chinese_headers(delivered, importer, tmp_path, fmt):
    path = tmp_path / f"in.{fmt}"
    if fmt == "csv":
        with open(path, "w", encoding="utf-8", newline="") as out:
            write_csv(records=[exported()], out=out)
    else:
        write_xlsx(records=[exported()], out=str(path))
    report = import_file(path=path, actor=importer)
    assert (report.created, report.errors) == (1, [])
    imported = ImportedRecord.objects.get().petition
    assert shape(imported) == shape(delivered)


def test_three_bad_rows_among_thirty_are_reported_exactly(delivered, importer, tmp_path):
    good = exported()
    records = []
    for index in range(1, 31):
        record = copy.deepcopy(good)
        record["external_id"] = f"OLD-{index:03d}"
        records.append(record)
    records[4]["history"][1]["acted_on"] = "2026-13-01"  # row 5: a wrong date
    records[11]["locality"] = "999999"  # row 12: an unknown org code
    records[19]["history"][0], records[19]["history"][1] = records[19]["history"][1], records[19]["history"][0]
    path = write_jsonl(tmp_path / "thirty.jsonl", records)
    before = Petition.objects.count()

    report = import_file(path=path, actor=importer)
    assert [(error.row, error.column) for error in report.errors] == [
        (5, "历史(JSON)"), (12, "问题属地"), (20, "历史(JSON)")]
    assert "日期无效" in report.errors[0].message
    assert "999999" in report.errors[1].message
    assert "受理" in report.errors[2].message and "状态" in report.errors[2].message
    assert report.rolled_back and Petition.objects.count() == before
    assert not ImportedRecord.objects.exists()

    report = import_file(path=path, actor=importer, mode="good_rows")
    assert (report.created, report.failed) == (27, 3)
    assert Petition.objects.count() == before + 27


def test_a_corrupt_file_disguised_as_xlsx_changes_nothing(delivered, importer, tmp_path):
    path = tmp_path / "cases.xlsx"
    path.write_bytes(b"this is not a workbook" * 10)
    with pytest.raises(ImportFileError, match="不是有效的Excel"):
        import_file(path=path, actor=importer)
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import", str(path), "--user", "importer")
    assert Petition.objects.count() == 1 and not AuditEvent.objects.filter(action="exchange.import").exists()


def test_a_masked_record_is_refused_with_its_row(delivered, importer):
    report = import_records(records=[exported(unmask=False)], actor=importer)
    (error,) = report.errors
    assert (error.row, error.column) == (1, "信访人姓名") and "脱敏" in error.message
    assert Petition.objects.count() == 1


def test_the_command_prints_the_report_and_fails_on_bad_rows(delivered, importer, tmp_path, capsys):
    good = exported()
    bad = {**copy.deepcopy(good), "external_id": "BAD", "category": "nope"}
    path = write_jsonl(tmp_path / "two.jsonl", [{"type": "meta"}, good, bad])
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", str(path), "--user", "importer", "--mode", "good_rows", stdout=out)
    assert exit_info.value.code == 1
    assert "新增 1 件" in out.getvalue() and "第3行 问题分类：未知的问题分类代码：nope" in out.getvalue()
    event = AuditEvent.objects.get(action="exchange.import")
    assert (event.data["created"], event.data["failed"], len(event.data["sha256"])) == (1, 1, 64)


def test_the_import_needs_a_superuser(delivered, district, tmp_path):
    path = write_jsonl(tmp_path / "one.jsonl", [exported()])
    with pytest.raises(CommandError, match="超级管理员"):
        call_command("import", str(path), "--user", "clerk")


def test_full_reference_records_create_missing_orgs_and_codes_parents_first(district, category, importer):
    records = [
        {"type": "meta", "full": True},
        {"type": "org", "code": "500199", "parent": None, "name": "清溪区人民政府", "kind": "government",
         "level": "county", "region_code": "500199", "short_name": "", "number_prefix": "", "is_active": True},
        {"type": "org", "code": "500199103", "parent": "500199", "name": "红岩镇", "kind": "township",
         "level": "township", "region_code": "500199103", "short_name": "", "number_prefix": "", "is_active": True},
        {"type": "org", "code": "500199103/红岩镇司法所", "parent": "500199103", "name": "红岩镇司法所",
         "kind": "department", "level": "township", "region_code": "", "short_name": "", "number_prefix": "",
         "is_active": True},
        {"type": "category", "code": "99", "name": "其他", "parent": None, "sort_order": 0, "is_active": True},
        {"type": "category", "code": "9901", "name": "其他问题", "parent": "99", "sort_order": 0, "is_active": True},
        {"type": "hot_topic", "code": "HT-X", "name": "测试热点", "sort_order": 0, "is_active": True},
    ]
    report = import_records(records=records, actor=importer)
    assert report.errors == []
    town = Org.objects.get(region_code="500199103")
    assert town.parent == district.county
    assert Org.objects.get(name="红岩镇司法所").parent == town
    assert Category.objects.get(code="9901").parent.code == "99" and HotTopic.objects.filter(code="HT-X").exists()
    count = Org.objects.count()
    assert import_records(records=records, actor=importer).errors == [] and Org.objects.count() == count


def random_text(rng: random.Random, length: int) -> str:
    return "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(length))


@pytest.mark.slow
def test_three_bad_rows_among_ten_thousand_are_reported_exactly_and_nothing_is_imported(delivered, importer,
                                                                                         tmp_path):
    # Registration-only rows (the replay is covered above) with distinct text, as real files have: identical
    # rows would all be near-duplicates, and registration compares each new petition with its neighbours
    # (similarity, mass-matter clusters). ~20 ms a row: about four minutes.
    good = {**exported(), "history": [], "status": "registered", "outcome": "", "handling_org": None}
    rng = random.Random(10_000)
    bad = {  # file line → (key, value, column reported)
        18: ("received_at", "2026-02-30T09:00:00+08:00", "收到时间"),
        5_001: ("category", "9999", "问题分类"),
        10_000: ("locality", "999999", "问题属地"),
    }
    path = tmp_path / "ten-thousand.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        out.write('{"type": "meta", "format_version": 1}\n')  # line 1; petitions on lines 2 … 10,001
        for number in range(2, 10_002):
            record = {**good, "external_id": f"OLD-{number:05d}", "summary": "反映" + random_text(rng, 10),
                      "content": random_text(rng, 60), "demands": random_text(rng, 10)}
            if number in bad:
                key, value, _ = bad[number]
                record[key] = value
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    before = (Petition.objects.count(), ImportedRecord.objects.count())

    report = import_file(path=path, actor=importer)
    assert [(error.row, error.column) for error in report.errors] == [
        (number, column) for number, (_, _, column) in sorted(bad.items())]
    assert "2026-02-30" in report.errors[0].message and "9999" in report.errors[1].message
    assert "999999" in report.errors[2].message
    assert (report.failed, report.created, report.rolled_back) == (3, 0, True)
    assert (Petition.objects.count(), ImportedRecord.objects.count()) == before
    event = AuditEvent.objects.get(action="exchange.import")
    assert (event.data["failed"], event.data["rolled_back"]) == (3, True)


def test_rows_are_counted_for_the_progress_bar_in_every_form(delivered, tmp_path):
    records = [exported(), {**exported(), "external_id": "OLD-2"}]
    write_xlsx(records=records, out=str(tmp_path / "full.xlsx"), full=True)
    with open(tmp_path / "rows.csv", "w", encoding="utf-8", newline="") as out:
        write_csv(records=records, out=out)
    write_jsonl(tmp_path / "rows.jsonl", [{"type": "meta"}, *records])
    references = Org.objects.count() + Category.objects.count() + HotTopic.objects.count()
    assert count_rows(path=tmp_path / "full.xlsx") == 2 + references  # the reference sheets are read too
    assert count_rows(path=tmp_path / "rows.csv") == 2
    assert count_rows(path=tmp_path / "rows.jsonl") == 3


def test_a_reference_sheet_row_without_its_keys_is_reported_with_the_sheet(importer):
    report = import_records(records=[{"type": "org", "code": "500199/新机构", "name": "新机构", "_row": 4}],
                            actor=importer)
    assert [(error.row, error.column) for error in report.errors] == [(4, "机构")]
    assert "kind" in report.errors[0].message
