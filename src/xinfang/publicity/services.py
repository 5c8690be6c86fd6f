"""Writes of 普法宣传: one function per use case, one transaction, permission-checked, audited, versioned."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from xinfang.audit.services import audit_record
from xinfang.orgs.models import Org, User
from xinfang.prevention.services_common import next_number, snapshot, version_append
from xinfang.publicity.models import (
    HISTORY_ACTIVITY,
    HISTORY_EXAM,
    HISTORY_TRAINING,
    ActivityForm,
    ActivityMaterial,
    LawExam,
    MaterialKind,
    MaterialReceipt,
    PublicityActivity,
    TrainingSession,
)
from xinfang.publicity.permissions import in_scope, require_recorder

ACTIVITY_FIELDS = ("number", "held_on", "form", "topic", "place", "organiser", "audience", "person_times", "note")
TRAINING_FIELDS = ("number", "held_on", "topic", "trainer", "organiser", "attendees", "hours")
EXAM_FIELDS = ("number", "held_on", "title", "organiser", "invited", "participants", "passes")


def _today() -> date:
    return timezone.localdate()


def _organiser(org_id: int, actor: User, errors: dict) -> Org | None:
    org = Org.objects.filter(pk=org_id, is_active=True).first()
    if org is None or not in_scope(actor, org.pk):
        errors["organiser"] = "组织单位不存在或不在本单位范围内"
        return None
    return org


def _day(value: date, errors: dict, key: str = "held_on") -> None:
    if value > _today():
        errors[key] = "日期不能晚于今天"


def _version(record, expected: int | None) -> None:
    if expected is not None and expected != record.version:
        raise ValidationError("该记录已被他人修改，请刷新后重新填写")


def _locked(queryset, pk: int, what: str):
    record = queryset.select_for_update().filter(pk=pk).first()
    if record is None:
        raise PermissionDenied(f"{what}不存在或不在本单位范围内")
    return record


# --- 活动 --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityInput:
    held_on: date
    form_id: int
    topic: str
    place: str
    organiser_id: int
    person_times: int
    audience: str = ""
    note: str = ""
    materials: tuple[tuple[int, int], ...] = ()  # (material kind, number handed out)


def _activity_clean(data: ActivityInput, actor: User) -> tuple[ActivityForm, Org, dict[int, int]]:
    errors: dict[str, str] = {}
    form = ActivityForm.objects.filter(pk=data.form_id, is_active=True).first()
    if form is None:
        errors["form"] = "请选择宣传形式"
    organiser = _organiser(data.organiser_id, actor, errors)
    _day(data.held_on, errors)
    if not data.topic.strip():
        errors["topic"] = "请填写宣传主题"
    if not data.place.strip():
        errors["place"] = "请填写地点"
    if data.person_times < 1:
        errors["person_times"] = "覆盖人次应不小于1"
    lines: dict[int, int] = {}
    for kind_id, quantity in data.materials:
        if quantity < 1:
            errors["materials"] = "发放数量应为正整数"
        elif kind_id in lines:
            errors["materials"] = "同一种资料请合并为一行"
        lines[kind_id] = quantity
    if errors:
        raise ValidationError(errors)
    return form, organiser, lines


def _materials_text(activity: PublicityActivity) -> str:
    return "、".join(f"{line.kind.name}{line.quantity}{line.kind.unit}"
                    for line in activity.materials.select_related("kind"))


def _activity_snapshot(activity: PublicityActivity) -> dict:
    return snapshot(activity, fields=ACTIVITY_FIELDS, extra={"发放资料": _materials_text(activity)})


def _set_materials(activity: PublicityActivity, lines: dict[int, int]) -> None:
    """Replace the activity's lines, drawing on the stock; a line the stock cannot cover is refused."""
    from xinfang.publicity.selectors import stock_of

    kinds = {kind.pk: kind for kind in MaterialKind.objects.select_for_update().filter(pk__in=lines)}
    old = dict(activity.materials.values_list("kind_id", "quantity"))
    short = []
    for kind_id, quantity in lines.items():
        kind = kinds.get(kind_id)
        if kind is None:
            raise ValidationError({"materials": "资料种类不存在"})
        available = stock_of(kind_id) + old.get(kind_id, 0)
        if quantity > available:
            short.append(f"{kind.name}库存{available}{kind.unit}，不足发放{quantity}{kind.unit}")
    if short:
        raise ValidationError({"materials": "；".join(short) + "。请先登记资料入库"})
    activity.materials.all().delete()
    ActivityMaterial.objects.bulk_create(
        ActivityMaterial(activity=activity, kind_id=kind_id, quantity=quantity) for kind_id, quantity in lines.items())


