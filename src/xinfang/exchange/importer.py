"""Import petitions with their history (docs/IMPORT.md): every row goes through the live services.

A petition is registered with `petition_register` and its steps are replayed with `petition_act`, so an
imported matter passes exactly the checks, clocks and notices a live one does. The importing superuser acts
on behalf of the record's 登记机构 (registration) and of each step's org (the steps): the services read the
org from the actor, so they get an unsaved copy of the superuser with that org (`_Importer.on_behalf_of`).
The file's petition and notice numbers are kept when they are free (see `_reserve_number`).
"""

import copy
import csv
import hashlib
import io
import itertools
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from xinfang.audit.services import audit_record
from xinfang.exchange import limits, people
from xinfang.exchange.cells import csv_unescape
from xinfang.exchange.export import mask_identifiers
from xinfang.exchange.format import (
    ACTION_LABELS,
    COLUMNS,
    EXAMPLE_MARK,
    LIST_SEPARATOR,
    MULTI_SEPARATOR,
    YES,
    Column,
    code_of,
    label_of,
    org_codes,
)
from xinfang.exchange.judged import ImportedRow, Judged, judge_rows
from xinfang.exchange.models import ImportedRecord
from xinfang.matching.services import skip_level_decide
from xinfang.orgs.models import Org, User
from xinfang.orgs.services import org_create
from xinfang.petitions.models import (
    Category,
    HotTopic,
    NumberSequence,
    Petition,
    PetitionEvent,
    Petitioner,
    PetitionStatus,
)
from xinfang.petitions.services import PetitionerInput, PetitionInput, petition_register
from xinfang.workflow.choices import Outcome, ReviewRefusalReason
from xinfang.workflow.fields import FIELDS
from xinfang.stats import rollup as stats_rollup
from xinfang.workflow.models import Clock, Notice
from xinfang.workflow.services import petition_act

MODES = ("all_or_nothing", "good_rows")
ENGINES = ("bulk", "services")
# The case event that records an import (who, for which office, from which system).
IMPORTED_EVENT = "imported"
# Petition numbers as Xinfang writes them (petitions.services.format_number): PREFIX-YEAR-NNNNNN.
NUMBER_FORM = re.compile(r"(?P<prefix>.+)-(?P<year>\d{4})-(?P<sequence>\d{6,})")
PROGRESS_EVERY = 1000
HISTORY = "历史(JSON)"
MASK = "*"
# Step values that name orgs: exchanged as org codes, given to the rules as ids.
ORG_VALUES = ("handling_org", "pathway_org", "reviewing_org")
# Record keys → the Chinese header reported for them (the first column reading that key).
HEADER_OF: dict[str, str] = {}
for _column in COLUMNS:
    if not _column.actions:
        HEADER_OF.setdefault(_column.key.split(".")[0] if _column.kind == "multi" else _column.key, _column.header)
HEADER_OF.update({"petitioners": "信访人姓名", "category_id": "问题分类", "locality_id": "问题属地",
                  "complained_org_id": "被反映单位", "hot_topic_codes": "热点领域", "history": HISTORY})


JSON_TOO_DEEP = "JSON嵌套层数过多或数值位数过多，无法读取"


class ImportFileError(ValidationError):
    """The file as a whole cannot be read (corrupt, not the format its name says); nothing was imported."""


@dataclass(frozen=True)
class RowError:
    """One refused row: its number in the file, the column (Chinese header) and the reason in Chinese."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行 {self.column}：{self.message}"


@dataclass
class ImportReport:
    mode: str
    created: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    rolled_back: bool = False
    notes: list[str] = field(default_factory=list)  # what the import left for a later command
    stopped_at: int | None = None  # the first row not read, when the import stopped after too many errors
    # 初件/重件 and 越级 (exchange/judged.py): rows whose file named a 初件; the judgement's proposals and the rows
    # the 越级 rule found 越级 where the file is silent, each (row, line with the reasons); rows the file says 越级.
    repeats_given: int = 0
    proposals: list[tuple[int, str]] = field(default_factory=list)
    skip_level_given: int = 0
    skip_level_decided: list[tuple[int, str]] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len({error.row for error in self.errors})

    def forget_written(self) -> None:
        """All or nothing with a bad row: nothing was kept, so nothing was created, judged or left to do."""
        self.rolled_back, self.created, self.notes = True, 0, []
        self.repeats_given, self.proposals, self.skip_level_given, self.skip_level_decided = 0, [], 0, []

    def too_many_errors(self, row: int) -> bool:
        """True (and the report says where it stopped) once limits.max_errors() rows have failed.

        Both engines ask before each record, so both stop at the same row.
        """
        if self.stopped_at is None and len(self.errors) >= limits.max_errors():
            self.stopped_at = row
        return self.stopped_at is not None

    @property
    def stop_note(self) -> str:
        return (f"出错已达{limits.max_errors()}行，导入已停止：自第{self.stopped_at}行起未检查，也未导入"
                if self.stopped_at is not None else "")


def checked_records(records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Records as the engines take them: a record of a wrong shape becomes that row's error (limits.py).

    Also the last guard of the row limit (a sheet whose stored dimension understates its rows).
    """
    for index, record in enumerate(records, start=1):
        if index > limits.max_rows():
            raise ImportFileError(f"文件超过每次导入的上限{limits.max_rows():,}行，未导入；请分成多个文件")
        row = record.get("_row", index)
        if "_error" not in record and record.get("type", "petition") == "petition":
            try:
                limits.check_petition_record(record)
                codes_from_labels(record)
                check_old_review_refusals(record)
            except limits.RecordProblem as problem:
                yield {"_row": row, "_error": (problem.column, problem.message)}
                continue
        yield record


# The record's coded keys (Excel's reader has already turned their labels into codes; JSON lines may not have).
CHOICE_KEYS: dict[str, Any] = {column.key: column.choices for column in COLUMNS
                               if column.kind == "choice" and not column.actions}


