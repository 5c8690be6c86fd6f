"""The demo 普法宣传: made once through the services; its figures follow from the records."""

import pytest
from django.utils import timezone

from xinfang.demo.district import district_build
from xinfang.demo.seed_publicity import seed_publicity
from xinfang.publicity.models import ActivityMaterial, LawExam, PublicityActivity, TrainingSession
from xinfang.publicity.selectors import stock_table

pytestmark = pytest.mark.django_db


def test_seed_publicity_once():
    district_build()
    today = timezone.localdate()
    report = seed_publicity(today=today)
    assert report == "普法宣传活动 6 场、培训 2 场、学法考试 2 场，资料入库 3 批"
    assert (PublicityActivity.objects.count(), TrainingSession.objects.count(), LawExam.objects.count()) == (6, 2, 2)
    stock = {row["kind"].name: row["stock"] for row in stock_table() if row["received"]}
    assert stock == {"《信访工作条例》单行本": 2000 - 605, "宣传折页": 3000 - 1270, "宣传海报": 160}
    assert ActivityMaterial.objects.count() == 8
    assert seed_publicity(today=today) == "普法宣传台账已有数据，未重复生成"