@transaction.atomic
def activity_create(*, data: ActivityInput, actor: User) -> PublicityActivity:
    require_recorder(actor, action="登记普法宣传活动")
    form, organiser, lines = _activity_clean(data, actor)
    activity = PublicityActivity(
        number=next_number(series="pub_activity", mark="普法", year=data.held_on.year), held_on=data.held_on,
        form=form, topic=data.topic.strip(), place=data.place.strip(), organiser=organiser,
        audience=data.audience.strip(), person_times=data.person_times, note=data.note.strip(), recorded_by=actor)
    activity.full_clean()
    activity.save()
    _set_materials(activity, lines)
    version_append(ledger=HISTORY_ACTIVITY, record=activity, actor=actor, action="登记",
                   data=_activity_snapshot(activity))
    audit_record(actor=actor, action="publicity.activity_create", target=activity,
                 data={"number": activity.number, "materials": {str(k): v for k, v in lines.items()}})
    return activity


@transaction.atomic
def activity_update(*, activity_id: int, data: ActivityInput, actor: User,
                    expected_version: int | None = None) -> PublicityActivity:
    require_recorder(actor, action="修改普法宣传活动")
    from xinfang.publicity.selectors import activities_visible_to

    activity = _locked(activities_visible_to(user=actor), activity_id, "宣传活动")
    _version(activity, expected_version)
    before = _activity_snapshot(activity)
    form, organiser, lines = _activity_clean(data, actor)
    activity.held_on, activity.form, activity.topic = data.held_on, form, data.topic.strip()
    activity.place, activity.organiser, activity.audience = data.place.strip(), organiser, data.audience.strip()
    activity.person_times, activity.note = data.person_times, data.note.strip()
    activity.version += 1
    activity.full_clean()
    activity.save()
    _set_materials(activity, lines)
    version = version_append(ledger=HISTORY_ACTIVITY, record=activity, actor=actor, action="修改",
                             data=_activity_snapshot(activity), before=before)
    audit_record(actor=actor, action="publicity.activity_update", target=activity,
                 data={"number": activity.number, "changes": list(version.changes)})
    return activity


@transaction.atomic
def receipt_create(*, kind_id: int, org_id: int, received_on: date, quantity: int, source: str,
                   actor: User) -> MaterialReceipt:
    """Stock received of one kind of material (印制、上级下发)."""
    require_recorder(actor, action="登记宣传资料入库")
    errors: dict[str, str] = {}
    kind = MaterialKind.objects.filter(pk=kind_id, is_active=True).first()
    if kind is None:
        errors["kind"] = "请选择资料种类"
    org = Org.objects.filter(pk=org_id, is_active=True).first()
    if org is None or not in_scope(actor, org.pk):
        errors["org"] = "入库单位不存在或不在本单位范围内"
    _day(received_on, errors, "received_on")
    if quantity < 1:
        errors["quantity"] = "入库数量应为正整数"
    if errors:
        raise ValidationError(errors)
    receipt = MaterialReceipt.objects.create(kind=kind, org=org, received_on=received_on, quantity=quantity,
                                             source=source.strip(), recorded_by=actor)
    audit_record(actor=actor, action="publicity.material_receipt", target=receipt,
                 data={"kind": kind.name, "quantity": quantity})
    return receipt


# --- 培训 --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingInput:
    held_on: date
    topic: str
    trainer: str
    organiser_id: int
    attendees: int
    hours: Decimal
    attendee_ids: tuple[int, ...] = ()


def _training_clean(data: TrainingInput, actor: User) -> tuple[Org, list[User]]:
    errors: dict[str, str] = {}
    organiser = _organiser(data.organiser_id, actor, errors)
    _day(data.held_on, errors)
    if not data.topic.strip():
        errors["topic"] = "请填写培训主题"
    if not data.trainer.strip():
        errors["trainer"] = "请填写授课人"
    if data.attendees < 1:
        errors["attendees"] = "参训人数应不小于1"
    if not (Decimal("0") < data.hours <= Decimal("100")):
        errors["hours"] = "学时应大于0且不超过100"
    users = list(User.objects.filter(pk__in=data.attendee_ids))
    if len(users) > data.attendees:
        errors["attendee_ids"] = "列出的参训人员多于参训人数"
    outside = [user.get_full_name() or user.username for user in users
               if user.org_id is None or not in_scope(actor, user.org_id)]
    if outside:
        errors["attendee_ids"] = f"不在本单位范围内：{'、'.join(outside)}"
    if errors:
        raise ValidationError(errors)
    return organiser, users