def codes_from_labels(record: dict[str, Any]) -> None:
    """Coded values given as Chinese labels become codes, in place: the registration, petitioners and steps.

    docs/IMPORT.md: the code in JSON lines, the label in Excel, and a reader accepts either. Without this a
    label in JSON lines reached the services, which refused it with a message listing that same label.
    Done before either engine sees the record, so both take the same values.
    """
    for key, choices in CHOICE_KEYS.items():
        if key in record:
            record[key] = code_of(choices, record[key])
    for person in record.get("petitioners") or []:
        if isinstance(person, dict) and "kind" in person:
            person["kind"] = code_of(Petitioner.Kind, person["kind"])
    for step in record.get("history") or []:
        values = step.get("values") if isinstance(step, dict) else None
        if not isinstance(values, dict):
            continue
        for name, value in values.items():
            spec = FIELDS.get(name)
            if spec is not None and spec.choices is not None:
                values[name] = code_of(spec.choices, value)


# The review conclusion 不予受理 of files written before refuse_review / refuse_re_review existed.
OLD_NOT_ACCEPTED = ("not_accepted", "不予受理")
# decide_review → (the request step, the refusal action, its label, the article)
OLD_REFUSALS = {
    "decide_review": ("request_review", "refuse_review", "复查", "第三十五条"),
    "decide_re_review": ("request_re_review", "refuse_re_review", "复核", "第三十六条"),
}


def old_review_refusal_message(action: str) -> str:
    """What to write instead of a review opinion 不予受理 (the refusal is its own action since issue 12)."""
    request, refusal, what, article = OLD_REFUSALS[action]
    reasons = "、".join(f"{code}（{label}）" for code, label in ReviewRefusalReason.choices)
    return (f"{what}结论“不予受理”已停用：{what}申请不予受理不是{what}意见，另有操作 {refusal}"
            f"（{what}申请不予受理，《信访工作条例》{article}），不改变状态，出具{what}申请不予受理告知书。"
            f"请删去本步和未受理的那次{what}申请（{request}），改写一步 {refusal}，values 为 review_refusal_reason"
            f"（{reasons}之一）和可选的 reason，actor_org 为收到申请的机关，并按此核对状态")


def check_old_review_refusals(record: dict[str, Any]) -> None:
    """Refuse a step in the old form (复查/复核意见 with conclusion 不予受理), saying what to write instead.

    Not converted: the old step carried no reason from the closed list the refusal needs (checked for truth,
    Arts 35–36), and it moved the matter on to 已复查 with a re-review window, where a refusal changes nothing.
    Converting would invent the reason and a different procedure; the office that holds the file knows both.
    """
    for index, step in enumerate(record.get("history") or [], start=1):
        if not isinstance(step, dict) or step.get("action") not in OLD_REFUSALS:
            continue
        values = step.get("values") or {}
        if isinstance(values, dict) and values.get("review_outcome") in OLD_NOT_ACCEPTED:
            raise limits.RecordProblem(step.get("_column", HISTORY), f"第{index}步（{step['action']}）："
                                       + old_review_refusal_message(step["action"]))


def derived_mismatch(record: dict[str, Any], petition: Petition) -> "_RowFailure | None":
    """The file's 状态 or 处理结果 that the replayed history does not give, in Chinese labels (both engines)."""
    for key, choices in (("status", PetitionStatus), ("outcome", Outcome)):
        expected, derived = record.get(key), getattr(petition, key)
        if expected and derived != expected:
            return _RowFailure(HEADER_OF[key], f"与办理历史推出的结果不一致：文件为“{label_of(choices, expected)}”，"
                                               f"按历史应为“{label_of(choices, derived) or '（空）'}”")
    return None


