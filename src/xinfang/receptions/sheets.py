"""The 领导接访 sheets: receptions and schedules — their columns (docs/RECEPTIONS.md, 导入格式), the row → services
step, the export rows.

The prevention ledgers' sheet machinery (prevention.sheets): all or nothing, every bad row named with its
column and the reason in Chinese, each good row through receptions.services as if typed on the page.
"""

from pathlib import Path
from typing import Any, BinaryIO

from django.db.models import QuerySet

from xinfang.exchange.importer import ImportReport, _text
from xinfang.orgs.models import User
from xinfang.prevention.forms import split_numbers
from xinfang.prevention.sheets import (
    CellError,
    RowReader,
    SheetColumn,
    parse_choice,
    parse_date,
    parse_int,
    required_text,
    sheet_import,
    sheet_write,
)
from xinfang.prevention.sheets_disputes import _amount
from xinfang.receptions import services
from xinfang.receptions.models import Reception, ReceptionKind, ReceptionSchedule, TimeSlot
from xinfang.receptions.selectors import leaders_for, schedules_visible_to

C = SheetColumn
COLUMNS = (
    C("编号", "number", export_only=True),
    C("接访日期", "received_on", required=True),
    C("接访领导", "leader", required=True),
    C("接访方式", "kind", required=True),
    C("接访地点", "place", required=True),
    C("批次", "batches", required=True),
    C("人次", "person_times", required=True),
    C("涉及资金（万元）", "amount"),
    C("接访情况", "summary"),
    C("领导批示/要求", "instructions"),
    C("关联信访件编号", "petition_numbers"),
    C("接访安排编号", "schedule"),
    C("领导所在单位", "org", export_only=True),
    C("层级", "level", export_only=True),
    C("办结件数", "finished", export_only=True),
)
IMPORT_HEADERS = {column.key: column.header for column in COLUMNS}


class LeaderNames:
    """The leaders the importer may record for, by 姓名, 用户名 or “姓名（单位）” as the export writes them."""

    def __init__(self, user: User) -> None:
        self._by_name: dict[str, list[User]] = {}
        for leader in leaders_for(user=user):
            for name in {str(leader), leader.username, f"{leader}（{leader.org.name}）"}:
                self._by_name.setdefault(name, []).append(leader)

    def get(self, value: Any, *, column: str) -> User:
        name = required_text(value, column=column, max_length=150)
        found = self._by_name.get(name, [])
        if not found:
            raise CellError(column, f"没有名为“{name}”的领导干部，或不在本单位范围内")
        if len(found) > 1:
            raise CellError(column, f"名为“{name}”的领导干部不止一位，请填写“姓名（单位）”或用户名")
        return found[0]


class _Rows:
    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.leaders = LeaderNames(actor)
        # 接访安排编号 → id, of the schedules the importer sees (the service checks its state and leader).
        self.schedules = dict(schedules_visible_to(user=actor).values_list("number", "pk"))

    def parse(self, cells: dict[str, Any]) -> services.ReceptionInput:
        row = RowReader(cells, IMPORT_HEADERS)
        received_on = row.take(parse_date, "received_on", needed=True)
        leader = row.take(self.leaders.get, "leader")
        kind = row.take(parse_choice, "kind", ReceptionKind.choices)
        place = row.take(required_text, "place", max_length=200)
        batches = row.take(parse_int, "batches")
        person_times = row.take(parse_int, "person_times")
        amount = row.take(_amount, "amount")
        schedule_id = row.lookup("schedule", self.schedules, what="接访安排", scoped=True)
        row.check()
        return services.ReceptionInput(schedule_id=schedule_id,
            leader_id=leader.pk, received_on=received_on, place=place, kind=kind, batches=batches,
            person_times=person_times, amount=amount, summary=row.text("summary"),
            instructions=row.text("instructions"), petition_numbers=split_numbers(row.text("petition_numbers")))

    def write(self, cells: dict[str, Any], row: int) -> Reception:
        return services.reception_create(data=self.parse(cells), actor=self.actor)