def _training_snapshot(session: TrainingSession) -> dict:
    return snapshot(session, fields=TRAINING_FIELDS, extra={"参训人员": "、".join(
        user.get_full_name() or user.username for user in session.attendee_users.order_by("pk"))})


@transaction.atomic
def training_create(*, data: TrainingInput, actor: User) -> TrainingSession:
    require_recorder(actor, action="登记培训")
    organiser, users = _training_clean(data, actor)
    session = TrainingSession(number=next_number(series="pub_training", mark="培训", year=data.held_on.year),
                              held_on=data.held_on, topic=data.topic.strip(), trainer=data.trainer.strip(),
                              organiser=organiser, attendees=data.attendees, hours=data.hours, recorded_by=actor)
    session.full_clean()
    session.save()
    session.attendee_users.set(users)
    version_append(ledger=HISTORY_TRAINING, record=session, actor=actor, action="登记",
                   data=_training_snapshot(session))
    audit_record(actor=actor, action="publicity.training_create", target=session, data={"number": session.number})
    return session


@transaction.atomic
def training_update(*, session_id: int, data: TrainingInput, actor: User,
                    expected_version: int | None = None) -> TrainingSession:
    require_recorder(actor, action="修改培训")
    from xinfang.publicity.selectors import trainings_visible_to

    session = _locked(trainings_visible_to(user=actor), session_id, "培训")
    _version(session, expected_version)
    before = _training_snapshot(session)
    organiser, users = _training_clean(data, actor)
    session.held_on, session.topic, session.trainer = data.held_on, data.topic.strip(), data.trainer.strip()
    session.organiser, session.attendees, session.hours = organiser, data.attendees, data.hours
    session.version += 1
    session.full_clean()
    session.save()
    session.attendee_users.set(users)
    version = version_append(ledger=HISTORY_TRAINING, record=session, actor=actor, action="修改",
                             data=_training_snapshot(session), before=before)
    audit_record(actor=actor, action="publicity.training_update", target=session,
                 data={"number": session.number, "changes": list(version.changes)})
    return session


# --- 考试 --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExamInput:
    held_on: date
    title: str
    organiser_id: int
    invited: int
    participants: int
    passes: int


def _exam_clean(data: ExamInput, actor: User) -> Org:
    errors: dict[str, str] = {}
    organiser = _organiser(data.organiser_id, actor, errors)
    _day(data.held_on, errors)
    if not data.title.strip():
        errors["title"] = "请填写考试名称"
    if data.invited < 1:
        errors["invited"] = "应考人数应不小于1"
    if data.participants > data.invited:
        errors["participants"] = "参考人数不能多于应考人数"
    if data.passes > data.participants:
        errors["passes"] = "通过人数不能多于参考人数"
    if errors:
        raise ValidationError(errors)
    return organiser


@transaction.atomic
def exam_create(*, data: ExamInput, actor: User) -> LawExam:
    require_recorder(actor, action="登记学法考试")
    organiser = _exam_clean(data, actor)
    exam = LawExam(number=next_number(series="pub_exam", mark="考试", year=data.held_on.year), held_on=data.held_on,
                   title=data.title.strip(), organiser=organiser, invited=data.invited,
                   participants=data.participants, passes=data.passes, recorded_by=actor)
    exam.full_clean()
    exam.save()
    version_append(ledger=HISTORY_EXAM, record=exam, actor=actor, action="登记",
                   data=snapshot(exam, fields=EXAM_FIELDS))
    audit_record(actor=actor, action="publicity.exam_create", target=exam, data={"number": exam.number})
    return exam


@transaction.atomic
def exam_update(*, exam_id: int, data: ExamInput, actor: User, expected_version: int | None = None) -> LawExam:
    require_recorder(actor, action="修改学法考试")
    from xinfang.publicity.selectors import exams_visible_to

    exam = _locked(exams_visible_to(user=actor), exam_id, "考试")
    _version(exam, expected_version)
    before = snapshot(exam, fields=EXAM_FIELDS)
    exam.organiser = _exam_clean(data, actor)
    exam.held_on, exam.title = data.held_on, data.title.strip()
    exam.invited, exam.participants, exam.passes = data.invited, data.participants, data.passes
    exam.version += 1
    exam.full_clean()
    exam.save()
    version = version_append(ledger=HISTORY_EXAM, record=exam, actor=actor, action="修改",
                             data=snapshot(exam, fields=EXAM_FIELDS), before=before)
    audit_record(actor=actor, action="publicity.exam_update", target=exam,
                 data={"number": exam.number, "changes": list(version.changes)})
    return exam
