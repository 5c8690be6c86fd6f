"""普法宣传's indicators (宣讲场次 … 通过率), declared with the ledger engine (stats.ledgers), drillable to records.

Registered as the section "publicity" (apps.ready). Counts are over the reader's rows (selectors *_visible_to),
within an org's subtree (the organiser's), for an inclusive period of the record's date.
"""

from collections.abc import Callable

from django.db.models import Q

from xinfang.orgs.models import Org
from xinfang.publicity.models import ActivityForm, MaterialKind
from xinfang.publicity.permissions import can_read
from xinfang.publicity.selectors import (
    activities_visible_to,
    exams_visible_to,
    material_lines_visible_to,
    trainings_visible_to,
)
from xinfang.stats.ledgers import (
    Breakdown,
    Column,
    Ledger,
    LedgerIndicator,
    LedgerMeasure,
    LedgerQuery,
    LedgerSection,
)

ACTIVITIES = Ledger("pub_activities", "普法宣传活动", activities_visible_to, ("organiser_id",),
                    {"organiser": "organiser_id", "form": "form_id"}, "publicity:activity-detail",
                    related=("organiser", "form"), columns=(
                        Column("主题", lambda r: r.topic), Column("日期", lambda r: r.held_on),
                        Column("组织单位", lambda r: r.organiser.name), Column("形式", lambda r: r.form.name),
                        Column("覆盖人次", lambda r: r.person_times)))
MATERIALS = Ledger("pub_materials", "发放资料", material_lines_visible_to, ("activity__organiser_id",),
                   {"organiser": "activity__organiser_id", "form": "activity__form_id", "material": "kind_id"},
                   "publicity:activity-line", related=("activity", "kind"), columns=(
                       Column("活动", lambda r: f"{r.activity.number} {r.activity.topic}"),
                       Column("日期", lambda r: r.activity.held_on), Column("资料", lambda r: r.kind.name),
                       Column("份数", lambda r: r.quantity)))
TRAININGS = Ledger("pub_trainings", "培训", trainings_visible_to, ("organiser_id",), {"organiser": "organiser_id"},
                   "publicity:training-detail", related=("organiser",), columns=(
                       Column("主题", lambda r: r.topic), Column("日期", lambda r: r.held_on),
                       Column("组织单位", lambda r: r.organiser.name), Column("参训人数", lambda r: r.attendees)))
EXAMS = Ledger("pub_exams", "学法考试", exams_visible_to, ("organiser_id",), {"organiser": "organiser_id"},
               "publicity:exam-detail", related=("organiser",), columns=(
                   Column("考试", lambda r: r.title), Column("日期", lambda r: r.held_on),
                   Column("组织单位", lambda r: r.organiser.name),
                   Column("应考/参考/通过", lambda r: f"{r.invited}/{r.participants}/{r.passes}")))

PERIOD_RULES = {"held": "按活动（培训、考试）日期计入", "activity_held": "按所属宣传活动的日期计入"}


def _between(name: str) -> Callable[[LedgerQuery], Q]:
    return lambda q: Q(**{f"{name}__range": (q.start, q.end)})


HELD = _between("held_on")
LINE_HELD = _between("activity__held_on")


def _build() -> tuple[LedgerIndicator, ...]:
    exam_sum = lambda name: LedgerMeasure(EXAMS, HELD, sum_field=name)  # noqa: E731
    items = [
        LedgerIndicator("publicity_activities", "宣讲场次", "期间内开展的普法宣传活动（宣讲、集中宣传、进村入户等）场次",
                        "held", "count", LedgerMeasure(ACTIVITIES, HELD), unit_zh="场"),
        LedgerIndicator("publicity_person_times", "覆盖人次", "期间内普法宣传活动覆盖人次之和", "held", "sum",
                        LedgerMeasure(ACTIVITIES, HELD, sum_field="person_times"), unit_zh="人次"),
        LedgerIndicator("publicity_materials", "发放资料份数", "期间内普法宣传活动发放的宣传资料份数之和",
                        "activity_held", "sum", LedgerMeasure(MATERIALS, LINE_HELD, sum_field="quantity"),
                        unit_zh="份"),
        LedgerIndicator("publicity_trainings", "培训场次", "期间内举办的培训场次", "held", "count",
                        LedgerMeasure(TRAININGS, HELD), unit_zh="场"),
        LedgerIndicator("publicity_trainees", "培训人次", "期间内培训的参训人数之和", "held", "sum",
                        LedgerMeasure(TRAININGS, HELD, sum_field="attendees"), unit_zh="人次"),
        LedgerIndicator("publicity_exams", "考试场次", "期间内组织的学法考试场次", "held", "count",
                        LedgerMeasure(EXAMS, HELD), unit_zh="场"),
        LedgerIndicator("publicity_exam_participants", "参考人数", "期间内学法考试的参考人数之和", "held", "sum",
                        exam_sum("participants"), unit_zh="人"),
        LedgerIndicator("publicity_exam_participation_rate", "参与率", "期间内学法考试的参考人数之和 ÷ 应考人数之和",
                        "held", "rate", exam_sum("participants"), exam_sum("invited"), unit_zh="%"),
        LedgerIndicator("publicity_exam_pass_rate", "通过率", "期间内学法考试的通过人数之和 ÷ 参考人数之和", "held",
                        "rate", exam_sum("passes"), exam_sum("participants"), unit_zh="%"),
    ]
    return tuple(items)


INDICATORS = _build()


def _group_labels(dimension: str, keys: list) -> dict:
    if dimension == "organiser":
        return dict(Org.objects.filter(pk__in=keys).values_list("pk", "name"))
    if dimension == "form":
        return dict(ActivityForm.objects.filter(pk__in=keys).values_list("pk", "name"))
    return dict(MaterialKind.objects.filter(pk__in=keys).values_list("pk", "name"))


SECTION = LedgerSection(
    key="publicity", title="普法宣传", ledgers=(ACTIVITIES, MATERIALS, TRAININGS, EXAMS), indicators=INDICATORS,
    period_rules=PERIOD_RULES, can_read=can_read, group_labels=_group_labels, tabs_template="publicity/_tabs.html",
    dimension_labels={"organiser": "组织单位", "form": "宣传形式", "material": "资料种类"},
    breakdowns=(
        Breakdown("organiser", "按组织单位", tuple(indicator.key for indicator in INDICATORS)),
        Breakdown("form", "按宣传形式", ("publicity_activities", "publicity_person_times", "publicity_materials")),
        Breakdown("material", "发放资料按种类", ("publicity_materials",)),
    ))