class _RowFailure(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


# --- readers: each yields records (the JSON lines form) with their row number under "_row" ----------


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8-sig") as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                yield {"_row": number, "_error": ("", f"不是有效的JSON：{error.msg}")}
                continue
            except (RecursionError, ValueError):  # nested thousands deep; an integer of thousands of digits
                yield {"_row": number, "_error": ("", JSON_TOO_DEEP)}
                continue
            if not isinstance(record, dict):
                yield {"_row": number, "_error": ("", "每行应为一个JSON对象")}
                continue
            yield {**record, "_row": number}


def _choice_code(column: Column, value: str) -> str:
    """A coded cell holds the label (what offices type) or the code; both are accepted."""
    if column.choices is None or not value:
        return value
    for code, label in column.choices.choices:
        if value in (code, str(label)):
            return code
    raise _RowFailure(column.header, f"“{value}”不是有效的{column.header}")


def _bool(value: Any) -> bool:
    return value is True or str(value).strip() in (YES, "1", "true", "True", "TRUE")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def row_to_record(*, cells: dict[str, Any]) -> dict[str, Any]:
    """An Excel/CSV row (header → cell) as a record; raises _RowFailure naming the bad column."""
    record: dict[str, Any] = {"type": "petition"}
    people: dict[str, list[str]] = {}
    steps_given = False
    for column in COLUMNS:
        raw = cells.get(column.header)
        if column.actions:
            steps_given = steps_given or _text(raw) != ""
            continue
        if column.kind == "multi":
            people[column.key.split(".", 1)[1]] = _text(raw).split(MULTI_SEPARATOR) if _text(raw) else []
            continue
        if column.kind == "datetime" and isinstance(raw, datetime):
            record[column.key] = raw  # an Excel date-time cell
            continue
        text = _text(raw)
        if column.kind == "bool":
            record[column.key] = _bool(text)
        elif column.kind == "choice":
            record[column.key] = _choice_code(column, text)
        elif column.kind == "codes":
            record[column.key] = [code.strip() for code in text.split(LIST_SEPARATOR) if code.strip()]
        elif column.kind == "json":
            try:
                record[column.key] = json.loads(text) if text else []
            except json.JSONDecodeError:
                raise _RowFailure(column.header, "不是有效的JSON") from None
            except (RecursionError, ValueError):
                raise _RowFailure(column.header, JSON_TOO_DEEP) from None
        elif column.kind in ("org", "decimal") or column.key == "repeat_of":
            record[column.key] = text or None
        else:
            record[column.key] = text
    count = max((len(values) for values in people.values()), default=0)
    kinds = {str(label): code for code, label in Petitioner.Kind.choices}
    record["petitioners"] = [
        {"kind": kinds.get(part(people, "kind", index), part(people, "kind", index) or Petitioner.Kind.PERSON),
         "name": part(people, "name", index), "id_number": part(people, "id_number", index),
         "phone": part(people, "phone", index), "address": part(people, "address", index),
         "is_representative": _bool(part(people, "is_representative", index))}
        for index in range(count)
    ]
    if steps_given and not record.get("history"):
        record["history"] = history_from_step_columns(cells=cells, record=record)
    return record


# Required step values that no step column carries: a hand-made sheet gets this text (the rules need one).
NOT_GIVEN = "（按表格步骤列导入，原表未载明）"
STEP_DEFAULTS: dict[str, dict[str, str]] = {
    "reply": {"facts": NOT_GIVEN, "decision": NOT_GIVEN, "legal_basis": NOT_GIVEN},
    "extend": {"reason": NOT_GIVEN},
    "decide_review": {"reasons": NOT_GIVEN},
    "decide_re_review": {"reasons": NOT_GIVEN},
}
# Step values taken from the row's registration columns: forward → 责任单位, reply → 处理结果, redirect → 法定途径.
STEP_FROM_RECORD: dict[str, tuple[str, str]] = {
    "forward": ("handling_org", "handling_org"), "reply": ("outcome", "outcome"),
    "redirect": ("legal_pathway", "legal_pathway")}


def history_from_step_columns(*, cells: dict[str, Any], record: dict[str, Any]) -> list[dict[str, Any]]:
    """The history of a row without 历史(JSON): one step per filled date column (docs/IMPORT.md).

    A date column gives the first of its actions (转送 → forward, 不予受理 → reject, 答复 → reply); the
    value columns after it fill that step; 延期天数 (no date column of its own) is an extension dated on
    the 受理日期. Steps are replayed in date order, ties in procedure order (the order of COLUMNS). Each
    step remembers its date column, so a refused step is reported under that column.
    """
    steps: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for column in COLUMNS:
        if not column.actions:
            continue
        raw = cells.get(column.header)
        text = _text(raw)
        if column.key == "acted_on":
            current = None
            if not text:
                continue
            try:
                acted_on = _date(raw).isoformat()
            except ValueError:
                raise _RowFailure(column.header, f"日期无效：{text}") from None
            action = column.actions[0]
            current = {"action": action, "acted_on": acted_on, "values": dict(STEP_DEFAULTS.get(action, {})),
                       "_column": column.header}
            if action in STEP_FROM_RECORD:
                value_key, record_key = STEP_FROM_RECORD[action]
                if record.get(record_key) not in (None, ""):
                    current["values"][value_key] = record[record_key]
            steps.append(current)
            continue
        if not text:
            continue
        value: Any = text
        if column.key == "review_outcome" and text in OLD_NOT_ACCEPTED and current is not None:
            # Steps columns cannot express the refusal (no column for it): say so, and what to write instead.
            raise _RowFailure(column.header, old_review_refusal_message(current["action"])
                              + "；表格步骤列无法表示，请在历史(JSON)中填写")
        if column.kind == "choice":
            value = _choice_code(column, text)
        elif column.kind == "int":
            try:
                value = int(text)
            except ValueError:
                raise _RowFailure(column.header, f"应为整数：{text}") from None
        if column.key == "days":  # 延期天数
            accept = next((step for step in steps if step["action"] == "accept"), None)
            if accept is None:
                raise _RowFailure(column.header, "填写了延期天数，但没有受理日期")
            steps.append({"action": "extend", "acted_on": accept["acted_on"],
                          "values": {**STEP_DEFAULTS["extend"], "days": value}, "_column": column.header})
            continue
        if current is None or current["action"] not in column.actions:
            raise _RowFailure(column.header, "填写了此列，但没有填写对应的日期列")
        current["values"][column.key] = value
    order = {action: index for index, action in enumerate(
        action for column in COLUMNS if column.key == "acted_on" for action in column.actions[:1])}
    order["extend"] = order["accept"]
    return sorted(steps, key=lambda step: (step["acted_on"], order[step["action"]]))


def part(people: dict[str, list[str]], name: str, index: int) -> str:
    values = people.get(name) or []
    return values[index].strip() if index < len(values) else ""


def _table_records(rows: Iterator[tuple[Any, ...]], *, first_row: int = 1) -> Iterator[dict[str, Any]]:
    header = next(rows, None)
    if header is None:
        return
    headers = [_text(cell) for cell in header]
    missing = [column.header for column in COLUMNS if column.required and column.header not in headers]
    if missing:
        raise ImportFileError(f"缺少必需的列：{'、'.join(missing)}")
    for number, values in enumerate(rows, start=first_row + 1):
        if not any(_text(value) for value in values):
            continue
        cells = dict(zip(headers, values))
        if _text(cells.get("来源系统")).startswith(EXAMPLE_MARK):
            continue  # the template's example row
        try:
            limits.check_cells(cells)
            yield {**row_to_record(cells=cells), "_row": number}
        except (_RowFailure, limits.RecordProblem) as failure:
            yield {"_row": number, "_error": (failure.column, failure.message)}


def _read_csv(path: Path) -> Iterator[dict[str, Any]]:
    # The csv module refuses a field over 128 KiB with an English error that ends the whole file; a file is
    # at most IMPORT_MAX_BYTES, so take any field and let limits.py refuse a too long cell by its row and column.
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            # The export put an apostrophe before formula-like text (exchange.cells): take it off.
            yield from _table_records([csv_unescape(cell) for cell in row] for row in csv.reader(stream))
    except UnicodeDecodeError:
        raise ImportFileError("CSV文件应为UTF-8编码") from None


def _read_xlsx(path: Path) -> Iterator[dict[str, Any]]:
    try:
        # read_only streams the sheet's XML, so memory does not grow with the file.
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as error:
        raise ImportFileError(f"文件不是有效的Excel（.xlsx）文件，无法读取：{path.name}") from error
    try:
        # A --full export's reference sheets come first, so the petitions find their orgs and codes.
        for title, kind in REFERENCE_SHEETS:
            if title in workbook.sheetnames:
                yield from _reference_rows(_sheet_rows(workbook[title]), kind=kind)
        sheet = workbook.worksheets[0]
        yield from _table_records(_sheet_rows(sheet))
    finally:
        workbook.close()


CSV_FIELD_LIMIT = 256 * 1024 * 1024


def _sheet_rows(sheet: Any) -> Iterator[tuple[Any, ...]]:
    """A sheet's rows, no wider than its header: a sheet declaring 16,384 columns is read as its header's width."""
    header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), None)
    if header is None:
        return
    width = max((index for index, cell in enumerate(header, start=1) if _text(cell)), default=1)
    yield tuple(header[:width])
    yield from sheet.iter_rows(min_row=2, max_col=width, values_only=True)


