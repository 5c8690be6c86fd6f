"""Excel in and out of the prevention ledgers, in the layouts docs/PREVENTION.md documents.

Import reads an office's existing sheet (first worksheet, header row 1, one record a row), checks every row and
imports all or nothing: a single bad row and nothing is written; every bad row is named with its column and the
reason in Chinese (exchange.importer.RowError, the petitions import's own report pieces). Each good row goes
through the ledger's services (validation, scope, audit, history), as if typed on the page.
Export writes the rows a reader sees with formula-like text neutralised (exchange.cells).
"""

import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from xinfang.audit.services import audit_record
from xinfang.exchange import limits
from xinfang.exchange.cells import xlsx_row
from xinfang.exchange.importer import ImportFileError, ImportReport, RowError, _sheet_rows, _text
from xinfang.orgs.models import Org, User
from xinfang.orgs.selectors import user_scope_org_ids
from xinfang.prevention.permissions import require_office_reviewer

DATE_FORMATS = (r"(\d{4})-(\d{1,2})-(\d{1,2})", r"(\d{4})/(\d{1,2})/(\d{1,2})", r"(\d{4})\.(\d{1,2})\.(\d{1,2})",
                r"(\d{4})年(\d{1,2})月(\d{1,2})日")


class CellError(Exception):
    """One cell's problem: the column's header and the reason."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


class CellsError(ValidationError):
    """Several bad cells of one row, keyed by their headers (the import names each)."""

    def __init__(self, errors: list[CellError]) -> None:
        super().__init__({error.column: error.message for error in errors})


class RowReader:
    """One row's cells by key: each parse's problem is kept, so that a row names every bad cell at once."""

    def __init__(self, cells: dict[str, Any], headers: dict[str, str]) -> None:
        self.cells, self.headers, self.errors = cells, headers, []

    def text(self, key: str) -> str:
        return _text(self.cells.get(self.headers[key]))

    def fail(self, key: str, message: str) -> None:
        self.errors.append(CellError(self.headers[key], message))

    def take(self, parse: Callable[..., Any], key: str, *args: Any, needed: bool = False, **kwargs: Any) -> Any:
        """parse(cell, *args, column=header, **kwargs), or None with the problem kept; `needed`: not empty."""
        try:
            value = parse(self.cells.get(self.headers[key]), *args, column=self.headers[key], **kwargs)
        except CellError as error:
            self.errors.append(error)
            return None
        if needed and value is None:
            self.fail(key, "不能为空")
        return value

    def lookup(self, key: str, table: dict[str, Any], *, what: str, required: bool = False,
               scoped: bool = False) -> Any:
        """An entry of an editable list (or a record) by its name or number, as typed in the cell."""
        name = self.text(key)
        if not name:
            if required:
                self.fail(key, "不能为空")
            return None
        if name not in table:
            self.fail(key, f"没有“{name}”这一{what}" + ("，或不在本单位范围内" if scoped else ""))
            return None
        return table[name]

    def check(self) -> None:
        if self.errors:
            raise CellsError(self.errors)


@dataclass(frozen=True)
class SheetColumn:
    header: str
    key: str  # the service input's field (its errors name the column by it)
    required: bool = False
    import_only: bool = False
    export_only: bool = False


def parse_date(value: Any, *, column: str) -> date | None:
    """An Excel date cell, or 2026-03-02, 2026/3/2, 2026.3.2, 2026年3月2日; None for an empty cell."""
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        text = _text(value)
        if not text:
            return None
        for pattern in DATE_FORMATS:
            match = re.fullmatch(pattern, text)
            if match:
                try:
                    day = date(*(int(part) for part in match.groups()))
                except ValueError:
                    raise CellError(column, f"日期无效：{text}") from None
                break
        else:
            raise CellError(column, f"日期格式应为2026-03-02或2026年3月2日：{text}")
    if not limits.year_in_range(day):
        raise CellError(column, f"日期超出范围：{day.isoformat()}")
    return day


def parse_choice(value: Any, choices, *, column: str, required: bool = True) -> str:
    """A coded cell holds the label (what offices type) or the code."""
    text = _text(value)
    if not text:
        if required:
            raise CellError(column, "不能为空")
        return ""
    for code, label in choices:
        if text in (code, str(label)):
            return code
    raise CellError(column, f"“{text}”不是有效的{column}（可填：{'、'.join(str(label) for _, label in choices)}）")


def parse_int(value: Any, *, column: str, minimum: int = 0) -> int:
    text = _text(value)
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if not re.fullmatch(r"\d+", text):
        raise CellError(column, f"应为整数：{text or '（空）'}")
    number = int(text)
    if number < minimum:
        raise CellError(column, f"应不小于{minimum}")
    return number


def required_text(value: Any, *, column: str, max_length: int) -> str:
    text = _text(value)
    if not text:
        raise CellError(column, "不能为空")
    if len(text) > max_length:
        raise CellError(column, f"超过{max_length}字")
    return text


class OrgNames:
    """Orgs by name or 简称 within the importer's scope (each lookup once)."""

    def __init__(self, user: User) -> None:
        queryset = Org.objects.filter(is_active=True)
        scope = user_scope_org_ids(user=user)
        if scope is not None:
            queryset = queryset.filter(pk__in=scope)
        self._by_name: dict[str, list[Org]] = {}
        for org in queryset:
            for name in {org.name, org.short_name} - {""}:
                self._by_name.setdefault(name, []).append(org)

    def get(self, value: Any, *, column: str) -> Org:
        name = _text(value)
        if not name:
            raise CellError(column, "不能为空")
        found = self._by_name.get(name, [])
        if not found:
            raise CellError(column, f"没有名为“{name}”的机构，或不在本单位范围内")
        if len(found) > 1:
            raise CellError(column, f"名为“{name}”的机构不止一个，请填写全称")
        return found[0]


