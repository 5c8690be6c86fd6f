"""The 领导接访 sheet: its columns (docs/RECEPTIONS.md, 导入格式), the row → services step, the export rows.

The prevention ledgers' sheet machinery (prevention.sheets): all or nothing, every bad row named with its
column and the reason in Chinese, each good row through receptions.services as if typed on the page.
"""

from pathlib import Path
from typing import Any, BinaryIO

from django.db.models import QuerySet

from xinfang.exchange.importer import ImportReport
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
from xinfang.receptions.models import Reception, ReceptionKind
from xinfang.receptions.selectors import leaders_for

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

    def parse(self, cells: dict[str, Any]) -> services.ReceptionInput:
        row = RowReader(cells, IMPORT_HEADERS)
        received_on = row.take(parse_date, "received_on", needed=True)
        leader = row.take(self.leaders.get, "leader")
        kind = row.take(parse_choice, "kind", ReceptionKind.choices)
        place = row.take(required_text, "place", max_length=200)
        batches = row.take(parse_int, "batches")
        person_times = row.take(parse_int, "person_times")
        amount = row.take(_amount, "amount")
        row.check()
        return services.ReceptionInput(
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
        for reception in queryset.select_related("leader", "org").iterator(chunk_size=500):
            links = links_of(reception)
            yield [reception.number, reception.received_on, str(reception.leader), reception.get_kind_display(),
                   reception.place, reception.batches, reception.person_times, reception.amount, reception.summary,
                   reception.instructions, "、".join(link.petition.number for link in links), reception.org.name,
                   reception.get_level_display(), sum(1 for link in links if link.finished)]

    return sheet_write(out=out, title="领导接访台账", columns=COLUMNS, rows=rows())
