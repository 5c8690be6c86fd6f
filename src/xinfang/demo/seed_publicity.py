"""Demo data of 普法宣传: materials received, activities handing them out, training sessions, law exams.

`seed_publicity(today=…)` runs after the district exists (xinfang seed). Everything goes through
publicity.services as 林晓燕 (登记员, the district's office), so it is audited and versioned like typed-in data.
A second run adds nothing.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from xinfang.orgs.models import Org, User
from xinfang.publicity import services
from xinfang.publicity.models import ActivityForm, MaterialKind, MaterialReceipt, PublicityActivity

REGULATION, LEAFLET, POSTER = "《信访工作条例》单行本", "宣传折页", "宣传海报"
RECEIPTS = ((REGULATION, 2000, "市信访局下发"), (LEAFLET, 3000, "区信访办印制"), (POSTER, 200, "区信访办印制"))
ACTIVITIES = (  # days ago, form, topic, place, organiser, audience, 人次, materials
    (150, "集中宣传", "《信访工作条例》", "清溪区人民广场", "区信访办", "过往群众", 600,
     ((REGULATION, 400), (LEAFLET, 800), (POSTER, 40))),
    (120, "宣讲", "《信访工作条例》解读", "青石镇政府会议室", "青石镇", "镇村干部", 85, ((REGULATION, 85),)),
    (95, "进村入户", "依法逐级走访", "青石镇桃源村", "青石镇", "村民", 140, ((LEAFLET, 200),)),
    (60, "宣讲", "《信访工作条例》", "白沙镇文化站", "白沙镇", "群众代表", 120, ((REGULATION, 120), (LEAFLET, 150))),
    (30, "网络宣传", "信访法治化“典型案例”", "区政府网站、政务公众号", "区信访办", "网民", 5200, ()),
    (12, "以案释法", "依法信访、理性表达", "清溪街道锦绣社区", "清溪街道", "社区居民", 90, ((LEAFLET, 120),)),
)
TRAININGS = (  # days ago, topic, trainer, organiser, attendees, hours
    (140, "《信访工作条例》专题培训", "市信访局王处长", "区信访办", 64, Decimal("3")),
    (45, "信访事项办理程序与期限", "区信访办周建国", "青石镇", 28, Decimal("2")),
)
EXAMS = (  # days ago, title, organiser, invited, participants, passes
    (100, "全区信访干部学法考试", "区信访办", 120, 112, 104),
    (20, "白沙镇干部《信访工作条例》测试", "白沙镇", 40, 36, 31),
)


def _org(name: str) -> Org | None:
    return Org.objects.filter(name=name).first() or Org.objects.filter(short_name=name).first()


@transaction.atomic
def seed_publicity(*, today: date) -> str:
    """Receipts, activities, trainings and exams of the last half year. A short report of what was made."""
    if PublicityActivity.objects.exists() or MaterialReceipt.objects.exists():
        return "普法宣传台账已有数据，未重复生成"
    clerk = User.objects.filter(username="clerk").first()
    office = clerk.org if clerk is not None else None
    if clerk is None or office is None:
        return "缺少演示账号（clerk），未生成普法宣传"
    kinds = {kind.name: kind for kind in MaterialKind.objects.all()}
    forms = {form.name: form for form in ActivityForm.objects.all()}
    for name, quantity, source in RECEIPTS:
        services.receipt_create(kind_id=kinds[name].pk, org_id=office.pk, received_on=today - timedelta(days=170),
                                quantity=quantity, source=source, actor=clerk)
    made = [0, 0, 0]
    for ago, form, topic, place, organiser, audience, times, materials in ACTIVITIES:
        org = office if organiser == "区信访办" else _org(organiser)
        if org is None:
            continue
        services.activity_create(actor=clerk, data=services.ActivityInput(
            held_on=today - timedelta(days=ago), form_id=forms[form].pk, topic=topic, place=place,
            organiser_id=org.pk, audience=audience, person_times=times,
            materials=tuple((kinds[name].pk, number) for name, number in materials)))
        made[0] += 1
    for ago, topic, trainer, organiser, attendees, hours in TRAININGS:
        org = office if organiser == "区信访办" else _org(organiser)
        if org is None:
            continue
        services.training_create(actor=clerk, data=services.TrainingInput(
            held_on=today - timedelta(days=ago), topic=topic, trainer=trainer, organiser_id=org.pk,
            attendees=attendees, hours=hours))
        made[1] += 1
    for ago, title, organiser, invited, participants, passes in EXAMS:
        org = office if organiser == "区信访办" else _org(organiser)
        if org is None:
            continue
        services.exam_create(actor=clerk, data=services.ExamInput(
            held_on=today - timedelta(days=ago), title=title, organiser_id=org.pk, invited=invited,
            participants=participants, passes=passes))
        made[2] += 1
    return f"普法宣传活动 {made[0]} 场、培训 {made[1]} 场、学法考试 {made[2]} 场，资料入库 {len(RECEIPTS)} 批"
