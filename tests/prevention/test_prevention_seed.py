"""The demo 矛盾纠纷 and 风险评估 ledgers: made once through the services (audited, versioned), with 批次, 化解,
one 超期未化解, petitions linked, assessments with their 备案 and one 应评未评 decision."""

import pytest
from django.utils import timezone

from xinfang.audit.models import AuditEvent
from xinfang.demo.district import district_build
from xinfang.demo.generator import generate_petitions
from xinfang.demo.seed_prevention import seed_prevention
from xinfang.prevention.assessments import MajorDecision, StabilityAssessment
from xinfang.prevention.disputes import Dispute, DisputeBatch, DisputePetition, ScreeningCampaign
from xinfang.prevention.history import LedgerVersion
from xinfang.prevention.selectors import decisions_with_gaps, overdue_q

pytestmark = pytest.mark.django_db


def test_seed_prevention_makes_the_ledgers_once_through_the_services():
    district_build()
    today = timezone.localdate()
    report = seed_prevention(today=today)

    assert sorted(ScreeningCampaign.objects.values_list("kind__name", flat=True)) == ["专项排查", "全县大排查"]
    assert Dispute.objects.count() == 13
    assert Dispute.objects.values("field").distinct().count() >= 6
    assert Dispute.objects.values("locality").distinct().count() >= 4
    assert set(Dispute.objects.values_list("risk_level", flat=True)) == {"high", "medium", "low"}
    statuses = list(Dispute.objects.values_list("status", flat=True))
    assert statuses.count("settled") == 4 and "reported" in statuses and "unsettled" in statuses
    assert all(d.verified_by.username == "reviewer" for d in Dispute.objects.filter(status="settled"))
    assert list(Dispute.objects.filter(overdue_q(today)).values_list("summary", flat=True)) == [
        "龙泉片区征地拆迁补偿标准争议"]
    assert {batch.title: batch.disputes.count() for batch in DisputeBatch.objects.all()} == {
        "锦绣花园业主集体反映延期交房及质量问题": 3, "某建筑公司拖欠农民工工资集体讨薪": 2}
    assert MajorDecision.objects.count() == 6
    assert list(decisions_with_gaps(MajorDecision.objects.all()).values_list("title", flat=True)) == [
        "老旧小区加装电梯财政补贴政策"]
    assert sorted(StabilityAssessment.objects.values_list("filing", flat=True)) == [
        "not_filed", "passed", "passed", "received", "returned"]
    assert set(StabilityAssessment.objects.values_list("kind__name", flat=True)) == {"工程项目类", "政策制定类"}
    assert set(StabilityAssessment.objects.values_list("conclusion", flat=True)) == {"approve", "defer"}
    # through the services: each record versioned and audited
    assert LedgerVersion.objects.filter(ledger="dispute").values("record_id").distinct().count() == 13
    assert AuditEvent.objects.filter(action="prevention.dispute_create").count() == 13
    assert AuditEvent.objects.filter(action="prevention.dispute_batch_create").count() == 2
    assert report == ("矛盾纠纷排查 2 次，纠纷 13 件（批次 2 个，已化解 4 件），重大决策事项 6 件，"
                      "社会稳定风险评估 5 件")

    assert seed_prevention(today=today) == "矛盾纠纷排查、风险评估台账已有数据，未重复生成"
    assert Dispute.objects.count() == 13


def test_the_seed_links_disputes_to_earlier_demo_petitions_of_their_place():
    district = district_build()
    today = timezone.localdate()
    generate_petitions(n=300, seed=3, district=district, until=today, days=190)
    seed_prevention(today=today)
    links = DisputePetition.objects.select_related("dispute", "petition")
    assert links.count() >= 2
    for link in links:
        assert timezone.localdate(link.petition.received_at) < link.dispute.found_on
        assert link.petition.locality.path.startswith(link.dispute.locality.path) or (
            link.petition.handling_org_id and link.petition.handling_org.path.startswith(link.dispute.locality.path))
