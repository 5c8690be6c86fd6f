"""The 普法宣传活动 sheet (docs/PUBLICITY.md, 导入格式): import all or nothing through the services, and export.

Built on prevention.sheets (header row 1, every bad cell named by row and column in Chinese, one transaction).
发放资料 is one cell: 种类：份数, several joined by 、 or ； (《信访工作条例》单行本：200、宣传折页：50).
"""

import re
from pathlib import Path
from typing import Any, BinaryIO

from django.db.models import QuerySet

from xinfang.exchange.importer import ImportReport, _text
from xinfang.orgs.models import User
from xinfang.prevention.sheets import (
    CellError,
    OrgNames,
    RowReader,
    SheetColumn,
    parse_date,
    parse_int,
    required_text,
    sheet_import,
    sheet_write,
)
from xinfang.publicity import services
from xinfang.publicity.models import ActivityForm, MaterialKind, PublicityActivity

C = SheetColumn
COLUMNS = (
    C("编号", "number", export_only=True),
    C("日期", "held_on", required=True),
    C("宣传形式", "form", required=True),
    C("主题", "topic", required=True),
    C("地点", "place", required=True),
    C("组织单位", "organiser", required=True),
    C("对象", "audience"),
    C("覆盖人次", "person_times", required=True),
    C("发放资料", "materials"),
    C("情况", "note"),
)
IMPORT_HEADERS = {column.key: column.header for column in COLUMNS}
LINE = re.compile(r"(.+?)[:：]\s*(\d+)")


def parse_materials(value: Any, kinds: dict[str, MaterialKind], *, column: str) -> tuple[tuple[int, int], ...]:
    text = _text(value)
    lines = []
    for part in (piece.strip() for piece in re.split(r"[、；;\n]+", text) if piece.strip()):
        match = LINE.fullmatch(part)
        if match is None:
            raise CellError(column, f"“{part}”应写作“资料种类：份数”")
        name, number = match.group(1).strip(), int(match.group(2))
        if name not in kinds:
            raise CellError(column, f"没有“{name}”这一已启用的资料种类")
        lines.append((kinds[name].pk, number))
    return tuple(lines)


class _Rows:
    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.orgs = OrgNames(actor)
        self.forms = {form.name: form for form in ActivityForm.objects.filter(is_active=True)}
        self.kinds = {kind.name: kind for kind in MaterialKind.objects.filter(is_active=True)}

    def write(self, cells: dict[str, Any], row: int) -> PublicityActivity:
        reader = RowReader(cells, IMPORT_HEADERS)
        form = reader.lookup("form", self.forms, what="已启用的宣传形式", required=True)
        held_on = reader.take(parse_date, "held_on", needed=True)
        topic = reader.take(required_text, "topic", max_length=200)
        place = reader.take(required_text, "place", max_length=200)
        organiser = reader.take(self.orgs.get, "organiser")
        person_times = reader.take(parse_int, "person_times", minimum=1)
        materials = reader.take(parse_materials, "materials", self.kinds)
        reader.check()
        return services.activity_create(actor=self.actor, data=services.ActivityInput(
            held_on=held_on, form_id=form.pk, topic=topic, place=place, organiser_id=organiser.pk,
            person_times=person_times, audience=reader.text("audience"), note=reader.text("note"),
            materials=materials))


def activities_import(*, path: Path, actor: User) -> ImportReport:
    headers = {**IMPORT_HEADERS, **{column.header: column.header for column in COLUMNS}}
    return sheet_import(path=path, columns=COLUMNS, actor=actor, mode="publicity_activities",
                        write_row=_Rows(actor).write, headers=headers)


def activity_row(activity: PublicityActivity) -> list[Any]:
    materials = "、".join(f"{line.kind.name}：{line.quantity}" for line in activity.materials.all())
    return [activity.number, activity.held_on, activity.form.name, activity.topic, activity.place,
            activity.organiser.name, activity.audience, activity.person_times, materials, activity.note]


def activities_export(*, queryset: QuerySet[PublicityActivity], out: BinaryIO) -> int:
    rows = (activity_row(activity) for activity in queryset.select_related("form", "organiser")
            .prefetch_related("materials__kind").order_by("-held_on", "-id"))
    return sheet_write(out=out, title="普法宣传活动台账", columns=COLUMNS, rows=rows)
