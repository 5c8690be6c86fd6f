"""The demo 访调对接 and 导入诉讼: made once through the services, linked to earlier demo petitions."""

import pytest
from django.utils import timezone

from xinfang.demo.district import district_build
from xinfang.demo.generator import generate_petitions
from xinfang.demo.seed_referrals import seed_referrals
from xinfang.prevention.history import LedgerVersion
from xinfang.prevention.referrals import LitigationBatch, Referral

pytestmark = pytest.mark.django_db


def test_seed_referrals_makes_referrals_and_batches_once():
    district = district_build()
    today = timezone.localdate()
    generate_petitions(n=300, seed=3, district=district, until=today, days=190)
    report = seed_referrals(today=today)
    outcomes = sorted(Referral.objects.values_list("outcome", flat=True))
    assert outcomes.count("mediated") == 3 and {"failed", "withdrawn", "pending"} <= set(outcomes)
    assert Referral.objects.filter(petition__isnull=False).exists()
    assert all(r.petition is None or r.petition.received_at.date() < r.referred_on for r in Referral.objects.all())
    assert LitigationBatch.objects.count() == 3
    assert LedgerVersion.objects.filter(ledger="referral").count() == Referral.objects.count()
    assert report == f"访调对接 {Referral.objects.count()} 件（调解成功 3 件），导入诉讼 3 批 13 件"
    assert seed_referrals(today=today) == "访调对接台账已有数据，未重复生成"