# The sheets of a --full xlsx export (export.write_xlsx): title → record type; their headers are the keys.
REFERENCE_SHEETS = (("机构", "org"), ("问题分类", "category"), ("热点领域", "hot_topic"))


def _reference_rows(rows: Iterator[tuple[Any, ...]], *, kind: str) -> Iterator[dict[str, Any]]:
    """Reference records from a sheet written by export.write_xlsx (row numbers are the sheet's)."""
    header = next(rows, None)
    if header is None:
        return
    keys = [_text(cell) for cell in header]
    for number, values in enumerate(rows, start=2):
        if not any(_text(value) for value in values):
            continue
        record = {key: (None if value in (None, "") else value) for key, value in zip(keys, values) if key}
        for key in ("code", "parent", "name", "region_code", "short_name", "number_prefix", "kind", "level"):
            if record.get(key) is not None:
                record[key] = _text(record[key])  # a code typed as a number in Excel is still a code
        if "is_active" in record:
            record["is_active"] = record["is_active"] is None or _bool(record["is_active"])
        yield {**record, "type": kind, "_row": number}


READERS: dict[str, Callable[[Path], Iterator[dict[str, Any]]]] = {
    "jsonl": _read_jsonl, "json": _read_jsonl, "csv": _read_csv, "xlsx": _read_xlsx}


def read_file(*, path: Path) -> Iterator[dict[str, Any]]:
    reader = READERS.get(path.suffix.lower().lstrip("."))
    if reader is None:
        raise ImportFileError(f"不支持的文件类型：{path.suffix or '（无扩展名）'}（可导入 xlsx、csv、jsonl）")
    return reader(path)


def count_rows(*, path: Path, stop_after: int | None = None) -> int | None:
    """How many records the file holds, for a progress bar (cheap: lines or sheet dimensions), else None.

    With `stop_after` the count may stop once it is above that (the row limit: more is not needed).
    """
    kind = path.suffix.lower().lstrip(".")
    try:
        if kind in ("jsonl", "json"):
            with open(path, "rb") as stream:
                return sum(1 for line in stream if line.strip())
        if kind == "csv":
            with open(path, encoding="utf-8-sig", newline="") as stream:
                return max(sum(1 for _ in csv.reader(stream)) - 1, 0)
        if kind == "xlsx":
            workbook = load_workbook(path, read_only=True)
            try:
                titles = [workbook.worksheets[0].title, *(t for t, _ in REFERENCE_SHEETS if t in workbook.sheetnames)]
                counts = [workbook[title].max_row or _xml_rows(workbook[title], stop_after=stop_after)
                          for title in titles]
            finally:
                workbook.close()
            return sum(max(count - 1, 0) for count in counts)
    except (OSError, UnicodeDecodeError, csv.Error, zipfile.BadZipFile, InvalidFileException, KeyError):
        return None  # the import itself reports an unreadable file
    return None


def _xml_rows(sheet: Any, *, stop_after: int | None = None) -> int:
    """Rows of a sheet without a stored dimension (openpyxl's write-only files): count its <row> tags.

    Scanning the compressed XML is far cheaper than parsing every cell twice.
    """
    count, tail = 0, b""
    with sheet._get_source() as stream:  # the sheet's XML inside the archive
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            block = tail + chunk
            count += block.count(b"<row ") + block.count(b"<row>")
            if stop_after is not None and count > stop_after + 1:  # + 1: the header row
                return count
            tail = block[-5:]
            count -= tail.count(b"<row ") + tail.count(b"<row>")  # counted again with the next chunk
    return count + tail.count(b"<row ") + tail.count(b"<row>")


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]*\d*:?[A-Z]*(\d+)"')


