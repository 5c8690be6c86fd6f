"""The 群众信访问题清单 sheet: its columns (docs/PREVENTION.md, 问题清单导入格式), the row → services step, the export.

As the 积案 sheet (sheets_backlog): the office's reviewer imports, all rows or none, each row through the services.
"""

from pathlib import Path
from typing import Any, BinaryIO

from django.db.models import QuerySet

from xinfang.exchange.importer import ImportReport
from xinfang.orgs.models import User
from xinfang.prevention import services_backlog as services
from xinfang.prevention.backlog import ProblemListItem
from xinfang.prevention.sheets import OrgNames, RowReader, SheetColumn, parse_date, required_text, sheet_import, sheet_write

C = SheetColumn
COLUMNS = (
    C("编号", "number", export_only=True),
    C("问题", "summary", required=True),
    C("责任人", "responsible_person", required=True),
    C("责任单位", "responsible_org", required=True),
    C("列入日期", "listed_on", required=True),
    C("限时销号日期", "due_on", required=True),
    C("销号日期", "struck_off_on"),
    C("化解情况", "note"),
    C("状态", "status", export_only=True),
)
IMPORT_HEADERS = {column.key: column.header for column in COLUMNS}


class _Rows:
    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.orgs = OrgNames(actor)

    def write(self, cells: dict[str, Any], row: int) -> ProblemListItem:
        reader = RowReader(cells, IMPORT_HEADERS)
        summary = reader.take(required_text, "summary", max_length=300)
        person = reader.take(required_text, "responsible_person", max_length=50)
        org = reader.take(self.orgs.get, "responsible_org")
        listed_on = reader.take(parse_date, "listed_on", needed=True)
        due_on = reader.take(parse_date, "due_on", needed=True)
        struck_off_on = reader.take(parse_date, "struck_off_on")
        note = reader.text("note")
        if struck_off_on and not note:
            reader.fail("note", "填写了销号日期的，请填写化解情况")
        reader.check()
        item = services.problem_create(actor=self.actor, data=services.ProblemInput(
            summary=summary, responsible_person=person, responsible_org_id=org.pk, listed_on=listed_on,
            due_on=due_on, note=note))
        if struck_off_on:
            # The office's own sheet: its 销号 are the office's record, struck off on import by its reviewer.
            item = services.problem_strike_off(item_id=item.pk, struck_off_on=struck_off_on, note=note,
                                               actor=self.actor)
        return item


def problems_import(*, path: Path, actor: User) -> ImportReport:
    rows = _Rows(actor)
    headers = {**IMPORT_HEADERS, **{column.header: column.header for column in COLUMNS}}
    return sheet_import(path=path, columns=COLUMNS, actor=actor, mode="problems", write_row=rows.write,
                        headers=headers)


def problems_export(*, queryset: QuerySet[ProblemListItem], out: BinaryIO) -> int:
    def rows():
        for item in queryset.select_related("responsible_org").iterator(chunk_size=500):
            yield [item.number, item.summary, item.responsible_person, item.responsible_org.name, item.listed_on,
                   item.due_on, item.struck_off_on, item.note, item.get_status_display()]

    return sheet_write(out=out, title="群众信访问题清单", columns=COLUMNS, rows=rows())
