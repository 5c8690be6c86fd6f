"""The 普法宣传 sheets (docs/PUBLICITY.md, Excel): activities, trainings and law exams; import all or nothing
through the services, and export in the same columns (编号 first), so that an export imports back.

Built on prevention.sheets (header row 1, every bad cell named by row and column in Chinese, one transaction).
发放资料 is one cell: 种类：份数, several joined by 、 or ； (《信访工作条例》单行本：200、宣传折页：50);
参训人员 likewise: 用户名, 姓名 or “姓名（用户名）” as the export writes them.
"""

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO

from django.db.models import QuerySet

from xinfang.exchange.importer import ImportReport, _text
from xinfang.orgs.models import User
from xinfang.orgs.selectors import user_scope_org_ids
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
from xinfang.publicity.models import ActivityForm, LawExam, MaterialKind, PublicityActivity, TrainingSession

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


# --- 培训 --------------------------------------------------------------------------------------------

TRAINING_COLUMNS = (
    C("编号", "number", export_only=True),
    C("日期", "held_on", required=True),
    C("培训主题", "topic", required=True),
    C("授课人", "trainer", required=True),
    C("组织单位", "organiser", required=True),
    C("参训人数", "attendees", required=True),
    C("学时", "hours", required=True),
    C("参训人员", "attendee_ids"),
)
TRAINING_HEADERS = {column.key: column.header for column in TRAINING_COLUMNS}
HOURS = re.compile(r"\d{1,3}(\.\d)?")


def parse_hours(value: Any, *, column: str) -> Decimal:
    """学时: more than 0, at most 100, one decimal at most (2, 2.5)."""
    text = _text(value)
    if isinstance(value, float):
        text = f"{value:.10g}"
    if not text:
        raise CellError(column, "不能为空")
    try:
        hours = Decimal(text)
    except InvalidOperation:
        raise CellError(column, f"应为数字（如2或2.5）：{text}") from None
    if not HOURS.fullmatch(text) or not Decimal("0") < hours <= Decimal("100"):
        raise CellError(column, f"应大于0、不超过100，最多一位小数：{text}")
    return hours


def person_label(user: User) -> str:
    return f"{user.full_name}（{user.username}）" if user.full_name else user.username


class UserNames:
    """The active users in the importer's scope by 用户名, 姓名 (if unique) or “姓名（用户名）”."""

    def __init__(self, actor: User) -> None:
        queryset = User.objects.filter(is_active=True, org__isnull=False)
        scope = user_scope_org_ids(user=actor)
        if scope is not None:
            queryset = queryset.filter(org_id__in=scope)
        self._by_name: dict[str, list[User]] = {}
        for user in queryset:
            for name in {user.username, user.full_name, person_label(user)} - {""}:
                self._by_name.setdefault(name, []).append(user)

    def parse(self, value: Any, *, column: str) -> tuple[int, ...]:
        ids: list[int] = []
        for name in (piece.strip() for piece in re.split(r"[、，,；;\n]+", _text(value)) if piece.strip()):
            found = self._by_name.get(name, [])
            if not found:
                raise CellError(column, f"没有“{name}”这一用户，或不在本单位范围内")
            if len(found) > 1:
                raise CellError(column, f"名为“{name}”的用户不止一位，请填写用户名")
            if found[0].pk in ids:
                raise CellError(column, f"“{name}”重复")
            ids.append(found[0].pk)
        return tuple(ids)


class _TrainingRows:
    def __init__(self, actor: User) -> None:
        self.actor, self.orgs, self.users = actor, OrgNames(actor), UserNames(actor)

    def write(self, cells: dict[str, Any], row: int) -> TrainingSession:
        reader = RowReader(cells, TRAINING_HEADERS)
        held_on = reader.take(parse_date, "held_on", needed=True)
        topic = reader.take(required_text, "topic", max_length=200)
        trainer = reader.take(required_text, "trainer", max_length=100)
        organiser = reader.take(self.orgs.get, "organiser")
        attendees = reader.take(parse_int, "attendees", minimum=1)
        hours = reader.take(parse_hours, "hours")
        attendee_ids = reader.take(self.users.parse, "attendee_ids")
        reader.check()
        return services.training_create(actor=self.actor, data=services.TrainingInput(
            held_on=held_on, topic=topic, trainer=trainer, organiser_id=organiser.pk, attendees=attendees,
            hours=hours, attendee_ids=attendee_ids))


def trainings_import(*, path: Path, actor: User) -> ImportReport:
    headers = {**TRAINING_HEADERS, **{column.header: column.header for column in TRAINING_COLUMNS}}
    return sheet_import(path=path, columns=TRAINING_COLUMNS, actor=actor, mode="publicity_trainings",
                        write_row=_TrainingRows(actor).write, headers=headers)


def trainings_export(*, queryset: QuerySet[TrainingSession], out: BinaryIO) -> int:
    def rows():
        for session in (queryset.select_related("organiser").prefetch_related("attendee_users")
                        .order_by("-held_on", "-id")):
            people = "、".join(person_label(user) for user in sorted(session.attendee_users.all(),
                                                                     key=lambda user: user.username))
            yield [session.number, session.held_on, session.topic, session.trainer, session.organiser.name,
                   session.attendees, session.hours, people]

    return sheet_write(out=out, title="培训台账", columns=TRAINING_COLUMNS, rows=rows())


# --- 考试 --------------------------------------------------------------------------------------------

EXAM_COLUMNS = (
    C("编号", "number", export_only=True),
    C("日期", "held_on", required=True),
    C("考试名称", "title", required=True),
    C("组织单位", "organiser", required=True),
    C("应考人数", "invited", required=True),
    C("参考人数", "participants", required=True),
    C("通过人数", "passes", required=True),
)
EXAM_HEADERS = {column.key: column.header for column in EXAM_COLUMNS}


class _ExamRows:
    def __init__(self, actor: User) -> None:
        self.actor, self.orgs = actor, OrgNames(actor)

    def write(self, cells: dict[str, Any], row: int) -> LawExam:
        reader = RowReader(cells, EXAM_HEADERS)
        held_on = reader.take(parse_date, "held_on", needed=True)
        title = reader.take(required_text, "title", max_length=200)
        organiser = reader.take(self.orgs.get, "organiser")
        invited = reader.take(parse_int, "invited", minimum=1)
        participants = reader.take(parse_int, "participants")
        passes = reader.take(parse_int, "passes")
        reader.check()
        return services.exam_create(actor=self.actor, data=services.ExamInput(
            held_on=held_on, title=title, organiser_id=organiser.pk, invited=invited, participants=participants,
            passes=passes))


def exams_import(*, path: Path, actor: User) -> ImportReport:
    headers = {**EXAM_HEADERS, **{column.header: column.header for column in EXAM_COLUMNS}}
    return sheet_import(path=path, columns=EXAM_COLUMNS, actor=actor, mode="publicity_exams",
                        write_row=_ExamRows(actor).write, headers=headers)


def exams_export(*, queryset: QuerySet[LawExam], out: BinaryIO) -> int:
    rows = ([exam.number, exam.held_on, exam.title, exam.organiser.name, exam.invited, exam.participants,
             exam.passes] for exam in queryset.select_related("organiser").order_by("-held_on", "-id"))
    return sheet_write(out=out, title="学法考试台账", columns=EXAM_COLUMNS, rows=rows)
