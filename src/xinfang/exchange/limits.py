"""What an import file may hold: rows per file, errors reported, text lengths, value types, dates.

An import file comes from outside. Before a record reaches either engine it is checked here, so a wrong
type (`"petitioners": "x"`, `"history": {…}`), a 10 MB cell or a date in year 1 is one row's error in
Chinese, never a traceback, and both engines (bulk, services) say exactly the same. A file with more rows
than the limit is refused before anything is read (`import_file`), and an import stops after MAX_ERRORS
bad rows (a sheet of two million bad rows would otherwise report two million errors).
"""

import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings

from xinfang.exchange.format import COLUMNS
from xinfang.exchange.people import USER_VALUES as PERSON_VALUES

# Rows (records) per file, and error rows reported before the import stops: settings, with these defaults.
DEFAULT_MAX_ROWS = 200_000
DEFAULT_MAX_ERRORS = 1_000
# The longest text a record's key may hold: the model field's max_length, else a bound near the web form's
# (信访内容 has no limit in the database; 20,000 characters is far beyond any real letter's summary of it).
TEXT_LIMITS: dict[str, int] = {
    "source_system": 100, "external_id": 100, "number": 40, "source_reference": 100, "summary": 200,
    "content": 20_000, "demands": 5_000, "repeat_of": 100,
}
PETITIONER_LIMITS: dict[str, int] = {"kind": 20, "name": 100, "id_number": 30, "phone": 30, "address": 200}
# Any other text (codes, org codes, labels, step values: the rules check their own, shorter limits).
OTHER_TEXT_LIMIT = 20_000
# Years a date may have: a petition of year 1 (or 9999) is a typing error, and would overflow the clocks.
MIN_YEAR, MAX_YEAR = 1900, 2100
# Integers beyond this are typing errors (and overflow the database's integer columns).
MAX_INTEGER = 2_000_000_000

PETITIONER_HEADERS = {"kind": "信访人类型", "name": "信访人姓名", "id_number": "证件号码", "phone": "联系电话",
                      "address": "住址", "is_representative": "代表"}
HEADERS_BY_KEY: dict[str, str] = {}
for _column in COLUMNS:
    if not _column.actions and _column.kind != "multi":
        HEADERS_BY_KEY.setdefault(_column.key, _column.header)
SCALAR_KEYS = [key for key, header in HEADERS_BY_KEY.items()
               if key not in ("hot_topics", "history", "evaluations", "notices")]
HISTORY = HEADERS_BY_KEY["history"]
SCALARS = (str, int, float, bool, Decimal, date, datetime)  # datetime/date: Excel date cells


def max_rows() -> int:
    return int(getattr(settings, "XINFANG_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def max_errors() -> int:
    return int(getattr(settings, "XINFANG_IMPORT_MAX_ERRORS", DEFAULT_MAX_ERRORS))


class RecordProblem(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


def year_in_range(value: date) -> bool:
    return MIN_YEAR <= value.year <= MAX_YEAR


def check_petition_record(record: dict[str, Any]) -> None:
    """Raise RecordProblem(column, message) for the first value of a wrong type, too long, or out of range."""
    for key in SCALAR_KEYS:
        _scalar(record.get(key), HEADERS_BY_KEY[key], TEXT_LIMITS.get(key, OTHER_TEXT_LIMIT))
    topics = record.get("hot_topics")
    if topics not in (None, ""):
        if not isinstance(topics, list):
            raise RecordProblem("热点领域", "应为热点领域代码的列表")
        for topic in topics:
            _scalar(topic, "热点领域", 30)
    people = record.get("petitioners")
    if people not in (None, ""):
        if not isinstance(people, list):
            raise RecordProblem("信访人姓名", "信访人应为列表，每位信访人一个对象")
        for position, person in enumerate(people, start=1):
            if not isinstance(person, dict):
                raise RecordProblem("信访人姓名", f"第{position}位信访人应为一个对象（含姓名、证件号码等）")
            for key, header in PETITIONER_HEADERS.items():
                _scalar(person.get(key), header, PETITIONER_LIMITS.get(key, 10), where=f"第{position}位信访人：")
    history = record.get("history")
    if history not in (None, ""):
        if not isinstance(history, list):
            raise RecordProblem(HISTORY, "办理历史应为步骤的列表（JSON数组）")
        for index, step in enumerate(history, start=1):
            _step(index, step)
    for key in ("evaluations", "notices"):  # not read by the import (see docs/IMPORT.md), only their shape
        if record.get(key) not in (None, "") and not isinstance(record[key], list):
            raise RecordProblem(HEADERS_BY_KEY[key], "应为列表（JSON数组）")


# A table cell holding JSON (历史(JSON)) may hold many steps; any other cell one value (or one per petitioner).
JSON_CELL_LIMIT = 1_000_000
MULTI_CELL_LIMIT = 20_000


def check_cells(cells: dict[str, Any]) -> None:
    """An Excel/CSV row, before it is read: no cell longer than its column may hold (10 MB cells are refused)."""
    for column in COLUMNS:
        value = cells.get(column.header)
        if not isinstance(value, str):
            continue
        if column.kind == "json":
            limit = JSON_CELL_LIMIT
        elif column.kind == "multi":
            limit = MULTI_CELL_LIMIT
        else:
            limit = TEXT_LIMITS.get(column.key, OTHER_TEXT_LIMIT) if not column.actions else 5_000
        if len(value) > limit:
            raise RecordProblem(column.header, f"内容过长：{len(value)}字，最多{limit}字")


def _step(index: int, step: Any) -> None:
    if not isinstance(step, dict):
        raise RecordProblem(HISTORY, f"第{index}步应为一个对象（含 action、acted_on、values）")
    where = f"第{index}步（{step.get('action') if isinstance(step.get('action'), str) else '?'}）："
    column = step.get("_column", HISTORY)
    for key in ("action", "acted_on", "from", "to", "notice", "actor_org", "note"):
        _scalar(step.get(key), column, OTHER_TEXT_LIMIT if key == "note" else 100, where=f"{where}{key}")
    values = step.get("values")
    if values in (None, ""):
        return
    if not isinstance(values, dict):
        raise RecordProblem(column, f"{where}values 应为一个对象")
    for key, value in values.items():
        if isinstance(value, dict) and key in PERSON_VALUES:  # a person: {username, name, org} (exchange.people)
            for part, text in value.items():
                _scalar(text, column, 150, where=f"{where}{key}.{part}")
            continue
        _scalar(value, column, OTHER_TEXT_LIMIT, where=f"{where}{key}")


def _scalar(value: Any, column: str, limit: int, *, where: str = "") -> None:
    if value is None:
        return
    if not isinstance(value, SCALARS):
        raise RecordProblem(column, f"{where}应为文字、数字或日期，不能是列表或对象")
    if isinstance(value, str) and len(value) > limit:
        raise RecordProblem(column, f"{where}内容过长：{len(value)}字，最多{limit}字")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER:
        raise RecordProblem(column, f"{where}数值超出范围：{value}")
    if isinstance(value, float | Decimal) and not (math.isfinite(value) if isinstance(value, float)
                                                    else value.is_finite()):
        raise RecordProblem(column, f"{where}不是有效的数值")
    if isinstance(value, date) and not year_in_range(value):
        raise RecordProblem(column, f"{where}日期超出范围（应在{MIN_YEAR}年至{MAX_YEAR}年之间）：{value}")
