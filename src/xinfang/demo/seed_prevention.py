"""Demo data of the 矛盾纠纷排查化解 and 社会稳定风险评估 ledgers.

`seed_prevention(today=…)` runs after the district and its petitions exist (xinfang seed): a 全区矛盾纠纷大排查 led
by the district and a 欠薪 专项排查 by 区人社局; thirteen disputes across fields, townships and risk levels, with
amounts — some settled (reported by the township's account, verified by the office's 审核员 周建国), one awaiting
verification, one verified 未化解, one past its 化解期限 (超期未化解), two 批次 of a collective matter, a few linked to
earlier demo petitions of their place; six 重大决策事项, five with a 社会稳定风险评估 (工程项目类/政策制定类, 准予实施 /
暂缓实施; 备案 passed, returned, awaiting review, not filed) and one needing an assessment without one (应评未评).
Everything goes through prevention.services_disputes / services_assessments, so it is audited and versioned like
typed-in data. A second run adds nothing.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from xinfang.orgs.models import Org, User
from xinfang.orgs.selectors import org_subtree
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.prevention import services_assessments as assessments
from xinfang.prevention import services_disputes as disputes
from xinfang.prevention.assessments import MajorDecision, StabilityAssessment
from xinfang.prevention.disputes import Dispute, ScreeningCampaign
from xinfang.prevention.lists import AssessmentKind, CampaignKind, DisputeField
from xinfang.prevention.reference_data import lists_seed

HOUSING = "锦绣花园业主集体反映延期交房及质量问题"
WAGES = "某建筑公司拖欠农民工工资集体讨薪"
DISPUTES = (
    # summary, field, place, risk, 人次, 万元, days ago found, days to deadline, source (campaign: C1/C2),
    # outcome (settled/reported/unsettled/open), batch, link a petition
    ("桃源村某工地拖欠农民工工资", "欠薪讨薪/双拖欠", "青石镇", "high", 18, "42.60", 110, 30, "C1", "settled", "", True),
    ("锦绣花园业主反映开发商延期交房", "房地产", "清溪街道", "high", 35, "0.00", 105, 120, "C1", "open", HOUSING, True),
    ("锦绣花园业主反映房屋渗水开裂", "房地产", "清溪街道", "medium", 22, "0.00", 100, 120, "C1", "reported", HOUSING,
     False),
    ("锦绣花园业主反映车位捆绑销售", "房地产", "清溪街道", "medium", 12, "0.00", 95, 120, "grid", "open", HOUSING, False),
    ("龙泉片区征地拆迁补偿标准争议", "征地拆迁", "龙泉街道", "high", 6, "120.00", 100, 45, "C1", "open", "", True),
    ("白沙镇砂石场停产职工经济补偿", "企业裁员", "白沙镇", "high", 26, "88.40", 55, 30, "C2", "settled", "", False),
    ("某餐饮企业拖欠员工工资", "欠薪讨薪/双拖欠", "白鹤街道", "medium", 9, "6.30", 50, 20, "C2", "settled", "", False),
    ("某建筑公司拖欠青石镇农民工工程款", "欠薪讨薪/双拖欠", "青石镇", "high", 40, "155.00", 48, 60, "C2", "open", WAGES,
     False),
    ("某建筑公司拖欠白沙镇农民工工程款", "欠薪讨薪/双拖欠", "白沙镇", "high", 15, "37.50", 47, 60, "C2", "open", WAGES,
     False),
    ("相邻房屋采光纠纷", "婚姻家庭邻里", "白鹤街道", "low", 2, "0.00", 30, 30, "hotline", "settled", "", False),
    ("某培训机构停业学员退费纠纷", "教育培训", "清溪街道", "medium", 60, "48.00", 20, 30, "petition", "open", "", True),
    ("出租汽车经营权承包费纠纷", "出租汽车", "龙泉街道", "low", 8, "12.00", 40, 30, "hotline", "unsettled", "", False),
    ("农村土地流转租金拖欠纠纷", "土地流转", "青石镇", "medium", 40, "31.75", 25, 60, "other", "open", "", False),
)
METHODS = {"欠薪讨薪/双拖欠": "mediation", "企业裁员": "arbitration", "婚姻家庭邻里": "mediation"}
DECISIONS = (
    # title, kind, days ago decided, assessment (conclusion, risk, days ago assessed, filing) or None
    ("城南片区旧城改造项目", "工程项目类", 150, ("approve", "medium", 160, "passed")),
    ("区属中小学学区划分调整", "政策制定类", 120, ("defer", "high", 125, "returned")),
    ("垃圾焚烧发电厂选址建设", "工程项目类", 90, ("defer", "high", 100, "passed")),
    ("城区出租汽车经营权配置办法", "政策制定类", 60, ("approve", "medium", 65, "received")),
    ("龙泉片区主干道拓宽工程", "工程项目类", 40, ("approve", "low", 45, "not_filed")),
    ("老旧小区加装电梯财政补贴政策", "政策制定类", 20, None),  # 应评未评
)


def _org(name: str) -> Org | None:
    return Org.objects.filter(name=name).first() or Org.objects.filter(short_name=name).first()


def _recorder(org: Org, clerk: User) -> User:
    """The place's own demo account (承办人 and 负责人) when there is one; else the office's clerk."""
    return User.objects.filter(org=org, is_active=True).order_by("username").first() or clerk


def _earlier_petition(org: Org, before: date, *, clerk: User) -> str | None:
    ids = org_subtree(org=org).values("pk")
    petitions = petitions_visible_to(user=clerk).filter(
        Q(locality_id__in=ids) | Q(handling_org_id__in=ids), received_at__date__lt=before)
    return petitions.order_by("received_at", "pk").values_list("number", flat=True).first()


def _campaigns(*, today: date, clerk: User) -> dict[str, ScreeningCampaign]:
    kinds = {kind.name: kind.pk for kind in CampaignKind.objects.all()}
    townships = list(Org.objects.filter(kind=Org.Kind.TOWNSHIP, is_active=True).values_list("pk", flat=True))
    government, labour = _org("清溪区人民政府") or clerk.org, _org("区人社局") or clerk.org
    county_wide = disputes.campaign_create(actor=clerk, data=disputes.CampaignInput(
        title=f"{(today - timedelta(days=120)).year}年全区矛盾纠纷大排查", kind_id=kinds["全县大排查"],
        organiser_id=government.pk, started_on=today - timedelta(days=120), ended_on=today - timedelta(days=90),
        scope="全区各镇街、村（社区）和区级部门", org_ids=tuple(townships),
        note="各镇街逐村逐户排查，重点排查房地产、征地拆迁、欠薪等领域"))
    special = disputes.campaign_create(actor=clerk, data=disputes.CampaignInput(
        title="根治欠薪专项排查", kind_id=kinds["专项排查"], organiser_id=labour.pk,
        started_on=today - timedelta(days=60), ended_on=today - timedelta(days=45),
        scope="在建工程项目和劳动密集型企业", org_ids=tuple(townships), note="联合住建、人社部门排查欠薪隐患"))
    return {"C1": county_wide, "C2": special}


def _dispute(row, *, today: date, clerk: User, reviewer: User, campaigns: dict) -> Dispute | None:
    summary, field, place, risk, persons, amount, ago, to_deadline, source, outcome, batch, link = row
    org = _org(place)
    if org is None:
        return None
    found = today - timedelta(days=ago)
    # A batch over two townships is the office's to record: a township may join only a batch it sees.
    recorder = clerk if batch == WAGES else _recorder(org, clerk)
    petition = _earlier_petition(org, found, clerk=recorder) if link else None
    campaign = campaigns.get(source)
    dispute = disputes.dispute_create(actor=recorder, data=disputes.DisputeInput(
        source="campaign" if campaign else source, campaign_id=campaign.pk if campaign else None,
        field_id=DisputeField.objects.get(name=field).pk, summary=summary,
        parties=f"{summary[:6]}涉及群众{persons}人；相关企业或单位", person_times=persons, amount=Decimal(amount),
        locality_id=org.pk, risk_level=risk, responsible_org_id=org.pk, responsible_person=f"{place}分管负责人",
        found_on=found, deadline=found + timedelta(days=to_deadline), batch=batch,
        measures="包案化解，约谈相关企业，依法依规解决合理诉求", petition_numbers=(petition,) if petition else ()))
    if outcome == "open":
        return dispute
    if outcome == "unsettled":
        settlement = disputes.SettlementInput(outcome="unsettled", unsettled_reason="当事人已申请行政复议，依法按复议程序处理")
    else:
        settlement = disputes.SettlementInput(
            outcome="settled", settled_on=min(found + timedelta(days=max(to_deadline - 5, 1)), today),
            method=METHODS.get(field, "negotiation"), note="双方达成协议并履行，当事人签字息诉")
    disputes.dispute_report_settlement(dispute_id=dispute.pk, data=settlement, actor=recorder)
    if outcome != "reported":
        verified_on = settlement.settled_on or min(found + timedelta(days=to_deadline), today)
        dispute = disputes.dispute_verify(dispute_id=dispute.pk, approve=True, actor=reviewer,
                                          verified_on=verified_on)
    return dispute


def _decision(row, *, today: date, clerk: User, reviewer: User, government: Org) -> bool:
    """A decision and its assessment; True if the assessment was made."""
    title, kind, decided_ago, assessment = row
    kind_id = AssessmentKind.objects.get(name=kind).pk
    decision = assessments.decision_create(actor=clerk, data=assessments.DecisionInput(
        title=title, kind_id=kind_id, deciding_org_id=government.pk, decided_on=today - timedelta(days=decided_ago)))
    if assessment is None:
        return False
    conclusion, risk, assessed_ago, filing = assessment
    assessed = today - timedelta(days=assessed_ago)
    made = assessments.assessment_create(actor=clerk, data=assessments.AssessmentInput(
        title=title, kind_id=kind_id, deciding_org_id=government.pk, assessing_body="清溪区社会稳定风险评估中心",
        assessed_on=assessed, risk_level=risk, conclusion=conclusion, decision_id=decision.pk,
        summary="主要风险：群众对补偿安置和施工影响的意见；防范措施：公开征求意见、专班包片、分级预警"))
    if filing == "not_filed":
        return True
    assessments.assessment_file(assessment_id=made.pk, actor=clerk, filed_on=assessed + timedelta(days=5))
    if filing == "passed":
        assessments.assessment_review(assessment_id=made.pk, passed=True, actor=reviewer,
                                      reviewed_on=assessed + timedelta(days=10))
    elif filing == "returned":
        assessments.assessment_review(assessment_id=made.pk, passed=False, actor=reviewer,
                                      reason="未附群众意见征集材料，请补充后重新报备",
                                      reviewed_on=assessed + timedelta(days=10))
    return True


@transaction.atomic
def seed_prevention(*, today: date) -> str:
    """排查, 纠纷 (批次, 化解, 超期) and 重大决策事项 with their 风险评估. A short report of what was made."""
    if (ScreeningCampaign.objects.exists() or Dispute.objects.exists() or MajorDecision.objects.exists()
            or StabilityAssessment.objects.exists()):
        return "矛盾纠纷排查、风险评估台账已有数据，未重复生成"
    clerk = User.objects.filter(username="clerk").first()
    reviewer = User.objects.filter(username="reviewer").first()
    if clerk is None or reviewer is None:
        return "缺少演示账号（clerk、reviewer），未生成矛盾纠纷排查、风险评估"
    lists_seed(field_model=DisputeField, campaign_kind_model=CampaignKind, assessment_kind_model=AssessmentKind)
    campaigns = _campaigns(today=today, clerk=clerk)
    made = [dispute for row in DISPUTES
            if (dispute := _dispute(row, today=today, clerk=clerk, reviewer=reviewer, campaigns=campaigns))]
    government = _org("清溪区人民政府") or clerk.org
    assessed = sum(_decision(row, today=today, clerk=clerk, reviewer=reviewer, government=government)
                   for row in DECISIONS)
    settled = sum(dispute.status == Dispute.Status.SETTLED for dispute in made)
    batches = len({dispute.batch_id for dispute in made if dispute.batch_id})
    return (f"矛盾纠纷排查 {len(campaigns)} 次，纠纷 {len(made)} 件（批次 {batches} 个，已化解 {settled} 件），"
            f"重大决策事项 {len(DECISIONS)} 件，社会稳定风险评估 {assessed} 件")
