"""Bad input from outside: every case is one row's message in Chinese (row and column), the same from both
engines, and nothing is written; a file over the row limit is refused before it is read; an import stops
after too many bad rows."""

import copy
import csv
import io
import json
import time

import pytest
from openpyxl import Workbook

from tests.exchange.test_import import exported, write_jsonl
from xinfang.audit.models import AuditEvent
from xinfang.exchange.export import write_csv, write_xlsx
from xinfang.exchange.importer import ImportFileError, import_file, import_records
from xinfang.exchange.models import ImportedRecord
from xinfang.petitions.models import Petition

pytestmark = pytest.mark.django_db

ENGINES = ("services", "bulk")


def snapshot():
    return Petition.objects.count(), ImportedRecord.objects.count(), AuditEvent.objects.count()


def errors_of(report):
    return [(error.row, error.column, error.message) for error in report.errors]


def import_both(path=None, *, records=None, actor, mode="all_or_nothing"):
    """Import with each engine (nothing may be written); the reports' errors and notes, which must agree."""
    before = snapshot()
    results = {}
    for engine in ENGINES:
        if path is not None:
            report = import_file(path=path, actor=actor, engine=engine, mode=mode)
        else:
            report = import_records(records=copy.deepcopy(records), actor=actor, engine=engine, mode=mode)
        results[engine] = (errors_of(report), report.notes, report.created)
        if mode == "all_or_nothing":
            assert snapshot()[:2] == before[:2], engine  # no petition, no ImportedRecord
    if mode == "all_or_nothing":
        assert results["bulk"] == results["services"]
    else:  # the second engine finds the first one's good rows imported (skipped): compare what they refused
        assert results["bulk"][:2] == results["services"][:2]
    return results["bulk"]


def numbered(record, index):
    return {**copy.deepcopy(record), "external_id": f"LIMIT-{index:03d}"}


def test_values_of_the_wrong_type_are_row_errors(delivered, importer):
    good = exported()
    spoilt = {
        1: ("petitioners", "x"),
        2: ("history", {"action": "forward"}),
        3: ("summary", ["一", "二"]),
        4: ("hot_topics", "0301"),
        5: ("history", ["forward"]),
        6: ("history", [{"action": "forward", "acted_on": "2026-03-03", "values": ["x"]}]),
        7: ("petitioners", [["张小三"]]),
        8: ("person_times", 10**30),
        9: ("amount_involved", "NaN"),
    }
    records = []
    for index in range(1, 11):
        record = numbered(good, index)
        if index in spoilt:
            key, value = spoilt[index]
            record[key] = value
        records.append({**record, "_row": index})
    errors, _, created = import_both(records=records, actor=importer)
    assert [(row, column) for row, column, _ in errors] == [
        (1, "信访人姓名"), (2, "历史(JSON)"), (3, "概况"), (4, "热点领域"), (5, "历史(JSON)"), (6, "历史(JSON)"),
        (7, "信访人姓名"), (8, "人次"), (9, "涉及金额（元）")]
    assert "列表" in errors[0][2] and "第1步" in errors[4][2] and "values" in errors[5][2]
    assert created == 0


def test_deeply_nested_json_is_a_row_error(delivered, importer, tmp_path):
    good = exported()
    path = tmp_path / "nested.jsonl"
    lines = [json.dumps(numbered(good, 1), ensure_ascii=False), "[" * 100_000 + "]" * 100_000,
             json.dumps({**numbered(good, 3), "history": "x"}, ensure_ascii=False).replace(
                 '"history": "x"', '"history": ' + "[" * 50_000 + "]" * 50_000)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors, _, _ = import_both(path, actor=importer)
    assert [(row, column) for row, column, _ in errors] == [(2, ""), (3, "")]
    assert "嵌套" in errors[0][2]


def test_dates_out_of_range_are_row_errors(delivered, importer):
    good = exported()
    records = [numbered(good, 1), numbered(good, 2), numbered(good, 3)]
    records[0]["received_at"] = "0001-01-01T00:00:00+08:00"
    records[1]["history"][2]["acted_on"] = "0001-01-01"
    records[2]["received_at"] = "9999-12-31T23:59:59-12:00"
    errors, _, _ = import_both(records=records, actor=importer)
    assert [(row, column) for row, column, _ in errors] == [(1, "收到时间"), (2, "历史(JSON)"), (3, "收到时间")]
    assert "超出范围" in errors[0][2] and "第3步" in errors[1][2] and "0001-01-01" in errors[1][2]


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "xlsx"])
def test_a_ten_megabyte_content_cell_is_refused_under_its_column(delivered, importer, tmp_path, fmt):
    records = [numbered(exported(), 1), {**numbered(exported(), 2), "content": "长" * 10_000_000}]
    path = tmp_path / f"big.{fmt}"
    if fmt == "jsonl":
        write_jsonl(path, records)
    elif fmt == "csv":
        with open(path, "w", encoding="utf-8", newline="") as out:
            write_csv(records=records, out=out)
    else:
        write_xlsx(records=records, out=str(path))
    errors, _, _ = import_both(path, actor=importer)
    assert [(row, column) for row, column, _ in errors] == [(3 if fmt != "jsonl" else 2, "信访内容")]
    assert "过长" in errors[0][2] and "20000" in errors[0][2]


