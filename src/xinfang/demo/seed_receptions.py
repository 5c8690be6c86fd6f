"""Demo data of the receptions ledger: the district's leaders' schedules and receptions, with the visits received.

`seed_receptions(today=…)` runs after the district and its petitions exist (xinfang seed): 区领导 赵立新 and two
township heads (created here if missing, password DEMO_PASSWORD) hold 领导接访日, 约访 and 下访 over the last six
months, each reception linked to the demo visits (来访) registered that day; the coming weeks' schedules are
published (one withdrawn, one cancelled). Everything goes through receptions.services as the office's 登记员,
so it is audited and versioned like typed-in data. A second run adds nothing.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from xinfang.demo.district import DEMO_PASSWORD
from xinfang.orgs.models import Org, Role, User
from xinfang.orgs.services import user_create
from xinfang.petitions.models import Channel, Petition
from xinfang.receptions import services
from xinfang.receptions.models import Reception, ReceptionKind, TimeSlot

TOWNSHIP_LEADERS = (("leader-qingshi", "钱卫东", "青石镇"), ("leader-qingxi", "郑海燕", "清溪街道"))
PLACES = {ReceptionKind.DAY: "区群众来访接待中心", ReceptionKind.APPOINTMENT: "区信访办约访室"}
TOPICS = ("欠薪讨薪", "征地拆迁", "物业管理", "农村土地承包", "教育入学", "社会保障")


def _leaders() -> list[User]:
    leaders = list(User.objects.filter(username="leader", roles__role=Role.LEADER))
    for username, name, org_name in TOWNSHIP_LEADERS:
        user = User.objects.filter(username=username).first()
        org = Org.objects.filter(name=org_name, kind=Org.Kind.TOWNSHIP).first()
        if user is None and org is not None:
            user = user_create(username=username, password=DEMO_PASSWORD, org=org, roles=[Role.LEADER],
                               full_name=name, actor=None)
        if user is not None:
            leaders.append(user)
    return leaders


def _kind(leader: User, rng: random.Random) -> str:
    if leader.org.kind == Org.Kind.TOWNSHIP:
        return ReceptionKind.VISIT_DOWN if rng.random() < 0.5 else ReceptionKind.DAY
    return rng.choice((ReceptionKind.DAY, ReceptionKind.DAY, ReceptionKind.APPOINTMENT, ReceptionKind.VISIT_DOWN))


def _place(leader: User, kind: str, rng: random.Random) -> str:
    if kind == ReceptionKind.VISIT_DOWN:
        villages = list(Org.objects.filter(kind=Org.Kind.VILLAGE, path__startswith=leader.org.path)
                        .values_list("name", flat=True)[:30]) if leader.org.kind == Org.Kind.TOWNSHIP else []
        return f"{rng.choice(villages)}村委会" if villages else "青石镇人民政府"
    if leader.org.kind == Org.Kind.TOWNSHIP:
        return f"{leader.org.name}综治中心接待室"
    return PLACES[kind]


@transaction.atomic
def seed_receptions(*, today: date) -> str:
    """Schedules and receptions of the demo district's leaders; a short report of what was made."""
    if Reception.objects.exists():
        return "领导接访：已有数据，未重复生成"
    clerk = User.objects.filter(username="clerk").first()
    leaders = _leaders()
    if clerk is None or not leaders:
        return "领导接访：没有演示区县的登记员或领导干部，未生成"
    today = min(today, timezone.localdate())  # a reception is never recorded ahead of the real day
    rng = random.Random(15)
    receptions = linked = schedules = published = 0
    for week in range(26, 0, -1):
        leader = leaders[week % len(leaders)]
        day = today - timedelta(weeks=week) + timedelta(days=rng.randrange(5))
        kind = _kind(leader, rng)
        schedule = services.schedule_create(actor=clerk, data=services.ScheduleInput(
            leader_id=leader.pk, scheduled_on=day, slot=rng.choice(TimeSlot.values), place=_place(leader, kind, rng),
            kind=kind, topics=rng.choice(TOPICS)))
        visits = list(Petition.objects.filter(channel=Channel.VISIT, received_at__date=day)
                      .order_by("id").values_list("number", flat=True)[:rng.randint(1, 4)])
        batches = max(len(visits), rng.randint(1, 5))
        reception = services.reception_create(actor=clerk, data=services.ReceptionInput(
            leader_id=leader.pk, received_on=day, place=schedule.place, kind=kind, batches=batches,
            person_times=batches + rng.randint(0, 6), schedule_id=schedule.pk,
            amount=Decimal(rng.choice((0, 0, 1250, 3680, 12000, 56025))) / 100,
            summary=f"接待{schedule.topics}等问题来访群众", instructions="依法依规、按期办结，结果向来访群众反馈",
            petition_numbers=tuple(visits)))
        schedules, receptions, linked = schedules + 1, receptions + 1, linked + reception.petition_links.count()
    for index in range(6):
        leader = leaders[index % len(leaders)]
        kind = _kind(leader, rng)
        schedule = services.schedule_create(actor=clerk, data=services.ScheduleInput(
            leader_id=leader.pk, scheduled_on=today + timedelta(days=3 + 7 * index), slot=rng.choice(TimeSlot.values),
            place=_place(leader, kind, rng), kind=kind, topics=rng.choice(TOPICS)))
        schedules += 1
        if index < 5:
            services.schedule_publish(schedule_id=schedule.pk, publish=True, actor=clerk)
            published += 1
        if index == 4:
            services.schedule_cancel(schedule_id=schedule.pk, reason="领导另有公务，另行安排", actor=clerk)
            published -= 1
    return (f"领导接访：安排{schedules}次（公布{published}次），接访{receptions}场次，"
            f"关联来访{linked}件（领导{len(leaders)}人）")
