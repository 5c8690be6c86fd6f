"""The 违法信访行为 sheet (docs/ORDER.md, 导入格式): columns, the row → services step, the export rows.

All or nothing, Chinese row/column errors: prevention.sheets.sheet_import (only the petition office's 审核员 imports).
"""

import re
from pathlib import Path
from typing import Any, BinaryIO

from django.db.models import QuerySet

from xinfang.exchange.importer import ImportReport
from xinfang.order import services
from xinfang.order.models import ConductKind, MeasureKind, OrderIncident
from xinfang.orgs.models import User
from xinfang.prevention.sheets import (
    CellError,
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
    C("发生日期", "occurred_on", required=True),
    C("发生地点", "place", required=True),
    C("行为类型", "kind", required=True),
    C("行为经过", "description", required=True),
    C("属地", "locality_id", required=True),
    C("涉及人员", "persons", required=True),
    C("处置措施", "measure_kind"),
    C("采取日期", "taken_on"),
    C("采取机关", "organ"),
    C("文书编号", "document_number"),
    C("关联信访件编号", "petition_numbers"),
)
IMPORT_HEADERS = {column.key: column.header for column in COLUMNS}
SPLIT = r"[、,，;；\s]+"


class _Rows:
    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.orgs = OrgNames(actor)

    def write(self, cells: dict[str, Any], row: int) -> OrderIncident:
        reader = RowReader(cells, IMPORT_HEADERS)
        occurred_on = reader.take(parse_date, "occurred_on", needed=True)
        place = reader.take(required_text, "place", max_length=200)
        kind = reader.take(parse_choice, "kind", ConductKind.choices)
        description = reader.take(required_text, "description", max_length=5000)
        locality = reader.take(self.orgs.get, "locality_id")
        names = reader.take(required_text, "persons", max_length=500)
        measure_kind = reader.take(parse_choice, "measure_kind", MeasureKind.choices, required=False)
        taken_on = reader.take(parse_date, "taken_on")
        organ_text = reader.text("organ")
        reader.check()
        measures = []
        if measure_kind:
            organ_id, organ_name = None, organ_text
            if organ_text:
                try:
                    organ_id, organ_name = self.orgs.get(organ_text, column=IMPORT_HEADERS["organ"]).pk, ""
                except CellError:
                    pass  # an organ outside the tree (a 派出所 not kept as an org): its name
            measures.append(services.MeasureInput(kind=measure_kind, taken_on=taken_on, organ_id=organ_id,
                                                  organ_name=organ_name,
                                                  document_number=reader.text("document_number")))
        return services.incident_create(actor=self.actor, data=services.IncidentInput(
            occurred_on=occurred_on, place=place, kind=kind, description=description, locality_id=locality.pk,
            persons=[services.PersonInput(name=name) for name in re.split(SPLIT, names) if name],
            measures=measures,
            petition_numbers=[n for n in re.split(SPLIT, reader.text("petition_numbers")) if n]))


def incidents_import(*, path: Path, actor: User) -> ImportReport:
    services.require_recorder(actor)
    headers = {**IMPORT_HEADERS, "organ": IMPORT_HEADERS["organ"], "taken_on": IMPORT_HEADERS["taken_on"],
               "person": IMPORT_HEADERS["persons"], "petition_numbers": IMPORT_HEADERS["petition_numbers"],
               **{column.header: column.header for column in COLUMNS}}
    return sheet_import(path=path, columns=COLUMNS, actor=actor, mode="order_incidents", write_row=_Rows(actor).write,
                        headers=headers)


def incidents_export(*, queryset: QuerySet[OrderIncident], out: BinaryIO) -> int:
    """One row per incident; names masked; every measure in the measure columns, one a line."""
    def rows():
        for incident in queryset.select_related("locality").prefetch_related("persons", "measures__organ"):
            measures = list(incident.measures.all())
            yield [incident.number, incident.occurred_on, incident.place, incident.get_kind_display(),
                   incident.description, incident.locality.name,
                   "、".join(person.masked_name for person in incident.persons.all()),
                   "\n".join(m.get_kind_display() for m in measures),
                   "\n".join(m.taken_on.isoformat() for m in measures),
                   "\n".join(m.organ_display for m in measures),
                   "\n".join(m.document_number for m in measures), ""]

    return sheet_write(out=out, title="违法信访行为台账", columns=COLUMNS, rows=rows())