def read_sheet(path: Path, *, columns: Iterable[SheetColumn]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, header → cell) for every non-empty row of the first worksheet."""
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as error:
        raise ImportFileError(f"文件不是有效的Excel（.xlsx）文件，无法读取：{path.name}") from error
    try:
        rows = _sheet_rows(workbook.worksheets[0])
        header = next(rows, None)
        if header is None:
            raise ImportFileError("表格是空的：第1行应为列名")
        headers = [_text(cell) for cell in header]
        missing = [column.header for column in columns if column.required and column.header not in headers]
        if missing:
            raise ImportFileError(f"缺少必需的列：{'、'.join(missing)}")
        for number, values in enumerate(rows, start=2):
            if not any(_text(value) for value in values):
                continue
            if number - 1 > limits.max_rows():
                raise ImportFileError(f"行数超过上限（{limits.max_rows()}行），请分批导入")
            yield number, dict(zip(headers, values))
    finally:
        workbook.close()


def _row_errors(row: int, error: Exception, *, headers: dict[str, str]) -> list[RowError]:
    if isinstance(error, CellError):
        return [RowError(row, error.column, error.message)]
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        return [RowError(row, headers.get(key, ""), message)
                for key, messages in error.message_dict.items() for message in messages]
    messages = error.messages if isinstance(error, ValidationError) else [str(error)]
    return [RowError(row, "", message) for message in messages]


def sheet_import(*, path: Path, columns: tuple[SheetColumn, ...], actor: User, mode: str,
                 write_row: Callable[[dict[str, Any], int], Any], headers: dict[str, str]) -> ImportReport:
    """Check and write every row in one transaction; any bad row and the whole import is rolled back.

    `write_row(cells, row)` parses the row and calls the services (ValidationError, PermissionDenied); each row
    runs in its own savepoint so that every row is checked. `headers` names a column by an error's key.
    """
    require_office_reviewer(actor, action="导入台账")
    report = ImportReport(mode=mode)
    with transaction.atomic():
        for number, cells in read_sheet(path, columns=columns):
            if report.too_many_errors(number):
                break
            try:
                with transaction.atomic():
                    write_row(cells, number)
            except (CellError, ValidationError, PermissionDenied) as error:
                report.errors.extend(_row_errors(number, error, headers=headers))
            else:
                report.created += 1
        if report.errors:
            report.rolled_back = True
            report.created = 0
            transaction.set_rollback(True)
        else:
            audit_record(actor=actor, action=f"prevention.{mode}_import", target=None,
                         data={"file": path.name, "rows": report.created})
    return report


def sheet_write(*, out: BinaryIO, title: str, columns: Iterable[SheetColumn], rows: Iterable[list[Any]]) -> int:
    """An export workbook: the import's header (so an export imports back), one row per record; the row count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append([column.header for column in columns if not column.import_only])
    count = 0
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
        count += 1
    workbook.save(out)
    return count