def receptions_import(*, path: Path, actor: User) -> ImportReport:
    rows = _Rows(actor)
    # Cell errors are keyed by header already; service errors by field key (mapped to the header).
    headers = {**IMPORT_HEADERS, "petition_numbers": "关联信访件编号",
               **{column.header: column.header for column in COLUMNS}}
    return sheet_import(path=path, columns=COLUMNS, actor=actor, mode="receptions", write_row=rows.write,
                        headers=headers)


def receptions_export(*, queryset: QuerySet[Reception], out: BinaryIO, links_of) -> int:
    """The receptions with their petitions the reader may see (`links_of(reception)` → live links)."""
    def rows():
        for reception in queryset.select_related("leader", "org", "schedule").iterator(chunk_size=500):
            links = links_of(reception)
            yield [reception.number, reception.received_on, str(reception.leader), reception.get_kind_display(),
                   reception.place, reception.batches, reception.person_times, reception.amount, reception.summary,
                   reception.instructions, "、".join(link.petition.number for link in links),
                   reception.schedule.number if reception.schedule_id else "", reception.org.name,
                   reception.get_level_display(), sum(1 for link in links if link.finished)]

    return sheet_write(out=out, title="领导接访台账", columns=COLUMNS, rows=rows())


# --- 接访安排 ----------------------------------------------------------------------------------------

SCHEDULE_COLUMNS = (
    C("编号", "number", export_only=True),
    C("接访日期", "scheduled_on", required=True),
    C("时段", "slot"),
    C("接访领导", "leader", required=True),
    C("接访方式", "kind", required=True),
    C("接访地点", "place", required=True),
    C("接访主题", "topics"),
    C("是否公布", "published"),
    C("领导所在单位", "org", export_only=True),
    C("状态", "status", export_only=True),
)
SCHEDULE_HEADERS = {column.key: column.header for column in SCHEDULE_COLUMNS}
YES, NO = ("是", "已公布", "公布", "Y", "y", "1"), ("否", "未公布", "N", "n", "0", "")


def parse_yes_no(value: Any, *, column: str) -> bool:
    """是否公布: 是 / 否 (an empty cell is 否); an Excel TRUE/FALSE cell too."""
    if isinstance(value, bool):
        return value
    text = _text(value)
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(column, f"应填“是”或“否”：{text}")


class _ScheduleRows:
    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.leaders = LeaderNames(actor)

    def write(self, cells: dict[str, Any], row: int) -> ReceptionSchedule:
        reader = RowReader(cells, SCHEDULE_HEADERS)
        scheduled_on = reader.take(parse_date, "scheduled_on", needed=True)
        # An office's sheet often has no 时段: the whole day then.
        slot = reader.take(parse_choice, "slot", TimeSlot.choices, required=False) or TimeSlot.ALL_DAY
        leader = reader.take(self.leaders.get, "leader")
        kind = reader.take(parse_choice, "kind", ReceptionKind.choices)
        place = reader.take(required_text, "place", max_length=200)
        topics = reader.text("topics")
        if len(topics) > 300:
            reader.fail("topics", "超过300字")
        published = reader.take(parse_yes_no, "published")
        reader.check()
        schedule = services.schedule_create(actor=self.actor, data=services.ScheduleInput(
            leader_id=leader.pk, scheduled_on=scheduled_on, slot=slot, place=place, kind=kind, topics=topics))
        if published:
            schedule = services.schedule_publish(schedule_id=schedule.pk, publish=True, actor=self.actor)
        return schedule


def schedules_import(*, path: Path, actor: User) -> ImportReport:
    headers = {**SCHEDULE_HEADERS, **{column.header: column.header for column in SCHEDULE_COLUMNS}}
    return sheet_import(path=path, columns=SCHEDULE_COLUMNS, actor=actor, mode="reception_schedules",
                        write_row=_ScheduleRows(actor).write, headers=headers)


def schedules_export(*, queryset: QuerySet[ReceptionSchedule], out: BinaryIO) -> int:
    rows = ([schedule.number, schedule.scheduled_on, schedule.get_slot_display(), str(schedule.leader),
             schedule.get_kind_display(), schedule.place, schedule.topics, "是" if schedule.published else "否",
             schedule.org.name, schedule.get_status_display()]
            for schedule in queryset.select_related("leader", "org").iterator(chunk_size=500))
    return sheet_write(out=out, title="领导接访安排", columns=SCHEDULE_COLUMNS, rows=rows)