def _xlsx_rows_upper_bound(path: Path, *, stop_after: int) -> int | None:
    """Rows of every sheet of an xlsx, read from the archive without openpyxl; stops above `stop_after`.

    openpyxl's read-only load parses each whole sheet that stores no dimension (to look for one), so a
    sheet bomb costs minutes before the first row is read: this scan counts first, in seconds.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            total = 0
            for name in archive.namelist():
                if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                    continue
                with archive.open(name) as stream:
                    head = stream.read(4096)
                    match = _DIMENSION.search(head)
                    if match is not None and int(match[1]) > 1:
                        total += int(match[1]) - 1
                        continue
                    total += max(_count_row_tags(head, stream, stop_after=stop_after - total) - 1, 0)
                if total > stop_after:
                    return total
            return total
    except (OSError, zipfile.BadZipFile, KeyError):
        return None  # the import reports an unreadable file


def _count_row_tags(head: bytes, stream: Any, *, stop_after: int) -> int:
    count, tail = 0, b""
    for chunk in itertools.chain([head], iter(lambda: stream.read(1 << 20), b"")):
        block = tail + chunk
        count += block.count(b"<row ") + block.count(b"<row>")
        if count > stop_after + 1:
            return count
        tail = block[-5:]
        count -= tail.count(b"<row ") + tail.count(b"<row>")
    return count + tail.count(b"<row ") + tail.count(b"<row>")


def file_sha256(*, path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- the import ---------------------------------------------------------------------------------


class _Importer:
    def __init__(self, *, actor: User, file_hash: str) -> None:
        self.actor, self.file_hash = actor, file_hash
        self._orgs: dict[str, Org] | None = None
        self._proxies: dict[int, User] = {}
        self._categories: dict[str, Category] | None = None
        # Users named by steps, by (username, org id): this system's account or None (exchange.people).
        self.accounts: dict[tuple[str, int], User | None] = {}
        self.row = 0  # the file's row being imported (for the report's lines)
        self.judged: list[Judged] = []  # what judge_rows made of each row created, until the caller keeps it

    @property
    def orgs(self) -> dict[str, Org]:
        if self._orgs is None:
            orgs = list(Org.objects.all())
            by_pk = {org.pk: org for org in orgs}
            self._orgs = {code: by_pk[pk] for pk, code in org_codes(orgs=orgs).items()}
        return self._orgs

    @property
    def categories(self) -> dict[str, Category]:
        if self._categories is None:
            self._categories = {category.code: category for category in Category.objects.all()}
        return self._categories

    def org(self, code: Any, key: str, *, required: bool = False) -> Org | None:
        if code in (None, ""):
            if required:
                raise _RowFailure(HEADER_OF[key], "必填")
            return None
        org = self.orgs.get(str(code))
        if org is None:
            raise _RowFailure(HEADER_OF[key], f"未知的机构代码：{code}")
        return org

    # reference records (--full): create what is missing, parents first (the export's order)
    def reference(self, record: dict[str, Any]) -> None:
        kind, code = record["type"], record.get("code")
        sheet = {"org": "机构", "category": "问题分类", "hot_topic": "热点领域"}[kind]
        needed = ("code", "name", "kind", "level") if kind == "org" else ("code", "name")
        missing = [key for key in needed if record.get(key) in (None, "")]
        if missing:
            raise _RowFailure(sheet, f"缺少字段：{'、'.join(missing)}")
        if kind == "org" and code not in self.orgs:
            parent = self.orgs.get(record["parent"]) if record.get("parent") else None
            if record.get("parent") and parent is None:
                raise _RowFailure("机构", f"未知的上级机构代码：{record['parent']}")
            org = org_create(name=record["name"], kind=record["kind"], level=record["level"], parent=parent,
                             region_code=record.get("region_code") or "", short_name=record.get("short_name") or "",
                             number_prefix=record.get("number_prefix") or "")
            if record.get("is_active") is False:
                org.is_active = False
                org.save(update_fields=["is_active"])
            self._orgs = None
            self._proxies = {}
        elif kind == "category" and code not in self.categories:
            parent = self.categories.get(record.get("parent")) if record.get("parent") else None
            if record.get("parent") and parent is None:
                raise _RowFailure("问题分类", f"未知的上级问题分类：{record['parent']}")
            Category.objects.create(code=code, name=record["name"], parent=parent,
                                    sort_order=record.get("sort_order") or 0, is_active=record.get("is_active", True))
            self._categories = None
        elif kind == "hot_topic" and not HotTopic.objects.filter(code=code).exists():
            HotTopic.objects.create(code=code, name=record["name"], sort_order=record.get("sort_order") or 0,
                                    is_active=record.get("is_active", True))

    def on_behalf_of(self, org: Org) -> User:
        """The importing administrator acting for `org`: an unsaved copy whose org is `org`.

        The services take the registering office and an event's org from the actor's org; the copy keeps
        the superuser's id (so the audit chain names the administrator) and is never saved.
        """
        proxy = self._proxies.get(org.pk)
        if proxy is None:
            proxy = copy.copy(self.actor)  # Django copies _state and its field cache with the instance
            proxy.org = org
            proxy.__dict__.pop("_scope_org_ids", None)
            self._proxies[org.pk] = proxy
        return proxy

    def petition(self, record: dict[str, Any]) -> bool:
        """Register and replay one record; False if it was imported before (a no-op)."""
        source, external = _text(record.get("source_system")), _text(record.get("external_id"))
        if not source:
            raise _RowFailure("来源系统", "必填")
        if not external:
            raise _RowFailure("外部编号", "必填")
        if ImportedRecord.objects.filter(source_system=source, external_id=external).exists():
            return False
        data = self._input(record)
        office = self.org(record.get("registering_org"), "registering_org", required=True)
        first = self._first_petition(source, record.get("repeat_of"))
        kept = self._reserve_number(office=office, number=_text(record.get("number")), received_at=data.received_at)
        try:
            petition, _ = petition_register(data=data, actor=self.on_behalf_of(office))
        except ValidationError as error:
            raise _failure(error, prefix="") from None
        if kept is not None:
            self._release_number(office=office, year=kept[0], sequence=kept[1], before=kept[2])
        for index, step in enumerate(record.get("history") or [], start=1):
            self._replay(petition, index, step, office=office)
        petition.refresh_from_db()
        mismatch = derived_mismatch(record, petition)
        if mismatch is not None:
            raise mismatch
        # 初件/重件 and 越级 (exchange/judged.py): the file's 初件 is the source system's decision; a file silent on
        # 越级 (an older system's) has the matching app decide, once the 初件 is set (as the bulk engine does).
        petition.first_petition = first
        skip_level_given = record.get("is_skip_level") not in (None, "")
        if skip_level_given:
            petition.is_skip_level = _bool(record.get("is_skip_level"))
        if first is not None or skip_level_given:
            petition.save(update_fields=["first_petition", "is_skip_level", "updated_at"])
        if first is not None and not skip_level_given:
            skip_level_decide(petition=petition)
        ImportedRecord.objects.create(source_system=source, external_id=external, petition=petition,
                                      file_sha256=self.file_hash)
        self._record_import(petition=petition, record=record, office=office, number_kept=kept is not None)
        # A row without 初件: the same-matter judgement proposes; the clerk confirms (as at registration).
        self.judged.append(judge_rows(rows=[ImportedRow(self.row, petition, first is not None, skip_level_given)],
                                      file_sha256=self.file_hash))
        return True

    def _record_import(self, *, petition: Petition, record: dict[str, Any], office: Org, number_kept: bool) -> None:
        """The case event and audit entry that say who imported the matter, from where, and for which office."""
        source, external = _text(record.get("source_system")), _text(record.get("external_id"))
        data = {"source_system": source, "external_id": external, "file_sha256": self.file_hash,
                "number_in_file": _text(record.get("number")), "number_kept": number_kept,
                "on_behalf_of": {"id": office.pk, "name": office.name},
                "repeat_of": _text(record.get("repeat_of")),
                "first_petition": petition.first_petition.number if petition.first_petition_id else "",
                "is_skip_level": petition.is_skip_level}
        note = f"系统管理员{self.actor.get_username()}代{office.name}从“{source}”导入（外部编号 {external}）"
        if petition.first_petition_id:
            note += f"；重件（来源系统认定），初件为 {petition.first_petition.number}"
        if petition.is_skip_level:
            note += "；越级"
        PetitionEvent.objects.create(petition=petition, kind=IMPORTED_EVENT, title="导入", actor=self.actor,
                                     actor_org=office, occurred_at=timezone.now(), note=note[:500], data=data)
        audit_record(actor=self.actor, action="exchange.import_petition", target=petition,
                     data={**data, "number": petition.number})

    def _first_petition(self, source: str, repeat_of: Any) -> Petition | None:
        """The first petition of the matter a 重件 repeats: the referenced row's own first petition, or it."""
        reference = _text(repeat_of)
        if not reference:
            return None
        # Both look-ups are on unique keys: get(), not first(), whose ORDER BY id makes SQLite walk the table.
        try:
            earlier = ImportedRecord.objects.select_related("petition__first_petition").get(
                source_system=source, external_id=reference).petition
        except ImportedRecord.DoesNotExist:
            earlier = next(iter(Petition.objects.select_related("first_petition").filter(number=reference).order_by()[:1]),
                           None)
        if earlier is None:
            raise _RowFailure("重复信访关联编号", f"未找到所重复的信访事项：{reference}"
                                                  "（初件须已导入，或在同一文件中位于本行之前）")
        return earlier.first_petition or earlier

    def _reserve_number(self, *, office: Org, number: str, received_at: datetime) -> tuple[int, int, int] | None:
        """Make the office's next number the file's, if it is this office's form and free; else None.

        Returns (year, sequence, the sequence's value before). The file's number is kept when it reads as
        `PREFIX-YEAR-NNNNNN` with the office's prefix and the year received; the office's NumberSequence is
        set just below it for the registration and raised after it (`_release_number`), so later
        registrations continue after the highest imported number and no number is taken twice.
        """
        match = NUMBER_FORM.fullmatch(number or "")
        if match is None or match["prefix"] != office.display_prefix:
            return None
        year, sequence = int(match["year"]), int(match["sequence"])
        if year != timezone.localtime(received_at).year or sequence < 1:
            return None
        if Petition.objects.filter(Q(number=number) | Q(registering_org=office, year=year, sequence=sequence)).exists():
            return None
        row = NumberSequence.objects.select_for_update().filter(org=office, year=year).first()
        if row is None:
            NumberSequence.objects.create(org=office, year=year, last_value=sequence - 1)
            return year, sequence, 0
        before = row.last_value
        NumberSequence.objects.filter(pk=row.pk).update(last_value=sequence - 1)
        return year, sequence, before

    def _release_number(self, *, office: Org, year: int, sequence: int, before: int) -> None:
        NumberSequence.objects.filter(org=office, year=year).update(last_value=max(before, sequence))

    def _input(self, record: dict[str, Any]) -> PetitionInput:
        people = record.get("petitioners") or []
        for person in people:
            for key, header in (("name", "信访人姓名"), ("id_number", "证件号码"), ("phone", "联系电话"),
                                ("address", "住址")):
                if MASK in _text(person.get(key)):
                    raise _RowFailure(header, "个人信息已脱敏（含“*”），无法据此建立信访人身份；"
                                              "请使用完整导出（--unmask）的文件")
        category = self.categories.get(_text(record.get("category")))
        if category is None:
            raise _RowFailure("问题分类", f"未知的问题分类代码：{_text(record.get('category')) or '（空）'}")
        amount = record.get("amount_involved")
        try:
            amount = None if amount in (None, "") else Decimal(str(amount))
            if amount is not None and not amount.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            raise _RowFailure("涉及金额（元）", f"不是有效的金额：{amount}") from None
        person_times = record.get("person_times")
        try:
            person_times = None if person_times in (None, "") else int(person_times)
        except (TypeError, ValueError, OverflowError):
            raise _RowFailure("人次", f"应为整数：{str(person_times)[:50]}") from None
        if person_times is not None and person_times > limits.MAX_INTEGER:
            raise _RowFailure("人次", f"数值超出范围：{person_times}")
        return PetitionInput(
            channel=_text(record.get("channel")), received_at=_received_at(record.get("received_at")),
            summary=_text(record.get("summary")), content=_text(record.get("content")),
            category_id=category.pk, petition_type=_text(record.get("petition_type")),
            locality_id=self.org(record.get("locality"), "locality", required=True).pk,
            complained_org_id=getattr(self.org(record.get("complained_org"), "complained_org"), "pk", None),
            petitioners=[PetitionerInput(
                name=_text(person.get("name")), kind=_text(person.get("kind")) or Petitioner.Kind.PERSON,
                id_number=_text(person.get("id_number")), phone=_text(person.get("phone")),
                address=_text(person.get("address")), is_representative=bool(person.get("is_representative")))
                for person in people],
            person_times=person_times, demands=_text(record.get("demands")), amount_involved=amount,
            hot_topic_codes=list(record.get("hot_topics") or []),
            litigation_related=_bool(record.get("litigation_related")),
            urgency=_text(record.get("urgency")) or "normal", source_reference=_text(record.get("source_reference")),
        )

    def _replay(self, petition: Petition, index: int, step: dict[str, Any], *, office: Org) -> None:
        """One step through petition_act, taken for the org that took it in the source (else the office)."""
        where = f"第{index}步（{step.get('action', '?')}）"
        column = step.get("_column", HISTORY)
        try:
            acted_on = _date(step.get("acted_on"))
        except ValueError:
            raise _RowFailure(column, f"{where}：日期无效：{step.get('acted_on')}") from None
        values = dict(step.get("values") or {})
        for key in ORG_VALUES:
            if values.get(key) not in (None, ""):
                org = self.orgs.get(str(values[key]))
                if org is None:
                    raise _RowFailure(column, f"{where}：未知的机构代码：{values[key]}")
                values[key] = org.pk
        action = _text(step.get("action"))
        try:
            named = people.resolve_people(values, action=action, orgs=self.orgs, accounts=self.accounts, as_pk=True)
        except ValueError as error:
            raise _RowFailure(column, f"{where}：{error}") from None
        acting = office
        if step.get("actor_org"):
            acting = self.orgs.get(str(step["actor_org"]))
            if acting is None:
                raise _RowFailure(column, f"{where}：未知的办理机构代码：{step['actor_org']}")
        if named is not None:
            self._record_step(petition, action=action, acting=acting, values=values, acted_on=acted_on,
                              where=where, column=column)
            return
        try:
            petition_act(petition_id=petition.pk, action=_text(step.get("action")), actor=self.on_behalf_of(acting),
                         values=values, acted_on=acted_on, replaying=True)  # history from the source system
        except (ValidationError, PermissionDenied, ObjectDoesNotExist) as error:
            if isinstance(error, ObjectDoesNotExist):  # the acting org may not see the matter (Art 30 ¶3)
                error = PermissionDenied(f"办理机构“{acting.name}”无权办理该事项")
            failure = _failure(error, prefix=f"{where}：")
            raise _RowFailure(column, failure.message) from None
        if step.get("notice"):
            self._keep_notice_number(petition, _text(step["notice"]))

    def _record_step(self, petition: Petition, *, action: str, acting: Org, values: dict[str, Any], acted_on: date,
                     where: str, column: str) -> None:
        """A step naming a person without an account here, recorded as the source took it (exchange.people)."""
        petition = Petition.objects.select_for_update().get(pk=petition.pk)
        running = {clock.kind: clock for clock in Clock.objects.filter(petition=petition, stopped_on__isnull=True)}
        try:
            step = people.recorded_step(petition=petition, action=action, actor=self.on_behalf_of(acting),
                                        values=values, acted_on=acted_on, running=running)
        except (ValidationError, PermissionDenied) as error:
            raise _RowFailure(column, _failure(error, prefix=f"{where}：").message) from None
        stats_rollup.touch([petition.pk])
        petition.save(update_fields=["assignee", "version", "updated_at"])
        step.event.save()
        audit_record(actor=step.audit.actor, action=step.audit.action, target=petition, data=step.audit.data)

    def _keep_notice_number(self, petition: Petition, number: str) -> None:
        """Give the notice this step issued the file's number when it differs, is free and is the petition's.

        With the petition's number kept the numbers already agree; they differ when the source voided a
        notice by a correction (corrected steps are not exported: ZS2 where a fresh replay issues ZS1), or
        when the petition was renumbered here. Only a number of this petition (`NUMBER-…`) is taken: notice
        numbers then stay prefixed by their petition's, so a later petition's own notices never collide.
        """
        if not keepable_notice_number(petition_number=petition.number, number=number):
            return
        event = petition.events.filter(kind__in=ACTION_LABELS).order_by("-id").only("id", "data").first()
        issued = (event.data or {}).get("notice") if event else None
        if not issued or issued == number or Notice.objects.filter(number=number).exists():
            return
        Notice.objects.filter(petition=petition, number=issued).update(number=number)
        # The step's own event names its notice: same transaction, same step, so it names the kept number.
        # Through save(): an accusation's entered values are sealed in the field's pre_save, update() would not.
        event.petition = petition
        event.data = {**event.data, "notice": number}
        event.save(update_fields=["data"])


