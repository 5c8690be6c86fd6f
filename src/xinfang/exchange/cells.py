"""Spreadsheet cells that can never run as formulas (CSV/formula injection, OWASP).

A text such as `=HYPERLINK("http://…","点此")` typed into a petition's summary would otherwise be written
to Excel and CSV as a live formula. Spreadsheet programs treat a cell as a formula when it starts with
`=`, `+`, `-` or `@` (also after a tab or carriage return, and some also accept the full-width ＝＋－＠).

- xlsx: such a text is written as a string cell (type forced, never `t="f"`) with Excel's own
  quotePrefix style — what Excel stores when a user types `'=…`. The stored text is unchanged, so
  reading the file back gives the same text and nothing needs reversing.
- CSV has no types: such a text gets a leading apostrophe (`'=…`), which spreadsheet programs show as
  text. A text that itself starts with an apostrophe gets one more, so `csv_unescape` can always take
  exactly one off and a round trip gives the original text.
"""

from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell

# Characters that make a spreadsheet program read a cell as a formula (or a DDE command).
FORMULA_STARTS = frozenset("=+-@\t\r\n＝＋－＠")
QUOTE = "'"


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value[:1] in FORMULA_STARTS


def csv_escape(value: Any) -> Any:
    """The CSV form of a cell: formula-like text (and text starting with an apostrophe) gets an apostrophe."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS | {QUOTE}:
        return QUOTE + value
    return value


def csv_unescape(value: Any) -> Any:
    """Undo `csv_escape`: one apostrophe is taken off only where `csv_escape` would have put it."""
    if isinstance(value, str) and value[:1] == QUOTE and value[1:2] in FORMULA_STARTS | {QUOTE}:
        return value[1:]
    return value


def xlsx_value(sheet: Any, value: Any) -> Any:
    """A value to append to an openpyxl sheet (write-only or not): formula-like text as a forced string cell."""
    if not is_formula_like(value):
        return value
    cell = WriteOnlyCell(sheet, value=value) if _write_only(sheet) else Cell(sheet, row=1, column=1, value=value)
    cell.data_type = "s"  # openpyxl made it "f" (formula) because the text starts with "="
    cell.quotePrefix = True
    return cell


def xlsx_row(sheet: Any, values: Any) -> list[Any]:
    return [xlsx_value(sheet, value) for value in values]


def _write_only(sheet: Any) -> bool:
    return type(sheet).__name__ == "WriteOnlyWorksheet"
