"""Text that looks like a formula is written to Excel and CSV as text, and an import gives the same text back."""

import csv
import zipfile

import pytest
from openpyxl import load_workbook

from tests.exchange.test_import import exported
from xinfang.exchange.export import write_csv, write_xlsx
from xinfang.exchange.format import HEADERS
from xinfang.exchange.importer import import_file
from xinfang.exchange.models import ImportedRecord
from xinfang.petitions.models import Petition
from xinfang.stats.services import drilldown_workbook

pytestmark = pytest.mark.django_db

SUMMARY = '=HYPERLINK("http://evil.example/","点此查看")'
CONTENT = "＋1+1 全角加号开头的内容"
DEMANDS = "'=不是公式，本来就以撇号开头"
SOURCE_REFERENCE = "@SUM(1+1)"


@pytest.fixture
def dangerous(delivered):
    delivered.summary, delivered.content, delivered.demands = SUMMARY, CONTENT, DEMANDS
    delivered.source_reference = SOURCE_REFERENCE
    delivered.save()
    return delivered


def sheet_xml(path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode("utf-8")


def test_xlsx_writes_formula_like_text_as_string_cells(dangerous, tmp_path):
    path = tmp_path / "out.xlsx"
    write_xlsx(records=[exported()], out=str(path))
    assert "<f>" not in sheet_xml(path)  # no formula anywhere in the sheet
    workbook = load_workbook(path)  # not read-only: cell types and styles are visible
    sheet = workbook["信访事项"]
    row = {header: sheet.cell(row=2, column=index) for index, header in enumerate(HEADERS, start=1)}
    assert (row["概况"].value, row["概况"].data_type, row["概况"].quotePrefix) == (SUMMARY, "s", True)
    assert (row["来源编号"].value, row["来源编号"].data_type) == (SOURCE_REFERENCE, "s")
    assert row["信访内容"].value == CONTENT and row["信访内容"].quotePrefix


def test_csv_puts_an_apostrophe_before_formula_like_text(dangerous, tmp_path):
    path = tmp_path / "out.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        write_csv(records=[exported()], out=out)
    header, values = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines(keepends=True)))
    row = dict(zip(header, values, strict=True))
    assert row["概况"] == "'" + SUMMARY
    assert row["信访内容"] == "'" + CONTENT
    assert row["诉求"] == "'" + DEMANDS  # one more apostrophe, so the import can take exactly one off
    assert row["来源编号"] == "'" + SOURCE_REFERENCE
    assert row["信访件编号"] == dangerous.number  # ordinary text is untouched


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_import_of_the_export_gives_the_same_text(dangerous, importer, tmp_path, fmt):
    path = tmp_path / f"in.{fmt}"
    if fmt == "csv":
        with open(path, "w", encoding="utf-8", newline="") as out:
            write_csv(records=[exported()], out=out)
    else:
        write_xlsx(records=[exported()], out=str(path))
    report = import_file(path=path, actor=importer)
    assert (report.created, report.errors) == (1, [])
    imported = ImportedRecord.objects.get().petition
    assert (imported.summary, imported.content, imported.demands, imported.source_reference) == (
        SUMMARY, CONTENT, DEMANDS, SOURCE_REFERENCE)


def test_a_hand_made_csv_keeps_an_apostrophe_that_protects_nothing(dangerous, importer, tmp_path):
    path = tmp_path / "in.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        write_csv(records=[exported()], out=out)
    text = path.read_text(encoding="utf-8-sig").replace("'" + SUMMARY.replace('"', '""'), "'普通概况")
    path.write_text(text, encoding="utf-8")
    assert import_file(path=path, actor=importer).errors == []
    assert ImportedRecord.objects.get().petition.summary == "'普通概况"


def test_the_statistics_drilldown_writes_names_as_text(dangerous, tmp_path):
    locality = dangerous.locality
    locality.name = "=cmd|' /C calc'!A0"
    locality.save(update_fields=["name"])
    path = tmp_path / "drilldown.xlsx"
    drilldown_workbook(queryset=Petition.objects.all(), out=str(path), title="=标题")
    assert "<f>" not in sheet_xml(path)
    sheet = load_workbook(path)["信访事项"]
    assert (sheet["A1"].value, sheet["A1"].data_type) == ("=标题", "s")
    assert (sheet["E3"].value, sheet["E3"].data_type) == ("=cmd|' /C calc'!A0", "s")
