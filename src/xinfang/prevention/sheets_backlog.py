"""The 积案 sheet: its columns (docs/PREVENTION.md, 积案台账导入格式), the row → services step, the export rows."""

from pathlib import Path
from typing import Any, BinaryIO

from django.db.models import QuerySet

from xinfang.exchange.importer import ImportReport
from xinfang.orgs.models import User
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.prevention import services_backlog as services
from xinfang.prevention.backlog import BacklogCase
from xinfang.prevention.selectors_backlog import leaders_visible_to
from xinfang.prevention.sheets import (
    OrgNames,
    RowReader,
    SheetColumn,
    parse_choice,
    parse_date,
    required_text,
    sheet_import,
    sheet_write,
)

C = SheetColumn
COLUMNS = (
    C("编号", "number", export_only=True),
    C("积案名称", "summary", required=True),
    C("来源", "source", required=True),
    C("交办批次", "batch"),
    C("交办编号", "batch_number"),
    C("交办日期", "assigned_on", required=True),
    C("信访件编号", "petition"),
    C("责任单位", "responsible_org", required=True),
    C("包案领导", "leader", required=True),
    C("工作专班", "task_force"),
    C("化解期限", "due_on", required=True),
    C("报结日期", "reported_on"),
    C("化解情况", "resolution"),
    C("销号日期", "struck_off_on"),
    C("状态", "status", export_only=True),
    C("反流次数", "refluxes", export_only=True),
)
IMPORT_HEADERS = {column.key: column.header for column in COLUMNS}


def _leaders() -> dict[str, int]:
    """Leaders by 姓名 or 用户名; a name two leaders share is left out (the cell must then give the 用户名)."""
    table: dict[str, int | None] = {}
    for user in leaders_visible_to():
        for name in {user.full_name, user.username} - {""}:
            table[name] = None if name in table and table[name] != user.pk else user.pk
    return {name: pk for name, pk in table.items() if pk is not None}


class _Rows:
    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.orgs = OrgNames(actor)
        self.leaders = _leaders()

    def write(self, cells: dict[str, Any], row: int) -> BacklogCase:
        reader = RowReader(cells, IMPORT_HEADERS)
        summary = reader.take(required_text, "summary", max_length=300)
        source = reader.take(parse_choice, "source", BacklogCase.Source.choices)
        assigned_on = reader.take(parse_date, "assigned_on", needed=True)
        org = reader.take(self.orgs.get, "responsible_org")
        leader_id = reader.lookup("leader", self.leaders, what="领导干部（姓名或用户名）", required=True)
        due_on = reader.take(parse_date, "due_on", needed=True)
        reported_on = reader.take(parse_date, "reported_on")
        struck_off_on = reader.take(parse_date, "struck_off_on")
        petition_id = None
        if reader.text("petition"):
            petition_id = (petitions_visible_to(user=self.actor).filter(number=reader.text("petition"))
                           .values_list("pk", flat=True).first())
            if petition_id is None:
                reader.fail("petition", f"找不到信访件或无权查看：{reader.text('petition')}")
        if struck_off_on and not reported_on:
            reader.fail("reported_on", "填写了销号日期的，请填写报结日期")
        if reported_on and not reader.text("resolution"):
            reader.fail("resolution", "填写了报结日期的，请填写化解情况")
        reader.check()
        case = services.case_create(actor=self.actor, data=services.CaseInput(
            summary=summary, source=source, assigned_on=assigned_on, responsible_org_id=org.pk, leader_id=leader_id,
            due_on=due_on, batch=reader.text("batch"), batch_number=reader.text("batch_number"),
            task_force=reader.text("task_force"), petition_id=petition_id))
        if reported_on:
            case = services.case_report(case_id=case.pk, reported_on=reported_on,
                                        resolution=reader.text("resolution"), actor=self.actor)
        if struck_off_on:
            # The office's own sheet: its 销号 are the office's record, verified on import by its reviewer.
            case = services.case_verify(case_id=case.pk, approve=True, struck_off_on=struck_off_on,
                                        actor=self.actor)
        return case


def backlog_import(*, path: Path, actor: User) -> ImportReport:
    rows = _Rows(actor)
    headers = {**IMPORT_HEADERS, **{column.header: column.header for column in COLUMNS},
               "reason": "化解情况"}
    return sheet_import(path=path, columns=COLUMNS, actor=actor, mode="backlog", write_row=rows.write,
                        headers=headers)


def backlog_export(*, queryset: QuerySet[BacklogCase], out: BinaryIO, petition_of) -> int:
    """The cases with their petition's number when the reader may see it (`petition_of(case)` → number or "")."""
    def rows():
        for case in queryset.select_related("responsible_org", "leader").iterator(chunk_size=500):
            yield [case.number, case.summary, case.get_source_display(), case.batch, case.batch_number,
                   case.assigned_on, petition_of(case), case.responsible_org.name, str(case.leader), case.task_force,
                   case.due_on, case.reported_on, case.resolution, case.struck_off_on, case.get_status_display(),
                   case.refluxes.count()]

    return sheet_write(out=out, title="积案化解台账", columns=COLUMNS, rows=rows())