def keepable_notice_number(*, petition_number: str, number: str) -> bool:
    return number.startswith(f"{petition_number}-")


def _conflict(error: IntegrityError) -> _RowFailure:
    """A row the checks passed but the database refused (a unique number taken meanwhile, say)."""
    return _RowFailure("", f"与已有数据冲突，未导入该行（{error}）")


def _date(value: Any) -> date:
    """A step's date; ValueError if it is not one, or not in limits.MIN_YEAR … MAX_YEAR (year 1 overflows clocks)."""
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        day = date.fromisoformat(str(value).strip()[:10])
    if not limits.year_in_range(day):
        raise ValueError(str(value))
    return day


def _received_at(value: Any) -> datetime:
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(_text(value))
    except ValueError:
        raise _RowFailure("收到时间", f"日期时间无效：{_text(value) or '（空）'}") from None
    if not limits.year_in_range(moment):
        raise _RowFailure("收到时间", f"日期时间超出范围（应在{limits.MIN_YEAR}年至{limits.MAX_YEAR}年之间）："
                                      f"{_text(value)}")
    # A date-time without offset is Asia/Shanghai (the project's zone), as the format says.
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _failure(error: Exception, *, prefix: str) -> _RowFailure:
    """The first refusal of a service as (column, message)."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        key, messages = next(iter(error.message_dict.items()))
        parts = key.split(".")
        if parts[0] == "petitioners" and len(parts) == 3:  # petitioners.N.field: that field's column
            column = limits.PETITIONER_HEADERS.get(parts[2], HEADER_OF["petitioners"])
        else:
            column = HEADER_OF.get(parts[0], HEADER_OF.get(key, key))
        return _RowFailure(column, prefix + "；".join(messages))
    messages = error.messages if isinstance(error, ValidationError) else [str(error)]
    return _RowFailure("", prefix + "；".join(messages))


def import_records(
    *,
    records: Iterable[dict[str, Any]],
    actor: User,
    mode: str = "all_or_nothing",
    file_hash: str = "",
    progress: Callable[[int], None] | None = None,
    progress_every: int = PROGRESS_EVERY,
    report: ImportReport | None = None,
    engine: str = "bulk",
) -> ImportReport:
    """Import records; all_or_nothing runs in one transaction rolled back if any row failed.

    engine "bulk" (exchange.bulk) checks rows in memory and writes them in batches; "services" registers
    and replays each row through the live services, with a savepoint per row. Both refuse the same rows
    with the same messages and write the same rows (tests/exchange/test_bulk.py). good_rows commits each
    bulk batch (or each services row) on its own. `progress(rows)` is called every `progress_every`
    records; a caller passing its own `report` can read the counts so far from it (the upload page).
    """
    if mode not in MODES:
        raise ValueError(mode)
    if engine not in ENGINES:
        raise ValueError(engine)
    if not actor.is_superuser:
        # Replayed steps are taken by many sides (office, handler, reviewer); only a superuser passes them all.
        # The superuser acts for the record's registering office and each step's org, so it needs no org.
        raise PermissionDenied("导入须由超级管理员执行")
    report = report or ImportReport(mode=mode)
    report.mode = mode
    importer = _Importer(actor=actor, file_hash=file_hash)
    records = checked_records(records)
    if engine == "bulk":
        from xinfang.exchange.bulk import BulkImporter  # the bulk engine builds on this module

        bulk = BulkImporter(importer=importer, report=report, progress=progress, progress_every=progress_every)
        if mode == "all_or_nothing":
            with transaction.atomic():
                bulk.run(records, transactional_batches=False)
                if report.errors:
                    transaction.set_rollback(True)
                    report.forget_written()
        else:
            bulk.run(records, transactional_batches=True)
        if report.stop_note:
            report.notes.append(report.stop_note)
        return report

    def run() -> None:
        for index, record in enumerate(records, start=1):
            row = record.get("_row", index)
            if report.too_many_errors(row):
                break
            if progress and index % progress_every == 0:
                progress(index)
            if "_error" in record:
                report.errors.append(RowError(row, *record["_error"]))
                continue
            kind = record.get("type", "petition")
            if kind == "meta":
                continue
            try:
                with transaction.atomic():
                    if kind == "petition":
                        importer.row = row
                        created = importer.petition(record)
                        report.created += created
                        report.skipped += not created
                    elif kind in ("org", "category", "hot_topic"):
                        importer.reference(record)
                    else:
                        raise _RowFailure("type", f"未知的记录类型：{kind}")
                if importer.judged:  # the row was kept: what the judgement made of it goes to the report
                    importer.judged.pop().add_to(report)
            except _RowFailure as failure:
                report.errors.append(RowError(row, failure.column, failure.message))
            except (ValidationError, PermissionDenied) as error:
                failure = _failure(error, prefix="")
                report.errors.append(RowError(row, failure.column, failure.message))
            except IntegrityError as error:
                failure = _conflict(error)
                report.errors.append(RowError(row, failure.column, failure.message))

    if mode == "all_or_nothing":
        with transaction.atomic():
            run()
            if report.errors:
                transaction.set_rollback(True)
                report.forget_written()
    else:
        run()
    if report.stop_note:
        report.notes.append(report.stop_note)
    return report


def import_file(
    *, path: Path, actor: User, mode: str = "all_or_nothing", progress: Callable[[int], None] | None = None,
    channel: str = "cli", progress_every: int = PROGRESS_EVERY, report: ImportReport | None = None,
    file_name: str = "", engine: str = "bulk",
) -> ImportReport:
    """Read, import and audit one file. A file that cannot be read raises ImportFileError, nothing changed."""
    digest = file_sha256(path=path)
    # Fail fast: the rows are counted (lines, CSV records, the sheets' stored dimensions) before any is read.
    if path.suffix.lower() == ".xlsx":
        total = _xlsx_rows_upper_bound(path, stop_after=limits.max_rows())
    else:
        total = count_rows(path=path, stop_after=limits.max_rows())
    if total is not None and total > limits.max_rows():
        raise ImportFileError(f"文件超过每次导入的上限{limits.max_rows():,}行（至少{total:,}行），未导入；"
                              "请分成多个文件")
    try:
        report = import_records(records=read_file(path=path), actor=actor, mode=mode, file_hash=digest,
                                progress=progress, progress_every=progress_every, report=report, engine=engine)
    except ImportFileError:
        raise
    except (UnicodeDecodeError, csv.Error, io.UnsupportedOperation) as error:
        raise ImportFileError(f"文件无法读取：{error}") from error
    with transaction.atomic():  # audit_record needs a transaction; the command line runs in autocommit
        audit_record(actor=actor, action="exchange.import",
                     # A file named after a person's ID number must not put it in the append-only log.
                     data={"file": mask_identifiers(file_name or path.name), "sha256": digest, "mode": mode, "engine": engine,
                           "created": report.created,
                           "skipped": report.skipped, "failed": report.failed, "rolled_back": report.rolled_back,
                           "stopped_at_row": report.stopped_at, "channel": channel})
    return report
