"""The office export (导出Excel（办公）): one row per matter with readable names, for reading and printing.

The exchange format (export.write_xlsx) carries codes and the whole history so another system can import
it; an office wants names (来信, 青石镇, 劳动和社会保障 / 拖欠工资, 已送达), the key dates as dates, and
whether the matter is within its deadline. This writer takes the exchange records themselves
(`export.petition_records`), so masking and the rule that empties references to petitions the user may not
see are exactly the exchange export's, never a second copy of them. Not for import: it has no history.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, BinaryIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from xinfang.exchange.cells import xlsx_value
from xinfang.exchange.format import NO, YES, label_of, org_codes
from xinfang.orgs.models import Org
from xinfang.petitions.models import Category, Channel, PetitionStatus, PetitionType
from xinfang.workflow.choices import Outcome, Rating
from xinfang.workflow.clocks import OPTIONAL_WINDOWS, clock_state
from xinfang.workflow.models import Clock

SHEET = "信访事项"
# A real date cell (sorts and filters as a date in Excel), shown the way offices write dates: 2026年3月2日.
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
# Clocks are read for this many records at a time (one query each), as the records themselves are.
CHUNK = 1000
PEOPLE_SEPARATOR = "、"


@dataclass(frozen=True)
class OfficeColumn:
    header: str
    width: int
    is_date: bool = False


COLUMNS: tuple[OfficeColumn, ...] = (
    OfficeColumn("信访件编号", 18), OfficeColumn("收到日期", 14, True), OfficeColumn("信访形式", 10),
    OfficeColumn("信访类型", 12), OfficeColumn("问题分类", 24), OfficeColumn("概况", 40),
    OfficeColumn("信访人", 16), OfficeColumn("证件号码", 22), OfficeColumn("联系电话", 16), OfficeColumn("人次", 6),
    OfficeColumn("集体访", 8), OfficeColumn("登记机构", 18), OfficeColumn("问题属地", 14),
    OfficeColumn("被反映单位", 16), OfficeColumn("责任单位", 16), OfficeColumn("状态", 12),
    OfficeColumn("处理结果", 12), OfficeColumn("转送/交办日期", 14, True), OfficeColumn("受理日期", 14, True),
    OfficeColumn("答复日期", 14, True), OfficeColumn("评价日期", 14, True), OfficeColumn("评价结果", 10),
    OfficeColumn("办结日期", 14, True), OfficeColumn("当前期限", 12), OfficeColumn("期限截止日", 14, True),
    OfficeColumn("期限状态", 10), OfficeColumn("初件编号", 18),
)
HEADERS: tuple[str, ...] = tuple(column.header for column in COLUMNS)
# Key dates: the last step of these actions (as the exchange format's step columns).
DATE_STEPS = {"转送/交办日期": ("forward", "assign"), "受理日期": ("accept",), "答复日期": ("reply", "mediate", "approve_reply"),
              "评价日期": ("evaluate",), "办结日期": ("close",)}


def _last_step(record: dict[str, Any], actions: tuple[str, ...]) -> dict[str, Any] | None:
    return next((step for step in reversed(record["history"]) if step["action"] in actions), None)


def _day(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).date()
    if isinstance(value, date):
        return value
    text = str(value)
    return timezone.localtime(datetime.fromisoformat(text)).date() if "T" in text else date.fromisoformat(text)


def _deadline(clocks: list[Clock], today: date) -> tuple[str, date | None, str]:
    """(which deadline, its statutory due date, its state) for the row: the nearest running one, else how
    the handling period ended (按期/逾期完成), else nothing."""
    running = sorted((clock for clock in clocks if clock.stopped_on is None and clock.kind not in OPTIONAL_WINDOWS),
                     key=lambda clock: clock.statutory_due)
    if running:
        state = clock_state(clock=running[0], today=today)
        return running[0].get_kind_display(), running[0].statutory_due, state.level_label
    handled = [clock for clock in clocks if clock.kind == Clock.Kind.HANDLING and clock.stopped_on is not None]
    if handled:
        last = max(handled, key=lambda clock: clock.pk)
        return last.get_kind_display(), last.statutory_due, clock_state(clock=last, today=today).level_label
    return "", None, ""


class _Names:
    """Org codes and category codes of the records → names, read once per export."""

    def __init__(self) -> None:
        orgs = list(Org.objects.only("id", "name", "region_code", "parent_id", "path"))
        by_pk = {org.pk: org.name for org in orgs}
        self.orgs = {code: by_pk[pk] for pk, code in org_codes(orgs=orgs).items()}
        self.categories = {category.code: str(category) for category in Category.objects.select_related("parent")}

    def org(self, code: Any) -> str:
        return self.orgs.get(code, code or "")


def office_row(record: dict[str, Any], *, names: _Names, clocks: list[Clock], today: date) -> list[Any]:
    """One matter as the office reads it, in `COLUMNS` order (dates as dates)."""
    people = record["petitioners"]
    evaluation = _last_step(record, ("evaluate",))
    deadline, due, state = _deadline(clocks, today)
    values: dict[str, Any] = {
        "信访件编号": record["number"], "收到日期": _day(record["received_at"]),
        "信访形式": label_of(Channel, record["channel"]), "信访类型": label_of(PetitionType, record["petition_type"]),
        "问题分类": names.categories.get(record["category"], record["category"]), "概况": record["summary"],
        # Masked exactly as the exchange export masks them (its records): 张*三, 1101**********002X.
        "信访人": PEOPLE_SEPARATOR.join(person["name"] or "" for person in people) or "匿名",
        "证件号码": PEOPLE_SEPARATOR.join(person["id_number"] for person in people if person["id_number"]),
        "联系电话": PEOPLE_SEPARATOR.join(person["phone"] for person in people if person["phone"]),
        "人次": record["person_times"], "集体访": YES if record["is_group_visit"] else NO,
        "登记机构": names.org(record["registering_org"]), "问题属地": names.org(record["locality"]),
        "被反映单位": names.org(record["complained_org"]), "责任单位": names.org(record["handling_org"]),
        "状态": label_of(PetitionStatus, record["status"]), "处理结果": label_of(Outcome, record["outcome"]),
        "评价结果": label_of(Rating, evaluation["values"].get("rating")) if evaluation else "",
        "当前期限": deadline, "期限截止日": due, "期限状态": state,
        # Already emptied by petition_records when the first petition is one the user may not see.
        "初件编号": record["repeat_of"],
    }
    for header, actions in DATE_STEPS.items():
        step = _last_step(record, actions)
        values[header] = _day(step["acted_on"]) if step else None
    return [values[header] for header in HEADERS]


def _chunks(records: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for record in records:
        chunk.append(record)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def office_rows(records: Iterable[dict[str, Any]], *, today: date | None = None) -> Iterator[list[Any]]:
    """The rows of the office export; each chunk of records reads its clocks in one query."""
    today = today or timezone.localdate()
    names = _Names()
    for chunk in _chunks(records):
        clocks: dict[str, list[Clock]] = {record["number"]: [] for record in chunk}
        for clock in Clock.objects.filter(petition__number__in=list(clocks), voided=False).select_related("petition"):
            clocks[clock.petition.number].append(clock)
        for record in chunk:
            yield office_row(record, names=names, clocks=clocks[record["number"]], today=today)


def _cell(sheet: Any, value: Any, *, is_date: bool) -> Any:
    if is_date:
        if value is None:
            return None
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, str):
        # Control characters pasted into old text make openpyxl refuse the file; formulas are never live.
        return xlsx_value(sheet, ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def write_office_xlsx(*, records: Iterable[dict[str, Any]], out: BinaryIO | str, today: date | None = None) -> None:
    """The office export as one sheet: bold header, fixed widths, the header row frozen."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    header = []
    for title in HEADERS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in office_rows(records, today=today):
        sheet.append([_cell(sheet, value, is_date=column.is_date) for column, value in zip(COLUMNS, row, strict=True)])
    workbook.save(out)