def test_a_wrong_id_check_digit_is_reported_under_the_id_column(delivered, importer):
    record = numbered(exported(), 1)
    record["petitioners"][0]["id_number"] = record["petitioners"][0]["id_number"][:17] + "1"
    errors, _, _ = import_both(records=[record], actor=importer)
    assert [(row, column) for row, column, _ in errors] == [(1, "证件号码")]
    assert "校验位" in errors[0][2]


def test_the_import_stops_after_too_many_bad_rows(delivered, importer, settings):
    settings.XINFANG_IMPORT_MAX_ERRORS = 3
    good = exported()
    records = [{**numbered(good, index), "category": "nope" if index % 2 else good["category"]}
               for index in range(1, 11)]  # rows 1, 3, 5, 7, 9 are bad
    errors, notes, _ = import_both(records=records, actor=importer, mode="good_rows")
    assert [row for row, _, _ in errors] == [1, 3, 5]
    assert notes == ["出错已达3行，导入已停止：自第6行起未检查，也未导入"]
    # good_rows: rows 2 and 4 were imported by each engine in turn; rows 6 … 10 never
    assert sorted(ImportedRecord.objects.values_list("external_id", flat=True)) == ["LIMIT-002", "LIMIT-004"]


def test_a_file_over_the_row_limit_is_refused_before_it_is_read(delivered, importer, settings, tmp_path):
    settings.XINFANG_IMPORT_MAX_ROWS = 5
    records = [numbered(exported(), index) for index in range(1, 7)]
    path = write_jsonl(tmp_path / "six.jsonl", records)
    before = snapshot()
    with pytest.raises(ImportFileError, match="上限5行"):
        import_file(path=path, actor=importer)
    assert snapshot() == before


def test_a_sheet_bomb_is_refused_at_once_from_its_dimension(delivered, importer, tmp_path):
    # A tiny file that declares a million rows (one cell far down): refused from the stored dimension.
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "信访事项"
    sheet.append(["来源系统", "外部编号"])
    sheet.cell(row=1_000_000, column=1, value="x")
    path = tmp_path / "bomb.xlsx"
    workbook.save(path)
    before = snapshot()
    started = time.monotonic()
    with pytest.raises(ImportFileError, match="至少999,999行"):
        import_file(path=path, actor=importer)
    assert time.monotonic() - started < 5
    assert snapshot() == before


def test_a_sheet_declaring_every_column_is_read_as_wide_as_its_header(delivered, importer, tmp_path):
    path = tmp_path / "wide.xlsx"
    write_xlsx(records=[numbered(exported(), 1)], out=str(path))
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    workbook["信访事项"].cell(row=2, column=16_384, value="far right")  # XFD2
    workbook.save(path)
    report = import_file(path=path, actor=importer)
    assert (report.created, report.errors) == (1, [])


def test_the_row_limit_also_holds_when_the_count_cannot_be_trusted(delivered, importer, settings):
    settings.XINFANG_IMPORT_MAX_ROWS = 2
    records = [numbered(exported(), index) for index in range(1, 4)]
    with pytest.raises(ImportFileError, match="上限2行"):
        import_records(records=records, actor=importer)
    assert not ImportedRecord.objects.exists()


def test_csv_with_a_deeply_nested_history_cell_is_a_row_error(delivered, importer, tmp_path):
    out = io.StringIO()
    write_csv(records=[numbered(exported(), 1)], out=out)
    header, row = list(csv.reader(out.getvalue().lstrip("\ufeff").splitlines(keepends=True)))
    row[header.index("历史(JSON)")] = "[" * 200_000 + "]" * 200_000
    path = tmp_path / "nested.csv"
    with open(path, "w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([header, row])
    errors, _, _ = import_both(path, actor=importer)
    assert [(r, column) for r, column, _ in errors] == [(2, "历史(JSON)")]


def test_a_sheet_without_a_stored_dimension_is_counted_from_the_archive(delivered, importer, settings, tmp_path):
    # openpyxl's write-only files store no dimension; openpyxl would parse the whole sheet just to open it.
    settings.XINFANG_IMPORT_MAX_ROWS = 1_000
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("信访事项")
    sheet.append(["来源系统", "外部编号"])
    for index in range(5_000):
        sheet.append(["x", str(index)])
    path = tmp_path / "no-dimension.xlsx"
    workbook.save(path)
    with pytest.raises(ImportFileError, match="上限1,000行"):
        import_file(path=path, actor=importer)
    assert not ImportedRecord.objects.exists()
