"""Demo data of the 访调对接 and 导入诉讼 ledgers.

`seed_referrals(today=…)` runs after the district, its petitions and the other prevention ledgers exist (xinfang
seed): matters of several townships and departments handed to 人民调解, 法院诉前调解, 行政调解 and 仲裁 — some
mediated with money recovered, one failed, one withdrawn, some still with the mediators — each linked to an
earlier demo petition of its place where there is one (and to a dispute of that place, when the disputes ledger has
one); and three batches guided into litigation (导入诉讼) with a few petitions each. Everything goes through
prevention.services_referrals as 林晓燕 (登记员), so it is audited and versioned like typed-in data. A second run
adds nothing.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from xinfang.orgs.models import Org, User
from xinfang.orgs.selectors import org_subtree
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.prevention import services_referrals as services
from xinfang.prevention.disputes import Dispute
from xinfang.prevention.referrals import LitigationBatch, Referral

REFERRALS = (  # summary, path, receiving body, org, days ago, 人次, 涉及万元, outcome, days to outcome, 到位万元
    ("桃源村农民工工资纠纷", "peoples_mediation", "青石镇人民调解委员会", "青石镇", 160, 18, "42.60", "mediated", 21,
     "42.60"),
    ("锦绣社区物业服务合同纠纷", "court_mediation", "清溪区人民法院诉调对接中心", "清溪街道", 130, 35, "18.00",
     "mediated", 30, "12.50"),
    ("某商铺租赁合同纠纷", "commercial_arbitration", "滨江仲裁委员会", "龙泉街道", 110, 2, "65.00", "failed", 45,
     "0.00"),
    ("砂石场停产职工经济补偿纠纷", "labour_arbitration", "清溪区劳动人事争议仲裁委员会", "白沙镇", 95, 26, "88.40",
     "mediated", 40, "80.00"),
    ("相邻采光纠纷", "peoples_mediation", "白鹤街道人民调解委员会", "白鹤街道", 70, 4, "0.00", "withdrawn", 10,
     "0.00"),
    ("学校食堂承包合同纠纷", "administrative_mediation", "清溪区教育委员会", "区教委", 50, 3, "26.30", "pending", None,
     "0.00"),
    ("农村土地流转租金纠纷", "court_mediation", "清溪区人民法院诉调对接中心", "青石镇", 25, 40, "31.75", "pending", None,
     "0.00"),
)
BATCHES = (  # title, court, org, days ago, 件, 人次, 万元
    ("涉法涉诉信访事项导入诉讼（第一批）", "清溪区人民法院", "区信访办", 140, 6, 9, "57.20"),
    ("房地产权属纠纷导入诉讼", "清溪区人民法院", "区住建委", 80, 3, 12, "210.00"),
    ("劳动争议信访事项导入诉讼（第二批）", "清溪区人民法院", "区人社局", 30, 4, 15, "33.90"),
)


def _org(name: str) -> Org | None:
    return Org.objects.filter(name=name).first() or Org.objects.filter(short_name=name).first()


def _earlier_petitions(org: Org, before: date, count: int, *, clerk: User) -> list[str]:
    """Demo petitions the clerk may see, of the org's place or handled by it, received before the day."""
    ids = org_subtree(org=org).values("pk")
    petitions = petitions_visible_to(user=clerk).filter(
        Q(locality_id__in=ids) | Q(handling_org_id__in=ids), received_at__date__lt=before)
    return list(petitions.order_by("received_at", "pk").values_list("number", flat=True)[:count])


def _earlier_dispute(org: Org, before: date) -> str:
    ids = org_subtree(org=org).values("pk")
    dispute = Dispute.objects.filter(locality_id__in=ids, found_on__lte=before).order_by("found_on", "pk").first()
    return dispute.number if dispute else ""


@transaction.atomic
def seed_referrals(*, today: date) -> str:
    """访调对接 with outcomes and amounts, and 导入诉讼 batches. A short report of what was made."""
    if Referral.objects.exists() or LitigationBatch.objects.exists():
        return "访调对接台账已有数据，未重复生成"
    clerk = User.objects.filter(username="clerk").first()
    if clerk is None:
        return "缺少演示账号 clerk，未生成访调对接"
    referrals = mediated = 0
    for summary, path, body, org_name, ago, persons, involved, outcome, days, recovered in REFERRALS:
        org = _org(org_name)
        if org is None:
            continue
        referred = today - timedelta(days=ago)
        petitions = _earlier_petitions(org, referred, 1, clerk=clerk)
        services.referral_create(actor=clerk, data=services.ReferralInput(
            summary=summary, path=path, receiving_body=body, responsible_org_id=org.pk, referred_on=referred,
            person_times=persons, amount_involved=Decimal(involved), outcome=outcome,
            outcome_on=None if days is None else min(referred + timedelta(days=days), today),
            amount_recovered=Decimal(recovered), note="演示数据",
            petition_number=petitions[0] if petitions else "", dispute_number=_earlier_dispute(org, referred)))
        referrals += 1
        mediated += outcome == "mediated"
    batches = cases = 0
    for title, court, org_name, ago, count, persons, amount in BATCHES:
        org = _org(org_name)
        if org is None:
            continue
        guided = today - timedelta(days=ago)
        services.litigation_create(actor=clerk, data=services.LitigationInput(
            title=title, guided_on=guided, court=court, responsible_org_id=org.pk, case_count=count,
            person_times=persons, amount=Decimal(amount), note="演示数据：引导当事人依法通过诉讼解决",
            petition_numbers=tuple(_earlier_petitions(org, guided, 2, clerk=clerk))))
        batches += 1
        cases += count
    return f"访调对接 {referrals} 件（调解成功 {mediated} 件），导入诉讼 {batches} 批 {cases} 件"
