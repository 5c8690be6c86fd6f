"""Demo data of the 积案/包案 ledger and the 群众信访问题清单.

`seed_backlog(today=…)` runs after the district and its petitions exist (xinfang seed): the district's leaders
(领导干部: 赵立新 and any township leader already created) each take cases — a batch assigned from above
(治重化积), cases listed by the district itself, one taken at a reception — some struck off by the office's
审核员 周建国, one returned; where a demo petition was later retold (a repeat petition after the case was struck
off) the 反流 is recorded. Everything goes through prevention.services_backlog as 林晓燕 (登记员) and 周建国, so it is
audited and versioned like typed-in data. A second run adds nothing.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from xinfang.orgs.models import Org, Role, User
from xinfang.petitions.models import Petition
from xinfang.prevention import services_backlog as services
from xinfang.prevention.backlog import BacklogCase, ProblemListItem

CASES = (  # summary, source, township or department short name, days ago assigned, outcome
    ("桃源村农民工工资久拖未付", "assigned", "青石镇", 150, "struck"),
    ("锦绣社区回迁房产证办理久拖未决", "assigned", "清溪街道", 140, "reported"),
    ("白沙镇砂石场扬尘噪声扰民", "assigned", "白沙镇", 120, "returned"),
    ("某小区物业费纠纷多次集体访", "screened", "清溪街道", 90, "open"),
    ("退役人员安置待遇诉求", "screened", "区退役军人局", 80, "struck"),
    ("农村土地承包经营权确权纠纷", "screened", "青石镇", 45, "open"),
)
PROBLEMS = (  # summary, responsible person, org, days ago listed, days to strike off, struck after (None: open)
    ("征地补偿款分配不公问题", "李镇长", "青石镇", 120, 60, 40),
    ("学区划分调整引发家长集中反映", "区教委张主任", "区教委", 100, 45, 60),
    ("老旧小区加装电梯意见分歧", "街道王主任", "清溪街道", 70, 90, None),
    ("砂石场停产职工安置问题", "镇长赵某", "白沙镇", 60, 30, None),
)


def _org(name: str) -> Org | None:
    return Org.objects.filter(name=name).first() or Org.objects.filter(short_name=name).first()


def _leaders() -> list[User]:
    return list(User.objects.filter(roles__role=Role.LEADER, is_active=True).order_by("username").distinct())


def _retold_pairs(today: date) -> list[tuple[Petition, Petition]]:
    """Demo matters retold a month or more after their first petition: (first, repeat)."""
    pairs = []
    for repeat in Petition.objects.filter(first_petition__isnull=False).select_related("first_petition")[:200]:
        gap = (repeat.received_at - repeat.first_petition.received_at).days
        if gap >= 30 and timezone.localdate(repeat.first_petition.received_at) <= today - timedelta(days=20):
            pairs.append((repeat.first_petition, repeat))
        if len(pairs) == 2:
            break
    return pairs


@transaction.atomic
def seed_backlog(*, today: date) -> str:
    """积案 with their 包案领导, 台账, 报结/销号 and 反流; the 问题清单. A short report of what was made."""
    if BacklogCase.objects.exists() or ProblemListItem.objects.exists():
        return "积案台账已有数据，未重复生成"
    clerk = User.objects.filter(username="clerk").first()
    reviewer = User.objects.filter(username="reviewer").first()
    leaders = _leaders()
    if clerk is None or reviewer is None or not leaders:
        return "缺少演示账号（clerk、reviewer 或领导干部），未生成积案"
    made = refluxes = 0
    for index, (summary, source, org_name, ago, outcome) in enumerate(CASES):
        org = _org(org_name)
        if org is None:
            continue
        assigned = today - timedelta(days=ago)
        case = services.case_create(actor=clerk, data=services.CaseInput(
            summary=summary, source=source, assigned_on=assigned, responsible_org_id=org.pk,
            leader_id=leaders[index % len(leaders)].pk, due_on=assigned + timedelta(days=90),
            batch="治重化积" if source == "assigned" else "", batch_number=f"ZZHJ-{index + 1:02d}" if source == "assigned"
            else "", task_force=f"{org.name}分管负责人、区信访办督查督办员"))
        _work(case, clerk, outcome, reviewer, today)
        made += 1
    for first, repeat in _retold_pairs(today):
        assigned = timezone.localdate(first.received_at)
        struck = min(assigned + timedelta(days=15), timezone.localdate(repeat.received_at) - timedelta(days=1))
        if struck <= assigned:
            continue
        case = services.case_create(actor=reviewer, data=services.CaseInput(
            summary=first.summary[:300], source="reception", assigned_on=assigned,
            responsible_org_id=(first.handling_org_id or first.locality_id), leader_id=leaders[0].pk,
            due_on=assigned + timedelta(days=60), petition_id=first.pk))
        services.case_report(case_id=case.pk, reported_on=struck, resolution="包案领导接访后协调解决，当事人息诉",
                             actor=reviewer)
        services.case_verify(case_id=case.pk, approve=True, struck_off_on=struck, actor=reviewer)
        refluxes += len(services.reflux_detect(petition=repeat, matter_root_id=first.pk, on=today))
        made += 1
    problems = 0
    for summary, person, org_name, ago, days, struck_after in PROBLEMS:
        org = _org(org_name)
        if org is None:
            continue
        listed = today - timedelta(days=ago)
        item = services.problem_create(actor=clerk, data=services.ProblemInput(
            summary, person, org.pk, listed, listed + timedelta(days=days)))
        if struck_after is not None:
            services.problem_strike_off(item_id=item.pk, struck_off_on=listed + timedelta(days=struck_after),
                                        note="已按清单要求化解，群众认可", actor=reviewer)
        problems += 1
    return f"积案 {made} 件（反流 {refluxes} 件），群众信访问题清单 {problems} 件"


def _work(case: BacklogCase, clerk: User, outcome: str, reviewer: User, today: date) -> None:
    start = case.assigned_on
    services.entry_add(case_id=case.pk, actor=clerk, data=services.EntryInput(
        start + timedelta(days=5), "包案领导召开专班会议，明确化解方案和责任分工", str(case.leader)))
    services.entry_add(case_id=case.pk, actor=clerk, data=services.EntryInput(
        start + timedelta(days=20), "专班上门走访当事人，听取诉求，协调相关部门", case.task_force[:100] or "专班"))
    if outcome == "open":
        return
    reported = min(start + timedelta(days=40), today)
    services.case_report(case_id=case.pk, reported_on=reported, resolution="诉求已依法依规解决，当事人签字息诉",
                         actor=clerk)
    if outcome == "struck":
        services.case_verify(case_id=case.pk, approve=True, struck_off_on=min(reported + timedelta(days=7), today),
                             actor=reviewer)
    elif outcome == "returned":
        services.case_verify(case_id=case.pk, approve=False, reason="回访发现当事人仍有诉求，需继续化解",
                             actor=reviewer)
